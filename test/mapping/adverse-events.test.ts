/** Adverse-event facts (adverseEvents.yaml + derived): grade extension, attribution through suspectEntity, endocrine flag, lab grades. */
import { fact, factsOf, valueOf } from './support';

it('adverse-events-attributed: worst active grade per attribution', () => {
  const set = factsOf('adverse-events-attributed');
  expect(fact(set, 'maxIrAeGrade')).toMatchObject({ value: 3 });
  expect(fact(set, 'maxIrAeGrade').sources).toEqual(expect.arrayContaining(['AdverseEvent/ae-hep', 'AdverseEvent/ae-thy']));
  expect(fact(set, 'maxIrAeGrade').sources).not.toContain('AdverseEvent/ae-old');
  expect(valueOf(set, 'maxIrAeGradeNonEndocrine')).toBe(3);
  expect(valueOf(set, 'endocrineIrAe')).toBe(true);
  expect(valueOf(set, 'maxTargetedAeGrade')).toBe(2);
  expect(valueOf(set, 'maxLocalTherapyAeGrade')).toBe(0);
  expect(valueOf(set, 'maxHaicAeGrade')).toBe(0);
  expect(valueOf(set, 'activeTargetedImmuneAe')).toBe(true);
});

it('lab-derived grades are not presumed to be an irAE or a targeted-drug AE (config labGradesPresumedFor: [])', () => {
  const set = factsOf('alt-baseline-normal');
  expect(valueOf(set, 'altCtcaeGrade')).toBe(2);
  expect(valueOf(set, 'maxIrAeGrade')).toBe(0);
  expect(valueOf(set, 'maxTargetedAeGrade')).toBe(0);
  expect(valueOf(set, 'activeTargetedImmuneAe')).toBe(false);
  expect(valueOf(set, 'maxLocalTherapyAeGrade')).toBe(0);
});

it('no adverse events and no therapy → grades 0, flags false', () => {
  const set = factsOf('bilirubin-in-umol-per-l');
  expect(valueOf(set, 'maxIrAeGrade')).toBe(0);
  expect(valueOf(set, 'activeTargetedImmuneAe')).toBe(false);
  expect(valueOf(set, 'endocrineIrAe')).toBe(false);
});
