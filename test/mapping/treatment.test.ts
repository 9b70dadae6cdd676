/** Treatment facts: systemicAgents, onIci, onTki, onAntiVegf, targetedImmuneStart, everSystemicTherapy, therapyPhase, procedures. */
import { extractFacts } from '../../src/mapping';
import type { FhirResource } from '../../src/mapping';
import { fact, factsOf, mappings, NOW, reasonOf, valueOf } from './support';

it('drug-by-chinese-name: 信迪利单抗 and 贝伐珠单抗 are recognised', () => {
  const set = factsOf('drug-by-chinese-name');
  expect(valueOf(set, 'systemicAgents')).toEqual(['bevacizumab', 'sintilimab']);
  expect(valueOf(set, 'onIci')).toBe(true);
  expect(valueOf(set, 'onAntiVegf')).toBe(true);
  expect(valueOf(set, 'onTki')).toBe(false);
  expect(valueOf(set, 'onTargeted')).toBe(true);
  expect(valueOf(set, 'onTargetedImmune')).toBe(true);
  expect(valueOf(set, 'targetedImmuneStart')).toBe('2025-03-01');
  expect(valueOf(set, 'everSystemicTherapy')).toBe(true);
  expect(valueOf(set, 'treatmentNaive')).toBe(false);
});

it('drug-by-atc-rxnorm-and-reference: ATC, RxNorm through medicationReference; a stopped order is not on board but counts as ever', () => {
  const set = factsOf('drug-by-atc-rxnorm-and-reference');
  expect(valueOf(set, 'systemicAgents')).toEqual(['atezolizumab', 'lenvatinib']);
  expect(valueOf(set, 'onTki')).toBe(true);
  expect(fact(set, 'targetedImmuneStart')).toMatchObject({ value: '2025-04-01' });
  expect(fact(set, 'everSystemicTherapy')).toMatchObject({ value: true });
  expect(fact(set, 'everSystemicTherapy').sources).toContain('MedicationRequest/sora-old');
});

it('therapyPhase is read from hcc-observation#systemic-therapy-phase and is Unknown when not recorded', () => {
  expect(reasonOf(factsOf('drug-by-chinese-name'), 'therapyPhase')).toBe('no-data');
  const resources = [
    { resourceType: 'Patient', id: 'p1' },
    {
      resourceType: 'Observation', id: 'phase', status: 'final', subject: { reference: 'Patient/p1' }, effectiveDateTime: '2025-05-01',
      code: { coding: [{ system: 'http://hcc-cds.org/fhir/CodeSystem/hcc-observation', code: 'systemic-therapy-phase' }] },
      valueCodeableConcept: { coding: [{ system: 'http://hcc-cds.org/fhir/CodeSystem/therapy-phase', code: 'drug-holiday' }] },
    },
  ] as unknown as FhirResource[];
  expect(extractFacts(mappings(), resources, { patientId: 'p1', now: NOW }).facts['therapyPhase']).toMatchObject({ value: 'drug-holiday' });
});

it('local-therapies-completed: counts and dates of completed procedures only', () => {
  const set = factsOf('local-therapies-completed');
  expect(valueOf(set, 'taceSessions')).toBe(3);
  expect(valueOf(set, 'lastTaceDate')).toBe('2025-02-01');
  expect(valueOf(set, 'haicCourses')).toBe(2);
  expect(valueOf(set, 'lastHaicDate')).toBe('2025-04-03');
  expect(valueOf(set, 'daysSinceLastHaic')).toBe(59);
  expect(valueOf(set, 'resectionDate')).toBe('2023-06-01');
  expect(reasonOf(set, 'ablationDate')).toBe('no-data');
  expect(valueOf(set, 'radiotherapyDone')).toBe(false);
  expect(valueOf(set, 'internalRadiotherapyDone')).toBe(true);
  expect(valueOf(set, 'everLocalTherapy')).toBe(true);
  expect(valueOf(set, 'treatmentNaive')).toBe(false);
  expect(valueOf(set, 'everSystemicTherapy')).toBe(false);
});

it('a patient with neither drugs nor procedures is treatment-naive', () => {
  const set = factsOf('bilirubin-in-umol-per-l');
  expect(valueOf(set, 'treatmentNaive')).toBe(true);
  expect(valueOf(set, 'taceSessions')).toBe(0);
  expect(valueOf(set, 'systemicAgents')).toEqual([]);
  expect(reasonOf(set, 'targetedImmuneStart')).toBe('no-data');
});

it('drug-by-reference-resolved: medicationReference resolved against a Medication in the record (absolute URL) and a contained one', () => {
  const set = factsOf('drug-by-reference-resolved');
  expect(valueOf(set, 'systemicAgents')).toEqual(['atezolizumab', 'bevacizumab']);
  expect(valueOf(set, 'onIci')).toBe(true);
  expect(valueOf(set, 'onAntiVegf')).toBe(true);
  expect(valueOf(set, 'onTki')).toBe(false);
  expect(valueOf(set, 'onTargetedImmune')).toBe(true);
  expect(fact(set, 'onIci').sources).toEqual(['MedicationRequest/atezo']);
  expect(set.issues.filter((i) => i.code === 'unmappable-value')).toEqual([]);
});

it('drug-by-reference-display-only: Medication not in the record → medicationReference.display (English / Chinese), also beside an unrecognised local code', () => {
  const set = factsOf('drug-by-reference-display-only');
  expect(valueOf(set, 'systemicAgents')).toEqual(['bevacizumab', 'lenvatinib', 'sintilimab']);
  expect(valueOf(set, 'onIci')).toBe(true);
  expect(valueOf(set, 'onTki')).toBe(true);
  expect(valueOf(set, 'onAntiVegf')).toBe(true);
  expect(valueOf(set, 'onTargetedImmune')).toBe(true);
  expect(valueOf(set, 'targetedImmuneStart')).toBe('2025-04-01');
});

it('drug-unidentifiable-makes-on-ici-unknown: an active order naming no identifiable drug is not "no ICI"', () => {
  const set = factsOf('drug-unidentifiable-makes-on-ici-unknown');
  const unidentifiable = { known: false, reason: 'unmappable-value', detail: 'medication not identifiable' };
  expect(fact(set, 'onIci')).toMatchObject(unidentifiable);
  expect(fact(set, 'onIci').sources).toEqual(['MedicationRequest/mystery', 'MedicationRequest/mystery-contained']);
  expect(fact(set, 'onAntiVegf')).toMatchObject(unidentifiable);
  expect(fact(set, 'systemicAgents')).toMatchObject(unidentifiable);
  expect(fact(set, 'onTargetedImmune')).toMatchObject(unidentifiable);
  // The identified lenvatinib order already makes onTki (and so onTargeted) true.
  expect(valueOf(set, 'onTki')).toBe(true);
  expect(valueOf(set, 'onTargeted')).toBe(true);
  // The start of the current line is not trustworthy either; the identified lenvatinib still makes "ever" true.
  expect(fact(set, 'targetedImmuneStart')).toMatchObject(unidentifiable);
  expect(valueOf(set, 'everSystemicTherapy')).toBe(true);
  expect(valueOf(set, 'treatmentNaive')).toBe(false);
  // One data issue per unidentifiable order: the active ones, and the stopped one (it might have been systemic
  // therapy ever given); the metformin order (identified) raises none.
  expect(set.issues.filter((i) => i.code === 'unmappable-value').map((i) => i.location).sort()).toEqual([
    'MedicationRequest/mystery', 'MedicationRequest/mystery-contained', 'MedicationRequest/old-mystery',
  ]);
});

it('an unidentifiable order does not hide an identified ICI, and onTargeted is Unknown only while nothing targeted is identified', () => {
  const base = factsOf('drug-unidentifiable-makes-on-ici-unknown');
  expect(base.facts['onTargeted']).toMatchObject({ known: true, value: true });
  const resources = [
    { resourceType: 'Patient', id: 'p1' },
    { resourceType: 'MedicationRequest', id: 'atezo', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, authoredOn: '2025-04-01', medicationCodeableConcept: { text: '阿替利珠单抗' } },
    { resourceType: 'MedicationRequest', id: 'x', status: 'on-hold', intent: 'order', subject: { reference: 'Patient/p1' }, authoredOn: '2025-04-01', medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc' }] } },
  ] as unknown as FhirResource[];
  const set = extractFacts(mappings(), resources, { patientId: 'p1', now: NOW });
  expect(set.facts['onIci']).toMatchObject({ known: true, value: true });
  expect(set.facts['onTki']).toMatchObject({ known: false, reason: 'unmappable-value' });
  expect(set.facts['onTargeted']).toMatchObject({ known: false, reason: 'unmappable-value', detail: 'medication not identifiable', missing: ['onTki', 'onAntiVegf'] });
  expect(set.facts['onTargetedImmune']).toMatchObject({ known: false, reason: 'unmappable-value' });
});

describe('an unidentifiable drug and the history facts', () => {
  const patient = { resourceType: 'Patient', id: 'p1' };
  const order = (id: string, status: string, medication: Record<string, unknown>, authoredOn = '2025-04-01'): Record<string, unknown> => ({
    resourceType: 'MedicationRequest', id, status, intent: 'order', subject: { reference: 'Patient/p1' }, authoredOn, ...medication,
  });
  const mystery = (id: string, status: string, authoredOn?: string): Record<string, unknown> => order(id, status, { medicationReference: { reference: 'Medication/not-in-record' } }, authoredOn);
  const extract = (...resources: Record<string, unknown>[]): ReturnType<typeof extractFacts> =>
    extractFacts(mappings(), [patient, ...resources] as unknown as FhirResource[], { patientId: 'p1', now: NOW });
  const completedTace = {
    resourceType: 'Procedure', id: 'tace', status: 'completed', subject: { reference: 'Patient/p1' }, performedDateTime: '2024-12-01',
    code: { coding: [{ system: 'http://hcc-cds.org/fhir/CodeSystem/hcc-procedure', code: 'tace' }] },
  };
  const UNIDENTIFIABLE = { known: false, reason: 'unmappable-value', detail: 'medication not identifiable' };

  it('everSystemicTherapy-unknown-with-only-an-unidentifiable-order: a stopped unidentifiable order makes it Unknown, and treatmentNaive with it', () => {
    const set = extract(mystery('m', 'stopped', '2024-01-01'));
    expect(fact(set, 'everSystemicTherapy')).toMatchObject({ ...UNIDENTIFIABLE, sources: ['MedicationRequest/m'] });
    expect(fact(set, 'treatmentNaive')).toMatchObject({ known: false, reason: 'unmappable-value', detail: 'medication not identifiable' });
    expect(set.issues).toContainEqual(expect.objectContaining({ code: 'unmappable-value', location: 'MedicationRequest/m' }));
  });

  it('everSystemicTherapy-true-when-an-identified-agent-exists: the unidentifiable order changes nothing', () => {
    const set = extract(mystery('m', 'active'), order('sora', 'completed', { medicationCodeableConcept: { text: 'sorafenib' } }, '2023-01-01'));
    expect(fact(set, 'everSystemicTherapy')).toMatchObject({ known: true, value: true, sources: ['MedicationRequest/sora'] });
    expect(valueOf(set, 'treatmentNaive')).toBe(false);
  });

  it('treatmentNaive-false-when-local-therapy-decides: a completed TACE decides it whatever the drug was', () => {
    const set = extract(mystery('m', 'stopped'), completedTace);
    expect(reasonOf(set, 'everSystemicTherapy')).toBe('unmappable-value');
    expect(valueOf(set, 'everLocalTherapy')).toBe(true);
    expect(valueOf(set, 'treatmentNaive')).toBe(false);
  });

  it('an entered-in-error unidentifiable order is ignored: everSystemicTherapy false, treatmentNaive true', () => {
    const set = extract(mystery('m', 'entered-in-error'));
    expect(valueOf(set, 'everSystemicTherapy')).toBe(false);
    expect(valueOf(set, 'treatmentNaive')).toBe(true);
    expect(set.issues.some((i) => i.location === 'MedicationRequest/m')).toBe(false);
  });

  it('targetedImmuneStart-unknown-with-an-unidentifiable-active-order: even when it is later than the identified one; the baselines follow', () => {
    const atezo = order('atezo', 'active', { medicationCodeableConcept: { text: 'atezolizumab' } }, '2025-03-01');
    const alt = (id: string, date: string, value: number): Record<string, unknown> => ({
      resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, effectiveDateTime: date,
      code: { coding: [{ system: 'http://loinc.org', code: '1742-6' }] }, valueQuantity: { value, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' },
    });
    const identifiedOnly = extract(atezo, alt('a0', '2025-02-20', 30));
    expect(valueOf(identifiedOnly, 'targetedImmuneStart')).toBe('2025-03-01');
    expect(valueOf(identifiedOnly, 'altBaseline')).toBe(30);

    const set = extract(atezo, mystery('m', 'active', '2025-05-01'), alt('a0', '2025-02-20', 30));
    expect(fact(set, 'targetedImmuneStart')).toMatchObject({ ...UNIDENTIFIABLE, sources: ['MedicationRequest/m'] });
    expect(fact(set, 'altBaseline')).toMatchObject({ known: false, reason: 'missing-inputs', missing: ['targetedImmuneStart'] });
    expect(valueOf(set, 'onIci')).toBe(true);
  });

  it('a stopped unidentifiable order does not touch targetedImmuneStart (only active ones can be the current line)', () => {
    const set = extract(order('atezo', 'active', { medicationCodeableConcept: { text: 'atezolizumab' } }, '2025-03-01'), mystery('m', 'stopped', '2025-01-01'));
    expect(valueOf(set, 'targetedImmuneStart')).toBe('2025-03-01');
  });
});
