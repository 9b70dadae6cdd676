/** CTCAE v5.0 lab grades (clinical.md §5.1) at every cut-off, both baseline columns, LLN and creatinine's two columns. */
import { ctcaeGrades, type CtcaeTable } from '../../src/domain/derived/ctcae';
import { facts, show, table } from './support';

const T = table<CtcaeTable>('ctcae-v5');
const grade = (name: string, values: Record<string, number>): unknown => show(ctcaeGrades(facts(values), T)[name] as never);

describe.each([
  ['altCtcaeGrade', 'alt', 'altBaseline', 'altUln'],
  ['astCtcaeGrade', 'ast', 'astBaseline', 'astUln'],
])('%s', (g, value, baseline, uln) => {
  it.each([
    [40, 0], [40.4, 1], [120, 1], [120.4, 2], [200, 2], [200.4, 3], [800, 3], [800.4, 4],
  ])('baseline normal (or unknown): %p U/L with ULN 40 → %p', (v, expected) => {
    expect(grade(g, { [value]: v, [uln]: 40 })).toBe(expected);
    expect(grade(g, { [value]: v, [uln]: 40, [baseline]: 40 })).toBe(expected);
  });
  it.each([
    [80, 0], [119, 0], [120, 1], [240, 1], [240.8, 2], [400, 2], [400.8, 3], [1600, 3], [1600.8, 4],
  ])('baseline abnormal 80 (ULN 40): %p U/L → %p', (v, expected) => {
    expect(grade(g, { [value]: v, [uln]: 40, [baseline]: 80 })).toBe(expected);
  });
});

it.each([
  [20, 0], [20.2, 1], [30, 1], [30.2, 2], [60, 2], [60.2, 3], [200, 3], [200.2, 4],
])('bilirubin, baseline normal, ULN 20: %p → %p', (v, expected) => {
  expect(grade('bilirubinCtcaeGrade', { totalBilirubin: v, totalBilirubinUln: 20 })).toBe(expected);
});
it.each([
  [30, 0], [30.3, 1], [45, 1], [45.3, 2], [90, 2], [90.3, 3], [300, 3], [300.3, 4],
])('bilirubin, baseline abnormal 30 (ULN 20): %p → %p', (v, expected) => {
  expect(grade('bilirubinCtcaeGrade', { totalBilirubin: v, totalBilirubinUln: 20, totalBilirubinBaseline: 30 })).toBe(expected);
});

it.each([
  [125, 0], [124.9, 1], [75, 1], [74.9, 2], [50, 2], [49.9, 3], [25, 3], [24.9, 4],
])('platelets, LLN 125: %p ×10⁹/L → %p', (v, expected) => {
  expect(grade('plateletCtcaeGrade', { platelets: v, plateletsLln: 125 })).toBe(expected);
});

it.each([
  [100, undefined, 0], [100.1, undefined, 1], [150, undefined, 1], [150.1, undefined, 2], [300, undefined, 2], [300.1, undefined, 3], [600, undefined, 3], [600.1, undefined, 4],
  [120, 90, 1], [120, 60, 2], [130, 40, 3], [120, 40, 2],
])('creatinine %p (ULN 100, baseline %p) → %p (higher of the ULN and baseline columns)', (v, base, expected) => {
  const values: Record<string, number> = { creatinine: v, creatinineUln: 100 };
  if (base !== undefined) values['creatinineBaseline'] = base;
  expect(grade('creatinineCtcaeGrade', values)).toBe(expected);
});

it('records the column used and is Unknown without the value', () => {
  const f = ctcaeGrades(facts({ alt: 130, altUln: 40 }), T)['altCtcaeGrade'];
  expect(f).toMatchObject({ known: true, value: 2, derived: { from: ['alt', 'altUln'], method: 'ctcae-v5' } });
  expect(f?.known ? f.derived?.detail : '').toContain('baseline unknown: ULN column used');
  expect(ctcaeGrades(facts({ altUln: 40 }), T)['altCtcaeGrade']).toMatchObject({ known: false, missing: ['alt'] });
});
