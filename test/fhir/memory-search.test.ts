import type { Bundle, FhirResource } from 'fhir/r4';
import {
  answerQuery,
  createResourceStore,
  parseRelativeQuery,
  resolvePrefetch,
  searchResources,
  UnsupportedSearchError,
} from '../../src/fhir/memory-search';

const LOINC = 'http://loinc.org';
const obs = (id: string, patient: string, code: string, date: string, system = LOINC): FhirResource =>
  ({ resourceType: 'Observation', id, status: 'final', subject: { reference: `Patient/${patient}` }, code: { coding: [{ system, code }] }, effectiveDateTime: date }) as FhirResource;
const RESOURCES: FhirResource[] = [
  { resourceType: 'Patient', id: 'p1', name: [{ family: 'Wang', given: ['Li'] }], gender: 'male', birthDate: '1960-05-01', identifier: [{ system: 'urn:mrn', value: 'M-1' }] },
  { resourceType: 'Patient', id: 'p2', name: [{ family: 'Wangshi' }], gender: 'female', birthDate: '1970' },
  obs('a', 'p1', '1742-6', '2025-01-01T08:00:00Z'),
  obs('b', 'p1', '1742-6', '2025-03-01'),
  obs('c', 'p1', '1920-8', '2025-02-01T23:30:00+08:00'),
  { ...obs('local', 'p1', 'x1', '2025-02-10'), code: { coding: [{ code: 'x1' }] } } as FhirResource,
  { ...obs('abs', 'p2', '1742-6', '2025-02-02'), subject: { reference: 'https://ehr.example/fhir/Patient/p2/_history/3' } } as FhirResource,
  { resourceType: 'MedicationRequest', id: 'mr', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01EX08' }] }, authoredOn: '2025-02-01' } as FhirResource,
  { resourceType: 'AdverseEvent', id: 'ae', actuality: 'actual', subject: { reference: 'Patient/p1' }, event: { coding: [{ system: 'http://snomed.info/sct', code: '40930008' }] }, date: '2025-03-02' } as FhirResource,
];
const store = createResourceStore(RESOURCES);
const ids = (url: string, options = {}): string[] => ((answerQuery(store, url, options) as Bundle).entry ?? []).map((e) => e.resource?.id ?? '');

describe('in-memory FHIR search', () => {
  it('reads by Type/id and answers null for an unknown id', () => {
    expect(answerQuery(store, 'Patient/p1')).toMatchObject({ id: 'p1' });
    expect(answerQuery(store, '/Patient/nope')).toBeNull();
  });

  it('refuses URLs that are neither a read nor a type-level search', () => {
    for (const url of ['Patient/p1/_history/1', 'patient?x=1', 'Patient/p1?x=1', 'Patient/a b', '']) {
      expect(() => parseRelativeQuery(url)).toThrow(UnsupportedSearchError);
    }
  });

  it('matches references by id, Type/id, absolute and versioned forms', () => {
    expect(ids('Observation?patient=p2')).toEqual(['abs']);
    expect(ids('Observation?subject=Patient/p2')).toEqual(['abs']);
    expect(ids('Observation?subject=https://other.example/Patient/p1').sort()).toEqual(['a', 'b', 'c', 'local']);
    expect(ids('AdverseEvent?subject=p1')).toEqual(['ae']);
    expect(ids('Patient?_id=p2,p1')).toEqual(['p1', 'p2']);
  });

  it('matches tokens with and without system, no-system (|code) and system-only (system|)', () => {
    expect(ids(`Observation?code=${LOINC}|1742-6,1920-8&patient=p1`)).toEqual(['a', 'b', 'c']);
    expect(ids('Observation?code=|x1')).toEqual(['local']);
    expect(ids(`Observation?code=|1742-6`)).toEqual([]);
    expect(ids(`Observation?code=${LOINC}|&patient=p1`)).toEqual(['a', 'b', 'c']);
    expect(ids('MedicationRequest?code=L01EX08&status=active&intent=order')).toEqual(['mr']);
    expect(ids('AdverseEvent?event=40930008&actuality=actual')).toEqual(['ae']);
    expect(ids('Patient?identifier=urn:mrn|M-1')).toEqual(['p1']);
    expect(ids('Patient?gender=female')).toEqual(['p2']);
  });

  it('matches strings by case-insensitive prefix, or exactly with :exact', () => {
    expect(ids('Patient?name=wang')).toEqual(['p1', 'p2']);
    expect(ids('Patient?family:exact=Wang')).toEqual(['p1']);
    expect(ids('Patient?given=l')).toEqual(['p1']);
  });

  it('compares dates as ranges with eq/ne/lt/gt/ge/le/sa/eb, at any precision', () => {
    expect(ids('Observation?patient=p1&date=2025-02')).toEqual(['c', 'local']);
    expect(ids('Observation?patient=p1&date=ge2025-02-01&date=lt2025-03')).toEqual(['c', 'local']);
    expect(ids('Observation?patient=p1&date=ne2025-02')).toEqual(['a', 'b']);
    expect(ids('Observation?patient=p1&date=sa2025-02-10')).toEqual(['b']);
    expect(ids('Observation?patient=p1&date=eb2025-02-01')).toEqual(['a']);
    expect(ids('Observation?patient=p1&date=le2025-01-01')).toEqual(['a']);
    expect(ids('Patient?birthdate=gt1965')).toEqual(['p2']);
    expect(ids('MedicationRequest?authoredon=2025-02-01')).toEqual(['mr']);
  });

  it('sorts on the clinical date, stable for equal dates', () => {
    expect(ids('Observation?patient=p1&_sort=-date')).toEqual(['b', 'local', 'c', 'a']);
    expect(ids('Observation?patient=p1&_sort=date')).toEqual(['a', 'c', 'local', 'b']);
  });

  it('ignores and reports what it cannot answer when lenient; refuses it when strict', () => {
    const params = new URLSearchParams('patient=p1&frobnicate=1&code:text=x&date=ap2025&_sort=status&_elements=id');
    const lenient = searchResources(store.ofType('Observation'), 'Observation', params);
    expect(lenient.ignored).toEqual(['frobnicate', 'code:text', 'date', '_elements', '_sort']);
    expect(lenient.matches.map((r) => r.id)).toEqual(['a', 'b', 'c', 'local']);
    let thrown: unknown;
    try {
      searchResources(store.ofType('Observation'), 'Observation', params, { strict: true });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnsupportedSearchError);
    expect((thrown as UnsupportedSearchError).parameters).toEqual(lenient.ignored);
    expect(() => searchResources([], 'Observation', new URLSearchParams('patient=p1&_count=1&_offset=1&_format=json&_total=accurate&_sort=-date'), { strict: true })).not.toThrow();
  });

  it('pages with _count/_offset: full URLs, self and next links without ignored parameters, exact total', () => {
    const first = answerQuery(store, 'Observation?patient=p1&frobnicate=1&_sort=date', { baseUrl: 'http://fhir.test/r4/', defaultCount: 3 }) as Bundle;
    expect(first.total).toBe(4);
    expect(first.entry?.map((e) => [e.fullUrl, e.search?.mode])).toEqual([
      ['http://fhir.test/r4/Observation/a', 'match'],
      ['http://fhir.test/r4/Observation/c', 'match'],
      ['http://fhir.test/r4/Observation/local', 'match'],
    ]);
    expect(first.link).toEqual([
      { relation: 'self', url: 'http://fhir.test/r4/Observation?patient=p1&_sort=date&_count=3' },
      { relation: 'next', url: 'http://fhir.test/r4/Observation?patient=p1&_sort=date&_count=3&_offset=3' },
    ]);
    expect(ids('Observation?patient=p1&_sort=date&_count=3&_offset=3', { baseUrl: 'http://fhir.test/r4' })).toEqual(['b']);
    const capped = answerQuery(store, 'Observation?patient=p1&_count=500', { baseUrl: 'http://fhir.test/r4', maxCount: 2 }) as Bundle;
    expect(capped.entry).toHaveLength(2);
    const countOnly = answerQuery(store, 'Observation?patient=p1&_count=0', { baseUrl: 'http://fhir.test/r4' }) as Bundle;
    expect([countOnly.total, countOnly.entry, countOnly.link?.map((l) => l.relation)]).toEqual([4, undefined, ['self']]);
    const unlinked = answerQuery(store, 'Observation?patient=p1&_count=1') as Bundle;
    expect([unlinked.total, unlinked.entry?.length, unlinked.link, unlinked.entry?.[0]?.fullUrl]).toEqual([4, 1, undefined, undefined]);
  });

  it('fills prefetch with the service token resolver; unfillable or unanswerable templates are left out', () => {
    const prefetch = resolvePrefetch(
      {
        patient: 'Patient/{{context.patientId}}',
        recent: 'Observation?patient={{context.patientId}}&date=ge{{today() - 30 days}}',
        nobody: 'Practitioner/{{userPractitionerId}}',
        encounter: 'Encounter/{{context.encounterId}}',
        history: 'Patient/{{context.patientId}}/_history',
      },
      { userId: 'Practitioner/u1', patientId: 'p1' },
      RESOURCES,
      new Date('2025-03-10T12:00:00Z'),
    );
    expect(Object.keys(prefetch).sort()).toEqual(['nobody', 'patient', 'recent']);
    expect(prefetch['nobody']).toBeNull();
    expect(((prefetch['recent'] as Bundle).entry ?? []).map((e) => e.resource?.id)).toEqual(['b', 'local']);
  });
});
