/** Diagnosis and staging facts: hccDiagnosis, cnlcStageRecorded, tumorCount, maxTumorDiameter, macrovascularInvasion, extrahepaticMetastasis, lymphNodeMetastasis, ecog. */
import { join } from 'node:path';
import { loadInput } from '../../src/cli/load-input';
import { extractFacts } from '../../src/mapping';
import { fact, factsOf, mappings, NOW, reasonOf, valueOf } from './support';

const complete = (): ReturnType<typeof extractFacts> => {
  const input = loadInput(join(__dirname, '..', 'fixtures', 'fhir', 'patient-cnlc-iiia-pvtt-child-pugh-a-naive.json'));
  return extractFacts(mappings(), input.resources, { patientId: input.patientId, now: NOW });
};

it('complete fixture: HCC, 1 tumour of 7.2 cm, portal-vein thrombus, ECOG 1 → cnlcStage IIIa derived', () => {
  const set = complete();
  expect(valueOf(set, 'hccDiagnosis')).toBe(true);
  expect(valueOf(set, 'tumorCount')).toBe(1);
  expect(fact(set, 'maxTumorDiameter')).toMatchObject({ value: 7.2, unit: 'cm' });
  expect(valueOf(set, 'macrovascularInvasion')).toBe('portal-vein');
  expect(valueOf(set, 'ecog')).toBe(1);
  expect(valueOf(set, 'extrahepaticMetastasis')).toBe(false);
  expect(valueOf(set, 'lymphNodeMetastasis')).toBe(false);
  expect(reasonOf(set, 'cnlcStageRecorded')).toBe('no-data');
  expect(fact(set, 'cnlcStage')).toMatchObject({ value: 'IIIa', derived: { method: expect.stringContaining('cnlc') } });
});

it('stage-only-in-condition-stage: Condition.stage.summary gives the recorded stage, which wins', () => {
  const set = factsOf('stage-only-in-condition-stage');
  expect(fact(set, 'cnlcStageRecorded')).toMatchObject({ value: 'IIIb', sources: ['Condition/hcc'] });
  const stage = fact(set, 'cnlcStage');
  expect(stage).toMatchObject({ value: 'IIIb' });
  expect(stage.known && stage.derived).toBeFalsy();
});

it('stage-observation-newer-than-condition: the most recent recording wins', () => {
  expect(fact(factsOf('stage-observation-newer-than-condition'), 'cnlcStageRecorded')).toMatchObject({ value: 'IIa', sources: ['Observation/stage'] });
});

it('tumor-size-mcode-in-mm: the largest longest dimension on the latest imaging date, in cm', () => {
  const f = fact(factsOf('tumor-size-mcode-in-mm'), 'maxTumorDiameter');
  expect(f).toMatchObject({ known: true, value: 5.5, unit: 'cm', effective: '2025-05-12' });
  expect(f.sources).toEqual(['Observation/ts1', 'Observation/ts2']);
});

it('macrovascular-as-boolean: valueBoolean true → present', () => {
  expect(valueOf(factsOf('macrovascular-as-boolean'), 'macrovascularInvasion')).toBe('present');
});

it('ecog-as-loinc-answer: LA9624-3 → 2', () => {
  expect(valueOf(factsOf('ecog-as-loinc-answer'), 'ecog')).toBe(2);
});

it('extrahepatic-metastasis-icd10: C78.01 → extrahepatic true, lymph-node (C77.2) false', () => {
  const set = factsOf('extrahepatic-metastasis-icd10');
  expect(fact(set, 'extrahepaticMetastasis')).toMatchObject({ value: true, sources: ['Condition/met'] });
  expect(valueOf(set, 'lymphNodeMetastasis')).toBe(false);
});

it('entered-in-error-ignored: a refuted metastasis does not count; false because HCC is on record', () => {
  expect(valueOf(factsOf('entered-in-error-ignored'), 'extrahepaticMetastasis')).toBe(false);
});

it('without an HCC diagnosis, absence of metastasis Conditions is Unknown, not false', () => {
  const set = factsOf('bilirubin-in-umol-per-l');
  expect(reasonOf(set, 'extrahepaticMetastasis')).toBe('no-data');
  expect(reasonOf(set, 'lymphNodeMetastasis')).toBe('no-data');
  expect(reasonOf(set, 'hccDiagnosis')).toBe('no-data');
  expect(valueOf(factsOf('extrahepatic-metastasis-icd10'), 'hccDiagnosis')).toBe(true);
});

it('hccDiagnosis is false when Conditions exist but none is HCC', () => {
  expect(valueOf(factsOf('ascites-as-condition-with-severity'), 'hccDiagnosis')).toBe(false);
});
