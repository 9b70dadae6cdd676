/** Clinician assertions (hcc-observation#… valueBoolean) and flrPercentSlv: Known when recorded, Unknown when absent or stale. */
import { extractFacts, type FhirResource } from '../../src/mapping';
import { fact, mappings, NOW } from './support';

const ASSERTIONS: readonly [string, string][] = [
  ['radicalTherapyUnsuitable', 'radical-therapy-unsuitable'],
  ['mainBurdenIntrahepatic', 'main-burden-intrahepatic'],
  ['oligometastatic', 'oligometastatic'],
  ['widespreadMetastasis', 'widespread-metastasis'],
  ['largeTumorBurden', 'large-tumor-burden'],
  ['r0Feasible', 'r0-feasible'],
  ['surgicalContraindication', 'surgical-contraindication'],
  ['obstructiveJaundice', 'obstructive-jaundice'],
  ['viralHepatitisActive', 'viral-hepatitis-active'],
  ['localProgression', 'local-progression'],
  ['newLesion', 'new-lesion'],
];

function observation(id: string, code: string, date: string, value: Record<string, unknown>): Record<string, unknown> {
  return {
    resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, effectiveDateTime: date,
    code: { coding: [{ system: 'http://hcc-cds.org/fhir/CodeSystem/hcc-observation', code }] }, ...value,
  };
}

const run = (resources: unknown[]): ReturnType<typeof extractFacts> =>
  extractFacts(mappings(), [{ resourceType: 'Patient', id: 'p1' }, ...resources] as FhirResource[], { patientId: 'p1', now: NOW });

describe.each(ASSERTIONS)('%s (hcc-observation#%s)', (name, code) => {
  it('is Known from the most recent valueBoolean', () => {
    const set = run([observation('old', code, '2025-03-01', { valueBoolean: true }), observation('new', code, '2025-05-01', { valueBoolean: false })]);
    expect(fact(set, name)).toMatchObject({ known: true, value: false, sources: [`Observation/new`] });
  });
  it('is Unknown no-data when not recorded, stale after 180 days', () => {
    expect(fact(run([]), name)).toMatchObject({ known: false, reason: 'no-data' });
    expect(fact(run([observation('x', code, '2024-10-01', { valueBoolean: true })]), name)).toMatchObject({ known: false, reason: 'stale' });
  });
});

it('flrPercentSlv is a % quantity', () => {
  const set = run([observation('flr', 'flr-percent-slv', '2025-05-01', { valueQuantity: { value: 42, unit: '%', system: 'http://unitsofmeasure.org', code: '%' } })]);
  expect(fact(set, 'flrPercentSlv')).toMatchObject({ value: 42, unit: '%' });
});

it('a non-boolean value is Unknown unmappable-value, never coerced', () => {
  expect(fact(run([observation('x', 'r0-feasible', '2025-05-01', { valueString: 'yes' })]), 'r0Feasible')).toMatchObject({ known: false, reason: 'no-data' });
  expect(fact(run([observation('x', 'r0-feasible', '2025-05-01', { valueBoolean: 'yes' })]), 'r0Feasible')).toMatchObject({ known: false, reason: 'unmappable-value' });
});
