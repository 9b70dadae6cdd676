/** ALBI and mALBI (clinical.md §4.2) at the cut-offs −2.60, −2.27, −1.39. */
import { albi, type AlbiTable } from '../../src/domain/derived/albi';
import { facts, show } from './support';
import { table } from './support';

const T = table<AlbiTable>('albi');
// With bilirubin 10 umol/L, ALBI = 0.66 − 0.085 × albumin, so albumin = (0.66 − ALBI) / 0.085.
const at = (score: number): ReturnType<typeof albi> => albi(facts({ totalBilirubin: 10, albumin: (0.66 - score) / 0.085 }), T);

it.each([
  [-2.61, '1', '1'], [-2.6, '1', '1'], [-2.59, '2', '2a'], [-2.27, '2', '2a'], [-2.26, '2', '2b'], [-1.39, '2', '2b'], [-1.38, '3', '3'],
])('ALBI %p → grade %p, mALBI %p', (score, grade, m) => {
  const out = at(score);
  expect(show(out.albiScore)).toBeCloseTo(score, 3);
  expect([show(out.albiGrade), show(out.mAlbiGrade)]).toEqual([grade, m]);
});

it('matches the published formula for a typical patient', () => {
  const out = albi(facts({ totalBilirubin: 18, albumin: 38 }), T);
  expect(show(out.albiScore)).toBeCloseTo(0.66 * Math.log10(18) - 0.085 * 38, 3);
});

it('is Unknown without both inputs', () => {
  expect(albi(facts({ albumin: 38 }), T).albiGrade).toMatchObject({ known: false, missing: ['totalBilirubin'] });
});
