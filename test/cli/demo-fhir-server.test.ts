import type { FhirResource } from 'fhir/r4';
import { startDemoFhirServer, type RunningDemoFhir } from '../../src/demo-fhir/server';
import { shiftDateString, shiftDates, daysBetween } from '../../src/demo-fhir/shift-dates';
import { resolvePrefetch } from '../../src/fhir/memory-search';

const LOINC = 'http://loinc.org';
const obs = (id: string, patient: string, code: string, date: string, value: number): FhirResource =>
  ({
    resourceType: 'Observation',
    id,
    status: 'final',
    subject: { reference: `Patient/${patient}` },
    code: { coding: [{ system: LOINC, code }] },
    effectiveDateTime: date,
    valueQuantity: { value, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' },
  }) as FhirResource;

const RESOURCES: FhirResource[] = [
  { resourceType: 'Patient', id: 'p1', name: [{ family: 'Wang', given: ['Li'] }], gender: 'male', birthDate: '1960-05-01' },
  { resourceType: 'Patient', id: 'p2', name: [{ family: 'Chen' }], gender: 'female', birthDate: '1970-01-01' },
  obs('alt-old', 'p1', '1742-6', '2025-01-01T08:00:00Z', 40),
  obs('alt-new', 'p1', '1742-6', '2025-03-01T08:00:00Z', 80),
  obs('ast', 'p1', '1920-8', '2025-03-01T08:00:00Z', 60),
  obs('alt-p2', 'p2', '1742-6', '2025-03-01T08:00:00Z', 20),
  { resourceType: 'Condition', id: 'hcc', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://snomed.info/sct', code: '109841003' }] }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } } as FhirResource,
  { resourceType: 'MedicationRequest', id: 'mr', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, medicationCodeableConcept: { text: '仑伐替尼', coding: [{ system: 'http://www.whocc.no/atc', code: 'L01EX08' }] }, authoredOn: '2025-02-01' } as FhirResource,
  { resourceType: 'AdverseEvent', id: 'ae', actuality: 'actual', subject: { reference: 'Patient/p1' }, event: { coding: [{ system: 'http://snomed.info/sct', code: '40930008' }] }, date: '2025-03-02' } as FhirResource,
];

describe('demo FHIR server over HTTP', () => {
  let server: RunningDemoFhir;
  beforeAll(async () => {
    server = await startDemoFhirServer({ resources: RESOURCES, port: 0, now: () => new Date('2025-03-10T00:00:00Z'), defaultPageSize: 2 });
  });
  afterAll(async () => server.close());

  const get = async (path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const res = await fetch(`${server.url}${path}`, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };
  const ids = (bundle: Record<string, unknown>): string[] =>
    ((bundle['entry'] as { resource: { id: string } }[] | undefined) ?? []).map((e) => e.resource.id);

  it('listens on loopback only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers metadata with an R4 CapabilityStatement', async () => {
    const { status, body, headers } = await get('/metadata');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/fhir+json');
    expect(body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    const types = ((body['rest'] as { resource: { type: string }[] }[])[0]!.resource).map((r) => r.type);
    expect(types).toEqual(['Patient', 'Observation', 'Condition', 'MedicationRequest', 'MedicationStatement', 'MedicationAdministration', 'Medication', 'Procedure', 'AdverseEvent', 'DiagnosticReport', 'ImagingStudy']);
  });

  it('reads a Patient and answers 404 with an OperationOutcome for an unknown one', async () => {
    expect((await get('/Patient/p1')).body).toMatchObject({ resourceType: 'Patient', id: 'p1' });
    const missing = await get('/Patient/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
  });

  it('searches Patients by name, gender and birthdate', async () => {
    expect(ids((await get('/Patient?name=wan')).body)).toEqual(['p1']);
    expect(ids((await get('/Patient?gender=female')).body)).toEqual(['p2']);
    expect(ids((await get('/Patient?birthdate=ge1965-01-01')).body)).toEqual(['p2']);
    expect(ids((await get('/Patient?_id=p1,p2&_count=10')).body)).toEqual(['p1', 'p2']);
  });

  it('searches Observations by patient and code, sorted by date, with paging', async () => {
    const first = await get(`/Observation?patient=p1&code=${encodeURIComponent(`${LOINC}|1742-6`)}&_sort=-date&_count=1`);
    expect(first.body['total']).toBe(2);
    expect(ids(first.body)).toEqual(['alt-new']);
    const next = (first.body['link'] as { relation: string; url: string }[]).find((l) => l.relation === 'next')!.url;
    expect(next.startsWith(server.url)).toBe(true);
    const second = await get(next.slice(server.url.length));
    expect(ids(second.body)).toEqual(['alt-old']);
    expect((second.body['link'] as { relation: string }[]).some((l) => l.relation === 'next')).toBe(false);
    expect(ids((await get('/Observation?subject=Patient/p1&code=1742-6,1920-8&_count=10')).body).sort()).toEqual(['alt-new', 'alt-old', 'ast']);
    expect(ids((await get('/Observation?patient=p1&date=ge2025-02-01&_count=10')).body).sort()).toEqual(['alt-new', 'ast']);
  });

  it('searches the other prefetch types by patient and code', async () => {
    expect(ids((await get('/Condition?patient=p1&code=http://snomed.info/sct|109841003&clinical-status=active')).body)).toEqual(['hcc']);
    expect(ids((await get('/MedicationRequest?patient=p1&status=active,on-hold&code=L01EX08')).body)).toEqual(['mr']);
    expect(ids((await get('/AdverseEvent?subject=p1&event=40930008')).body)).toEqual(['ae']);
    expect(ids((await get('/Procedure?patient=p1')).body)).toEqual([]);
    expect((await get('/Procedure?patient=p1')).body).not.toHaveProperty('entry');
    expect(ids((await get('/MedicationStatement?patient=p2')).body)).toEqual([]);
  });

  it('supports POST {type}/_search with a form-encoded body', async () => {
    const res = await get('/Observation/_search', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ patient: 'p2', code: `${LOINC}|1742-6` }).toString(),
    });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(['alt-p2']);
    const json = await get('/Observation/_search', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect(json.body['resourceType']).toBe('OperationOutcome');
  });

  it('ignores unknown parameters leniently, refuses them with Prefer: handling=strict', async () => {
    expect(ids((await get('/Condition?patient=p1&frobnicate=1')).body)).toEqual(['hcc']);
    const strict = await get('/Condition?patient=p1&frobnicate=1', { headers: { Prefer: 'handling=strict' } });
    expect(strict.status).toBe(400);
  });

  it('answers CORS preflights and sets CORS headers on answers and errors', async () => {
    const pre = await fetch(`${server.url}/Observation/_search`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://sandbox.cds-hooks.org', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const err = await fetch(`${server.url}/Encounter/1`, { headers: { Origin: 'https://sandbox.cds-hooks.org' } });
    expect(err.status).toBe(404);
    expect(err.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is read-only', async () => {
    const put = await get('/Patient/p1', { method: 'PUT', headers: { 'Content-Type': 'application/fhir+json' }, body: '{}' });
    expect(put.status).toBe(405);
    expect(put.body['resourceType']).toBe('OperationOutcome');
  });
});

describe('date shifting of synthetic records', () => {
  it('moves dates and date-times by whole days, keeping precision and zone', () => {
    expect(shiftDateString('2025-03-01', 10)).toBe('2025-03-11');
    expect(shiftDateString('2025-02-25T08:30:00+08:00', 5)).toBe('2025-03-02T08:30:00+08:00');
    expect(shiftDateString('2024-12-31T23:59:59.123Z', 1)).toBe('2025-01-01T23:59:59.123Z');
    expect(shiftDateString('2025', 400)).toBe('2025');
    expect(shiftDateString('not a date', 3)).toBe('not a date');
  });

  it('shifts every date in a resource but never ids, codes or references', () => {
    const resource = { resourceType: 'Observation', id: '2025-01-01', code: { coding: [{ code: '2025-01-01' }] }, subject: { reference: 'Patient/2025-01-01' }, effectiveDateTime: '2025-01-01T00:00:00Z', issued: '2025-01-02T00:00:00Z' };
    expect(shiftDates(resource, 30)).toEqual({ ...resource, effectiveDateTime: '2025-01-31T00:00:00Z', issued: '2025-02-01T00:00:00Z' });
    expect(daysBetween(new Date('2025-01-01T00:00:00Z'), new Date('2025-01-31T12:00:00Z'))).toBe(30);
  });
});

describe('prefetch resolution from an in-memory record', () => {
  const context = { userId: 'Practitioner/u1', patientId: 'p1' };
  const now = new Date('2025-03-10T12:00:00Z');

  it('fills context, user and today() tokens; leaves out templates with unresolvable tokens', () => {
    const prefetch = resolvePrefetch(
      {
        patient: 'Patient/{{context.patientId}}',
        alt: `Observation?patient={{context.patientId}}&code=${LOINC}|1742-6&_sort=-date`,
        recent: 'Observation?patient={{context.patientId}}&date=ge{{today() - 30 days}}&_sort=date',
        user: 'Practitioner/{{userPractitionerId}}',
        encounter: 'Encounter/{{context.encounterId}}',
        missing: 'Patient/nobody',
      },
      context,
      RESOURCES,
      now,
    );
    expect(Object.keys(prefetch).sort()).toEqual(['alt', 'missing', 'patient', 'recent', 'user']);
    expect(prefetch['user']).toBeNull();
    expect(((prefetch['recent'] as { entry: { resource: { id: string } }[] }).entry).map((e) => e.resource.id)).toEqual(['alt-new', 'ast']);
    expect(prefetch['patient']).toMatchObject({ resourceType: 'Patient', id: 'p1' });
    expect(prefetch['missing']).toBeNull();
    expect(prefetch['alt']).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
    expect(((prefetch['alt'] as { entry: { resource: { id: string } }[] }).entry).map((e) => e.resource.id)).toEqual(['alt-new', 'alt-old']);
  });
});
