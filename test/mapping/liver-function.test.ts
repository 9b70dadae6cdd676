/** Liver-function inputs: ascites, hepaticEncephalopathy, childPughScoreRecorded / childPughClassRecorded and the scores. */
import { extractFacts } from '../../src/mapping';
import { fact, factsOf, mappings, NOW, valueOf } from './support';

it('ascites-as-condition-with-severity: SNOMED moderate → moderate-severe', () => {
  expect(fact(factsOf('ascites-as-condition-with-severity'), 'ascites')).toMatchObject({ value: 'moderate-severe', sources: ['Condition/asc'] });
});

it('child-pugh-recorded-newer: a recorded score newer than every input wins over the computed one', () => {
  const set = factsOf('child-pugh-recorded-newer');
  expect(fact(set, 'childPughScore')).toMatchObject({ value: 7, sources: ['Observation/cp'] });
  expect(valueOf(set, 'childPughClass')).toBe('B');
  expect(valueOf(set, 'hepaticEncephalopathy')).toBe(0);
  expect(valueOf(set, 'ascites')).toBe('none');
});

it('a recorded score older than the inputs loses to the computed one', () => {
  const set = factsOf('child-pugh-recorded-newer', { now: new Date('2025-05-10T00:00:00Z') });
  expect(fact(set, 'childPughScore')).toMatchObject({ value: 5, derived: { method: 'child-pugh' } });
});

it('Child-Pugh without ascites / encephalopathy is Unknown with the missing inputs (never assumed normal)', () => {
  const f = fact(factsOf('bilirubin-in-mg-per-dl'), 'childPughScore');
  expect(f).toMatchObject({ known: false, reason: 'missing-inputs' });
  expect(f.known ? [] : f.missing).toEqual(expect.arrayContaining(['albumin', 'inr', 'ascites', 'hepaticEncephalopathy']));
});

it('ptProlongation: PT is read (5902-2) but stays Unknown without a control time (no verified code; value set empty by default)', () => {
  const f = fact(factsOf('child-pugh-recorded-newer'), 'ptProlongation');
  expect(f).toMatchObject({ known: false, reason: 'missing-inputs' });
  expect(f.known ? [] : f.missing).toEqual(['ptSeconds', 'ptControlSeconds']);
});

it('childPughClassRecorded: a recorded class (text A/B/C) is used when no score can be had', () => {
  const input = [
    { resourceType: 'Patient', id: 'p1' },
    {
      resourceType: 'Observation', id: 'cls', status: 'final', subject: { reference: 'Patient/p1' }, effectiveDateTime: '2025-05-01',
      code: { coding: [{ system: 'http://hcc-cds.org/fhir/CodeSystem/hcc-observation', code: 'child-pugh-class' }] }, valueCodeableConcept: { text: 'B' },
    },
  ];
  const set = extractFacts(mappings(), input as never, { patientId: 'p1', now: NOW });
  expect(fact(set, 'childPughClass')).toMatchObject({ value: 'B', sources: ['Observation/cls'] });
  expect(fact(set, 'childPughScore')).toMatchObject({ known: false });
  expect(mappings().factDefinitions.has('childPughClassRecorded')).toBe(false); // internal input, not a catalogue fact
});
