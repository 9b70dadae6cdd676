/** AE facts: active worst grade per attribution, endocrine exclusion, recovered outcomes, presumed lab grades. */
import { adverseEventFacts, type AdverseEventSettings } from '../../src/domain/derived/adverse-events';
import type { AdverseEventEntry } from '../../src/domain/derived/types';
import { facts, show } from './support';

const S: AdverseEventSettings = {
  inactiveOutcomes: ['resolved', 'resolvedWithSequelae', 'fatal'],
  recoveredOutcomes: ['resolved', 'resolvedWithSequelae', 'recovering'],
  activeGradeAbove: 1,
  labGradeFacts: ['altCtcaeGrade'],
  labGradesPresumedFor: ['ici', 'targeted'],
};
const ae = (id: string, grade: number | undefined, attribution: string[], extra: Partial<AdverseEventEntry> = {}): AdverseEventEntry => ({
  source: `AdverseEvent/${id}`, attribution, endocrine: false, suspects: [], ...(grade === undefined ? {} : { grade }), ...extra,
});
const run = (events: AdverseEventEntry[], values: Record<string, unknown> = {}): Record<string, unknown> =>
  Object.fromEntries(Object.entries(adverseEventFacts(events, facts(values as never), S)).map(([k, v]) => [k, show(v)]));

it('worst active grade per attribution; resolved events do not count', () => {
  const out = run([
    ae('a', 2, ['ici', 'pd-1']),
    ae('b', 4, ['ici'], { outcome: 'resolved' }),
    ae('c', 3, ['tki', 'targeted']),
    ae('d', 2, ['local', 'tace']),
    ae('e', 1, ['haic', 'local']),
  ]);
  expect(out).toMatchObject({ maxIrAeGrade: 2, maxTargetedAeGrade: 3, maxLocalTherapyAeGrade: 2, maxHaicAeGrade: 1, activeTargetedImmuneAe: true, endocrineIrAe: false });
});

it('endocrine irAEs are excluded from the non-endocrine maximum', () => {
  const out = run([ae('t', 3, ['ici'], { endocrine: true }), ae('r', 2, ['ici'])]);
  expect(out).toMatchObject({ maxIrAeGrade: 3, maxIrAeGradeNonEndocrine: 2, endocrineIrAe: true });
});

it('activeTargetedImmuneAe: recovering or grade 1 does not count', () => {
  expect(run([ae('a', 3, ['ici'], { outcome: 'recovering' }), ae('b', 1, ['tki'])])['activeTargetedImmuneAe']).toBe(false);
});

it('unresolvedOrganAeGrade: only unresolved, not recovering, targeted-immune AEs of an organ at stake', () => {
  const out = run([
    ae('liver', 2, ['ici'], { organAtStake: true }),
    ae('rec', 3, ['ici'], { organAtStake: true, outcome: 'recovering' }),
    ae('rash', 3, ['ici']),
    ae('tace', 3, ['local', 'tace'], { organAtStake: true }),
  ]);
  expect(out['unresolvedOrganAeGrade']).toBe(2);
  expect(run([ae('rash', 3, ['tki', 'targeted'])])['unresolvedOrganAeGrade']).toBe(0);
});

it('with no class presumed (the shipped setting) lab grades never count as an irAE or targeted AE', () => {
  const none = (events: AdverseEventEntry[], values: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(adverseEventFacts(events, facts(values as never), { ...S, labGradesPresumedFor: [] })).map(([k, v]) => [k, show(v)]));
  expect(none([], { altCtcaeGrade: 3, onIci: true, onTargeted: true })).toMatchObject({ maxIrAeGrade: 0, maxTargetedAeGrade: 0, activeTargetedImmuneAe: false });
});

it('lab grades count only while on the class (when a class is presumed)', () => {
  expect(run([], { altCtcaeGrade: 3, onIci: true })).toMatchObject({ maxIrAeGrade: 3, maxTargetedAeGrade: 0, activeTargetedImmuneAe: true });
  expect(run([], { altCtcaeGrade: 3, onIci: false, onTargeted: false })).toMatchObject({ maxIrAeGrade: 0, activeTargetedImmuneAe: false });
});

it('an AE naming no suspect makes the maxima of the classes on board Unknown when it could raise them', () => {
  const out = run([ae('u', 3, [], { organAtStake: true }), ae('a', 1, ['ici'])], { onIci: true, onTargeted: false });
  expect(out).toMatchObject({ maxIrAeGrade: 'Unknown:missing-inputs', maxIrAeGradeNonEndocrine: 'Unknown:missing-inputs', maxTargetedAeGrade: 0, unresolvedOrganAeGrade: 'Unknown:missing-inputs' });
  expect(run([ae('u', 1, []), ae('a', 2, ['ici'])], { onIci: true })['maxIrAeGrade']).toBe(2);
  expect(run([ae('u', 3, [])], { onIci: false, onTargeted: false })['maxIrAeGrade']).toBe(0);
});

it('an attributed AE without a grade makes the maximum Unknown', () => {
  expect(run([ae('x', undefined, ['ici'])])['maxIrAeGrade']).toBe('Unknown:missing-inputs');
});
