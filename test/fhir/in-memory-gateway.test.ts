import type { Bundle, FhirResource } from 'fhir/r4';
import { createInMemoryGateway } from '../../src/fhir/in-memory-gateway';
import { AppError } from '../../src/shared/errors';

const obs = (id: string, patient: string, code: string, date: string) =>
  ({ resourceType: 'Observation', id, status: 'final', subject: { reference: `Patient/${patient}` },
     code: { coding: [{ system: 'http://loinc.org', code }] }, effectiveDateTime: date }) as unknown as FhirResource;
const store = [
  { resourceType: 'Patient', id: 'p1' } as FhirResource,
  obs('a', 'p1', '1834-1', '2025-01-01'), obs('b', 'p1', '1742-6', '2025-03-01'), obs('c', 'p1', '718-7', '2025-02-01'),
  obs('d', 'p2', '1834-1', '2025-01-05'),
  { resourceType: 'AllergyIntolerance', id: 'al', patient: { reference: 'Patient/p1' } } as unknown as FhirResource,
];
const gw = createInMemoryGateway(store, { baseUrl: 'http://x/fhir' });
const signal = new AbortController().signal;
const idsOf = async (url: string) => (((await gw.search(url, signal)) as Bundle).entry ?? []).map((e) => e.resource?.id);

describe('in-memory FHIR gateway', () => {
  it('reads by Type/id', async () => {
    await expect(gw.search('Patient/p1', signal)).resolves.toMatchObject({ id: 'p1' });
    await expect(gw.search('Patient/nope', signal)).rejects.toBeInstanceOf(AppError);
  });
  it('filters by patient/subject and token lists', async () => {
    expect(await idsOf('Observation?patient=p1')).toEqual(['a', 'b', 'c']);
    expect(await idsOf('Observation?subject=Patient/p2')).toEqual(['d']);
    expect(await idsOf('Observation?patient=p1&code=http://loinc.org|1834-1,1742-6')).toEqual(['a', 'b']);
    expect(await idsOf('Observation?patient=p1&code=http://other|1834-1')).toEqual([]);
    expect(await idsOf('AllergyIntolerance?patient=p1')).toEqual(['al']);
  });
  it('filters dates and sorts', async () => {
    expect(await idsOf('Observation?patient=p1&date=ge2025-02-01&_sort=-date')).toEqual(['b', 'c']);
    expect(await idsOf('Observation?patient=p1&date=lt2025-02')).toEqual(['a']);
  });
  it('pages with _count and absolute next links', async () => {
    const first = (await gw.search('Observation?patient=p1&_count=2', signal)) as Bundle;
    expect(first.entry).toHaveLength(2);
    const next = first.link?.find((l) => l.relation === 'next')?.url ?? '';
    expect(next.startsWith('http://x/fhir/Observation?')).toBe(true);
    const second = await gw.fetchAbsolute(next, signal);
    expect(second.entry?.map((e) => e.resource?.id)).toEqual(['c']);
    expect(second.link?.map((l) => l.relation)).toEqual(['self']);
    await expect(gw.fetchAbsolute('http://elsewhere/fhir/Observation', signal)).rejects.toBeInstanceOf(AppError);
  });
  it('refuses unsupported parameters instead of ignoring them', async () => {
    await expect(gw.search('Observation?patient=p1&foo=bar', signal)).rejects.toBeInstanceOf(AppError);
    await expect(gw.search('Observation?code:text=x', signal)).rejects.toBeInstanceOf(AppError);
  });
  it('honours abort', async () => {
    const slow = createInMemoryGateway(store, { delayMs: 1000 });
    const c = new AbortController();
    const p = slow.search('Patient/p1', c.signal);
    c.abort();
    await expect(p).rejects.toBeInstanceOf(AppError);
  });
});
