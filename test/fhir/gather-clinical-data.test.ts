import type { FhirResource } from 'fhir/r4';
import { gatherClinicalData, type GatherDeps } from '../../src/fhir/gather-clinical-data';
import { createInMemoryGatewayFactory } from '../../src/fhir/in-memory-gateway';
import type { FhirGateway, FhirGatewayFactory } from '../../src/fhir/fhir-gateway';
import type { CdsRequest } from '../../src/cds-hooks/types';
import { AppError } from '../../src/shared/errors';

const SERVER = 'http://127.0.0.1:9999/fhir';
const NOW = new Date('2025-06-01T00:00:00Z');
const TEMPLATES = {
  patient: 'Patient/{{context.patientId}}',
  labs: 'Observation?patient={{context.patientId}}&code=http://loinc.org|1834-1,http://loinc.org|1742-6',
  conditions: 'Condition?patient={{context.patientId}}',
};

const patient = { resourceType: 'Patient', id: 'p1' } as FhirResource;
const afp = (id: string, extra: Record<string, unknown> = {}) =>
  ({ resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' },
     code: { coding: [{ system: 'http://loinc.org', code: '1834-1' }] }, effectiveDateTime: '2025-05-01', ...extra }) as unknown as FhirResource;
const alt = (id: string) => afp(id, { code: { coding: [{ system: 'http://loinc.org', code: '1742-6' }] } });
const hb = afp('hb', { code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] } });
const cond = { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } } as FhirResource;
const otherPatientObs = afp('o-x', { subject: { reference: 'Patient/p2' } });
const STORE: FhirResource[] = [patient, afp('a1'), alt('l1'), hb, cond, otherPatientObs,
  { resourceType: 'Patient', id: 'p2' } as FhirResource];

function request(extra: Partial<CdsRequest> = {}): CdsRequest {
  return {
    hook: 'patient-view',
    hookInstance: 'a1b2c3',
    context: { userId: 'Practitioner/u1', patientId: 'p1' },
    fhirServer: SERVER,
    fhirAuthorization: { access_token: 'tok-123', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'svc' },
    ...extra,
  } as CdsRequest;
}

function deps(factory: FhirGatewayFactory, extra: Partial<GatherDeps> = {}): GatherDeps {
  return { gatewayFactory: factory, allowedFhirServers: ['http://127.0.0.1:*'], deadlineMs: 1000, pageCap: 5, now: NOW, ...extra };
}

const bundleOf = (...rs: FhirResource[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: rs.map((resource) => ({ resource })) }) as FhirResource;
const ids = (rs: readonly FhirResource[]) => rs.map((r) => `${r.resourceType}/${r.id ?? ''}`);

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('gatherClinicalData: prefetch matrix', () => {
  it('all keys prefetched → zero FHIR calls, Bundle entries flattened', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const out = await gatherClinicalData(
      request({ prefetch: { patient, labs: bundleOf(afp('a1'), alt('l1')), conditions: bundleOf(cond) } }),
      TEMPLATES, deps(f));
    expect(f.calls).toEqual([]);
    expect(ids(out.resources)).toEqual(['Patient/p1', 'Observation/a1', 'Observation/l1', 'Condition/c1']);
    expect(out.fetchedKeys).toEqual([]);
    expect(out.issues).toEqual([]);
  });

  it('null prefetch → no data and no call for that key', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const out = await gatherClinicalData(request({ prefetch: { patient, labs: null, conditions: null } }), TEMPLATES, deps(f));
    expect(f.calls).toEqual([]);
    expect(ids(out.resources)).toEqual(['Patient/p1']);
  });

  it('absent keys → one call per key with the bearer token; real filtering by patient and code list', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const out = await gatherClinicalData(request({ prefetch: { patient } }), TEMPLATES, deps(f));
    expect(f.calls.map((c) => c.url).sort()).toEqual([
      'Condition?patient=p1',
      'Observation?patient=p1&code=http://loinc.org|1834-1,http://loinc.org|1742-6',
    ]);
    expect(f.calls.every((c) => c.accessToken === 'tok-123')).toBe(true);
    expect(ids(out.resources)).toEqual(['Patient/p1', 'Observation/a1', 'Observation/l1', 'Condition/c1']);
    expect(out.fetchedKeys).toEqual(['labs', 'conditions']);
  });

  it('no fhirAuthorization → fetches without a token (open test server)', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const { fhirAuthorization: _drop, ...open } = request();
    await gatherClinicalData(open as CdsRequest, TEMPLATES, deps(f));
    expect(f.calls).toHaveLength(3);
    expect(f.calls.every((c) => c.accessToken === undefined)).toBe(true);
  });

  it('fetches run in parallel under one deadline', async () => {
    const f = createInMemoryGatewayFactory(STORE, { delayMs: 150 });
    const started = Date.now();
    await gatherClinicalData(request(), TEMPLATES, deps(f));
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('deadline exceeded → FHIR_FETCH_FAILED (412)', async () => {
    const f = createInMemoryGatewayFactory(STORE, { delayMs: 500 });
    const e = await failure(gatherClinicalData(request(), TEMPLATES, deps(f, { deadlineMs: 50 })));
    expect(e.code).toBe('FHIR_FETCH_FAILED');
    expect(e.status).toBe(412);
  });

  it('absent keys and no fhirServer → PREFETCH_UNAVAILABLE naming only the keys', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const { fhirServer: _s, fhirAuthorization: _a, ...req } = request({ prefetch: { patient } });
    const e = await failure(gatherClinicalData(req as CdsRequest, TEMPLATES, deps(f)));
    expect(e.code).toBe('PREFETCH_UNAVAILABLE');
    expect(e.status).toBe(412);
    expect(e.message).toContain('labs, conditions');
    expect(e.message).not.toContain('p1');
    expect(e.locations).toEqual(['prefetch.labs', 'prefetch.conditions']);
  });

  it('fhirServer off the allowlist → FHIR_SERVER_NOT_ALLOWED and no call', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    for (const server of ['https://evil.example/fhir', 'http://u:p@127.0.0.1:1/fhir', 'file:///etc']) {
      const e = await failure(gatherClinicalData(request({ fhirServer: server }), TEMPLATES, deps(f)));
      expect(e.code).toBe('FHIR_SERVER_NOT_ALLOWED');
    }
    expect(f.calls).toEqual([]);
  });

  it('OperationOutcome as a prefetch value → data issue and refetch', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const oo = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] } as FhirResource;
    const out = await gatherClinicalData(request({ prefetch: { patient, labs: oo, conditions: null } }), TEMPLATES, deps(f));
    expect(f.calls.map((c) => c.url)).toEqual(['Observation?patient=p1&code=http://loinc.org|1834-1,http://loinc.org|1742-6']);
    expect(out.issues).toContainEqual(expect.objectContaining({ code: 'prefetch-error', location: 'labs' }));
    expect(ids(out.resources)).toContain('Observation/a1');
  });

  it('OperationOutcome prefetch and no fhirServer → 412', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const oo = { resourceType: 'OperationOutcome', issue: [] } as unknown as FhirResource;
    const { fhirServer: _s, fhirAuthorization: _a, ...req } = request({ prefetch: { patient, labs: oo, conditions: null } });
    expect((await failure(gatherClinicalData(req as CdsRequest, TEMPLATES, deps(f)))).code).toBe('PREFETCH_UNAVAILABLE');
  });

  it("another patient's resources are dropped with an issue naming only the relative reference", async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const p2 = { resourceType: 'Patient', id: 'p2', name: [{ family: 'Secret' }] } as FhirResource;
    const out = await gatherClinicalData(
      request({ prefetch: { patient: p2, labs: bundleOf(afp('a1'), otherPatientObs), conditions: null } }), TEMPLATES, deps(f));
    expect(ids(out.resources)).toEqual(['Observation/a1']);
    expect(out.issues).toEqual([
      expect.objectContaining({ code: 'other-patient', location: 'Patient/p2' }),
      expect.objectContaining({ code: 'other-patient', location: 'Observation/o-x' }),
    ]);
    expect(JSON.stringify(out.issues)).not.toContain('Secret');
  });

  it('absolute subject references to the same patient are accepted', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const abs = afp('abs', { subject: { reference: `${SERVER}/Patient/p1` } });
    const out = await gatherClinicalData(request({ prefetch: { patient, labs: bundleOf(abs), conditions: null } }), TEMPLATES, deps(f));
    expect(ids(out.resources)).toContain('Observation/abs');
  });

  it('duplicates are merged keeping the latest meta.lastUpdated', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const old = afp('a1', { meta: { lastUpdated: '2025-01-01T00:00:00Z' }, valueQuantity: { value: 1 } });
    const newer = afp('a1', { meta: { lastUpdated: '2025-03-01T00:00:00+08:00' }, valueQuantity: { value: 2 } });
    const out = await gatherClinicalData(
      request({ prefetch: { patient, labs: bundleOf(old, newer, old), conditions: bundleOf(cond, cond) } }), TEMPLATES, deps(f));
    expect(ids(out.resources)).toEqual(['Patient/p1', 'Observation/a1', 'Condition/c1']);
    expect((out.resources[1] as unknown as { valueQuantity: { value: number } }).valueQuantity.value).toBe(2);
  });

  it('garbage values and entries are dropped with issues, never thrown', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const weird = { resourceType: 'Bundle', entry: [42, null, { resource: 'x' }, { resource: { id: 'no-type' } }, { resource: cond }] };
    const out = await gatherClinicalData(
      request({ prefetch: { patient, labs: weird as unknown as FhirResource, conditions: null } }), TEMPLATES, deps(f));
    expect(ids(out.resources)).toEqual(['Patient/p1', 'Condition/c1']);
    expect(out.issues.filter((i) => i.code === 'invalid-resource')).toHaveLength(4);
  });

  it('a non-resource prefetch value is refetched', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const out = await gatherClinicalData(
      request({ prefetch: { patient, labs: 'oops' as unknown as FhirResource, conditions: null } }), TEMPLATES, deps(f));
    expect(out.issues).toContainEqual(expect.objectContaining({ code: 'invalid-prefetch', location: 'labs' }));
    expect(f.calls).toHaveLength(1);
  });

  it('an unresolvable template is reported, not fetched and not a 412', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const { fhirServer: _s, fhirAuthorization: _a, ...req } = request({ prefetch: { patient } });
    const out = await gatherClinicalData(req as CdsRequest, { patient: TEMPLATES.patient, enc: 'Encounter/{{context.encounterId}}' }, deps(f));
    expect(out.issues).toEqual([expect.objectContaining({ code: 'prefetch-unresolvable', location: 'enc' })]);
    expect(f.calls).toEqual([]);
  });

  it('a read that fails → FHIR_FETCH_FAILED', async () => {
    const f = createInMemoryGatewayFactory([]);
    const e = await failure(gatherClinicalData(request(), { patient: TEMPLATES.patient }, deps(f)));
    expect(e.code).toBe('FHIR_FETCH_FAILED');
  });

  it('a gateway throwing a non-AppError is normalised', async () => {
    const bad: FhirGatewayFactory = () => ({
      search: () => Promise.reject({ response: { status: 500 } }),
      fetchAbsolute: () => Promise.reject(new Error('x')),
    });
    expect((await failure(gatherClinicalData(request(), TEMPLATES, deps(bad)))).code).toBe('FHIR_FETCH_FAILED');
  });
});

describe('gatherClinicalData: paging', () => {
  const many = Array.from({ length: 12 }, (_, i) => afp(`m${i}`));

  it('follows next links of fetched searches up to the page cap', async () => {
    const f = createInMemoryGatewayFactory([patient, ...many], { baseUrl: SERVER });
    const templates = { labs: 'Observation?patient={{context.patientId}}&_count=5' };
    const out = await gatherClinicalData(request(), templates, deps(f));
    expect(out.resources).toHaveLength(12);
    expect(f.calls).toHaveLength(3);
    const capped = createInMemoryGatewayFactory([patient, ...many], { baseUrl: SERVER });
    const out2 = await gatherClinicalData(request(), templates, deps(capped, { pageCap: 2 }));
    expect(out2.resources).toHaveLength(10);
    expect(out2.issues).toContainEqual(expect.objectContaining({ code: 'page-cap', location: 'labs' }));
  });

  it('follows the next link of a paginated prefetch Bundle through the gateway', async () => {
    const f = createInMemoryGatewayFactory([patient, ...many], { baseUrl: SERVER });
    const firstPage = { ...bundleOf(afp('m0')), link: [{ relation: 'next', url: `${SERVER}/Observation?patient=p1&_count=5&_offset=5` }] } as FhirResource;
    const out = await gatherClinicalData(request({ prefetch: { labs: firstPage } }), { labs: 'Observation?patient={{context.patientId}}' }, deps(f));
    expect(f.calls.map((c) => c.url)).toEqual(['Observation?patient=p1&_count=5&_offset=5', 'Observation?patient=p1&_count=5&_offset=10']);
    expect(out.resources).toHaveLength(8);
    expect(f.calls.every((c) => c.accessToken === 'tok-123')).toBe(true);
  });

  it('does not send the token to a next link outside fhirServer', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const page = { ...bundleOf(afp('a1')), link: [{ relation: 'next', url: 'https://evil.example/fhir/Observation?p=2' }] } as FhirResource;
    const out = await gatherClinicalData(request({ prefetch: { labs: page } }), { labs: TEMPLATES.labs }, deps(f));
    expect(f.calls).toEqual([]);
    expect(out.issues).toContainEqual(expect.objectContaining({ code: 'next-link-rejected' }));
  });

  it('a next link that loops stops', async () => {
    const loop = `${SERVER}/Observation?page=2`;
    const page = { ...bundleOf(afp('a1')), link: [{ relation: 'next', url: loop }] };
    let calls = 0;
    const looping: FhirGatewayFactory = (): FhirGateway => ({
      search: async () => page as FhirResource,
      fetchAbsolute: async () => {
        calls += 1;
        return page as never;
      },
    });
    const out = await gatherClinicalData(request(), { labs: TEMPLATES.labs }, deps(looping, { pageCap: 50 }));
    expect(calls).toBe(1);
    expect(out.issues).toContainEqual(expect.objectContaining({ code: 'paging-loop' }));
    expect(out.resources).toHaveLength(1);
  });

  it('a paginated prefetch without fhirServer keeps the first page and reports it', async () => {
    const f = createInMemoryGatewayFactory(STORE);
    const page = { ...bundleOf(afp('a1')), link: [{ relation: 'next', url: `${SERVER}/Observation?x=2` }] } as FhirResource;
    const { fhirServer: _s, fhirAuthorization: _a, ...req } = request({ prefetch: { labs: page } });
    const out = await gatherClinicalData(req as CdsRequest, { labs: TEMPLATES.labs }, deps(f));
    expect(ids(out.resources)).toEqual(['Observation/a1']);
    expect(out.issues).toContainEqual(expect.objectContaining({ code: 'incomplete', location: 'labs' }));
  });
});

describe('gatherClinicalData: referenced Medications', () => {
  const med = (id: string) => ({ resourceType: 'Medication', id, code: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01EX08' }] } }) as FhirResource;
  const order = (id: string, medication: string, status = 'active', type = 'MedicationRequest') =>
    ({ resourceType: type, id, status, intent: 'order', subject: { reference: 'Patient/p1' }, medicationReference: { reference: medication } }) as unknown as FhirResource;
  const MEDS = { patient: TEMPLATES.patient, meds: 'MedicationRequest?patient={{context.patientId}}', statements: 'MedicationStatement?patient={{context.patientId}}' };
  const prefetched = (...rs: FhirResource[]) => ({
    patient,
    meds: bundleOf(...rs.filter((r) => r.resourceType === 'MedicationRequest')),
    statements: bundleOf(...rs.filter((r) => r.resourceType === 'MedicationStatement')),
  });

  it('reads the Medications active orders and statements reference but nobody sent, once each, in parallel', async () => {
    const f = createInMemoryGatewayFactory([med('m1'), med('m2'), med('m3')], { delayMs: 150 });
    const records = [order('r1', 'Medication/m1'), order('r2', 'Medication/m2'), order('s1', 'Medication/m1', 'active', 'MedicationStatement'),
      order('r3', 'Medication/m3', 'completed'), order('r4', '#contained'), order('r5', 'https://other.example/fhir/Medication/m3')];
    const started = Date.now();
    const out = await gatherClinicalData(request({ prefetch: prefetched(...records) }), MEDS, deps(f));
    expect(Date.now() - started).toBeLessThan(290);
    expect(f.calls.map((c) => [c.url, c.accessToken])).toEqual([['Medication/m1', 'tok-123'], ['Medication/m2', 'tok-123']]);
    expect(ids(out.resources).filter((r) => r.startsWith('Medication/'))).toEqual(['Medication/m1', 'Medication/m2']);
    expect(out.issues).toEqual([]);
    expect(out.fetchedKeys).toEqual([]);
  });

  it('does not read a Medication that is already in the data, nor without a fhirServer', async () => {
    const f = createInMemoryGatewayFactory([med('m1')]);
    const withMed = { ...prefetched(order('r1', 'Medication/m1')), meds: bundleOf(order('r1', 'Medication/m1'), med('m1')) };
    expect((await gatherClinicalData(request({ prefetch: withMed }), MEDS, deps(f))).issues).toEqual([]);
    const { fhirServer: _s, fhirAuthorization: _a, ...req } = request({ prefetch: prefetched(order('r1', 'Medication/m1')) });
    const out = await gatherClinicalData(req as CdsRequest, MEDS, deps(f));
    expect(f.calls).toEqual([]);
    expect(out.issues).toEqual([]);
  });

  it('reads them with the gateway of the fallback fetches (one gateway, one byte budget per call)', async () => {
    const inner = createInMemoryGatewayFactory([patient, order('r1', 'Medication/m1'), med('m1')]);
    let gateways = 0;
    const counting: FhirGatewayFactory = (base, token) => {
      gateways += 1;
      return inner(base, token);
    };
    const out = await gatherClinicalData(request(), MEDS, deps(counting));
    expect(gateways).toBe(1);
    expect(inner.calls.map((c) => c.url)).toEqual(['Patient/p1', 'MedicationRequest?patient=p1', 'MedicationStatement?patient=p1', 'Medication/m1']);
    expect(ids(out.resources)).toContain('Medication/m1');
  });

  it('a failed read, a wrong answer or the cap are data issues, never a 412', async () => {
    const wrong: FhirGatewayFactory = (base, token) => {
      const gw = createInMemoryGatewayFactory([med('m1'), med('other')])(base, token);
      return { ...gw, search: (url, signal) => gw.search(url === 'Medication/m3' ? 'Medication/other' : url, signal) };
    };
    const records = [order('r1', 'Medication/m1'), order('r2', 'Medication/m2'), order('r3', 'Medication/m3'), order('r4', 'Medication/m4')];
    const out = await gatherClinicalData(request({ prefetch: prefetched(...records) }), MEDS, deps(wrong, { medicationReadCap: 3 }));
    expect(ids(out.resources).filter((r) => r.startsWith('Medication/'))).toEqual(['Medication/m1']);
    expect(out.issues).toEqual([
      { code: 'medication-cap', message: '1 referenced Medications not read (cap 3)', location: 'Medication' },
      { code: 'medication-unavailable', message: 'Referenced Medication not read: FHIR read returned 404', location: 'Medication/m2' },
      { code: 'medication-unavailable', message: 'The FHIR server answered a Medication read with another resource', location: 'Medication/m3' },
    ]);
  });

  it('the deadline is shared: reads still running at it become data issues', async () => {
    const f = createInMemoryGatewayFactory([med('m1')], { delayMs: 500 });
    const started = Date.now();
    const out = await gatherClinicalData(request({ prefetch: prefetched(order('r1', 'Medication/m1')) }), MEDS, deps(f, { deadlineMs: 100 }));
    expect(Date.now() - started).toBeLessThan(400);
    expect(out.issues).toEqual([{ code: 'medication-unavailable', message: 'Referenced Medication not read: FHIR server did not answer within the deadline', location: 'Medication/m1' }]);
  });

  it('a fhirServer off the allowlist is not contacted for Medications and is reported, not thrown', async () => {
    const f = createInMemoryGatewayFactory([med('m1')]);
    const out = await gatherClinicalData(request({ prefetch: prefetched(order('r1', 'Medication/m1')) }), MEDS, deps(f, { allowedFhirServers: ['https://ehr.example/*'] }));
    expect(f.calls).toEqual([]);
    expect(out.issues).toEqual([expect.objectContaining({ code: 'medication-not-read', location: 'fhirServer' })]);
  });
});
