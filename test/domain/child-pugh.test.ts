/** Child-Pugh (clinical.md §4.1) at every cut-off; boundaries go to the middle band; INR preferred; recorded-vs-computed. */
import { known } from '../../src/domain/facts';
import { childPugh, type ChildPughTable } from '../../src/domain/derived/child-pugh';
import { facts, show, table } from './support';

const T = table<ChildPughTable>('child-pugh');
const NORMAL = { totalBilirubin: 10, albumin: 40, inr: 1.0, ascites: 'none', hepaticEncephalopathy: 0 };
const score = (over: Record<string, unknown>): unknown => show(childPugh(facts({ ...NORMAL, ...over } as never), T).childPughScore);

it.each([
  [33.9, 5], [34, 6], [51, 6], [51.1, 7],
])('bilirubin %p umol/L → score %p', (v, s) => expect(score({ totalBilirubin: v })).toBe(s));
it.each([
  [35.1, 5], [35, 6], [28, 6], [27.9, 7],
])('albumin %p g/L → score %p', (v, s) => expect(score({ albumin: v })).toBe(s));
it.each([
  [1.69, 5], [1.7, 6], [2.3, 6], [2.31, 7],
])('INR %p → score %p', (v, s) => expect(score({ inr: v })).toBe(s));
it.each([
  [3.9, 5], [4, 6], [6, 6], [6.1, 7],
])('PT prolongation %p s (no INR) → score %p', (v, s) => expect(score({ inr: undefined, ptProlongation: v })).toBe(s));
it.each([
  ['none', 5], ['mild', 6], ['moderate-severe', 7],
])('ascites %p → score %p', (v, s) => expect(score({ ascites: v })).toBe(s));
it.each([
  [0, 5], [1, 6], [2, 6], [3, 7], [4, 7],
])('encephalopathy grade %p → score %p', (v, s) => expect(score({ hepaticEncephalopathy: v })).toBe(s));

it.each([
  [{}, 5, 'A'],
  [{ totalBilirubin: 40 }, 6, 'A'],
  [{ totalBilirubin: 40, albumin: 30 }, 7, 'B'],
  [{ totalBilirubin: 60, albumin: 30, inr: 2.0, ascites: 'mild' }, 10, 'C'],
  [{ totalBilirubin: 60, albumin: 30, inr: 2.0 }, 9, 'B'],
  [{ totalBilirubin: 60, albumin: 20, inr: 3, ascites: 'moderate-severe', hepaticEncephalopathy: 3 }, 15, 'C'],
])('%p → %p %p', (over, s, c) => {
  const out = childPugh(facts({ ...NORMAL, ...over } as never), T);
  expect([show(out.childPughScore), show(out.childPughClass)]).toEqual([s, c]);
});

it('prefers INR over PT and says which inputs were used', () => {
  const out = childPugh(facts({ ...NORMAL, ptProlongation: 10 }), T).childPughScore;
  expect(out).toMatchObject({ value: 5, derived: { from: ['totalBilirubin', 'albumin', 'inr', 'ascites', 'hepaticEncephalopathy'] } });
});

it('is Unknown with the missing inputs, never assuming normal', () => {
  const out = childPugh(facts({ totalBilirubin: 10, albumin: 40 }), T);
  expect(out.childPughScore).toMatchObject({ known: false, reason: 'missing-inputs', missing: ['inr', 'ascites', 'hepaticEncephalopathy'] });
  expect(out.childPughClass).toMatchObject({ known: false });
});

it('a recorded score wins only when newer than every input', () => {
  const newer = known(8, { effective: '2025-05-20', sources: ['Observation/cp'] });
  const older = known(8, { effective: '2025-04-20', sources: ['Observation/cp'] });
  expect(show(childPugh(facts({ ...NORMAL, childPughScoreRecorded: newer }), T).childPughScore)).toBe(8);
  expect(show(childPugh(facts({ ...NORMAL, childPughScoreRecorded: newer }), T).childPughClass)).toBe('B');
  expect(show(childPugh(facts({ ...NORMAL, childPughScoreRecorded: older }), T).childPughScore)).toBe(5);
  expect(show(childPugh(facts({ childPughScoreRecorded: older }), T).childPughScore)).toBe(8);
});

it('a recorded class is used only when no score can be had', () => {
  expect(show(childPugh(facts({ childPughClassRecorded: 'B' }), T).childPughClass)).toBe('B');
  expect(show(childPugh(facts({ ...NORMAL, childPughClassRecorded: 'C' }), T).childPughClass)).toBe('A');
});
