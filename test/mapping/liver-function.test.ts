/** Liver-function inputs: ascites, hepaticEncephalopathy, childPughScoreRecorded / childPughClassRecorded and the scores. */
import { fact, factsOf, valueOf } from './support';

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
