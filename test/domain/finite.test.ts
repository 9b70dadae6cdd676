/**
 * Defence in depth: a calculator whose arithmetic leaves the finite numbers returns Unknown (data-error), and a
 * non-finite input counts as missing — never a Known -Infinity (null on the wire) or a band picked by it.
 */
import { known } from '../../src/domain/facts';
import { albi, type AlbiTable } from '../../src/domain/derived/albi';
import { childPugh, type ChildPughTable } from '../../src/domain/derived/child-pugh';
import { ctcaeGrades, type CtcaeTable } from '../../src/domain/derived/ctcae';
import { daysSince } from '../../src/domain/derived/days-since';
import { allFinite, finiteOnly } from '../../src/domain/derived/finite';
import { liverInjury } from '../../src/domain/derived/liver-injury';
import { ptProlongation } from '../../src/domain/derived/pt-prolongation';
import { facts, show } from './support';
import { table } from './support';

const NON_FINITE = { known: false, reason: 'data-error', detail: 'a computed number is not finite' };

describe('albi', () => {
  const T = table<AlbiTable>('albi');
  it('albumin-implausible-1e308 reaching the calculator: score, grade and mALBI Unknown, not -Infinity / grade 1', () => {
    const out = albi(facts({ totalBilirubin: 18, albumin: 1e308 }), T);
    for (const f of [out.albiScore, out.albiGrade, out.mAlbiGrade]) expect(f).toMatchObject({ ...NON_FINITE, sources: ['Observation/totalBilirubin', 'Observation/albumin'] });
    expect(JSON.stringify(out)).not.toContain('null');
  });
  it('a non-finite input is a missing input', () => {
    expect(albi(facts({ totalBilirubin: Number.POSITIVE_INFINITY, albumin: 38 }), T).albiScore).toMatchObject({ known: false, reason: 'missing-inputs', missing: ['totalBilirubin'] });
    expect(albi(facts({ totalBilirubin: 18, albumin: Number.NaN }), T).albiGrade).toMatchObject({ known: false, reason: 'missing-inputs', missing: ['albumin'] });
  });
});

describe('ctcae', () => {
  const T = table<CtcaeTable>('ctcae-v5');
  it('a ratio that overflows (ALT over a denormal ULN) is Unknown, not grade 4', () => {
    expect(ctcaeGrades(facts({ alt: 45, altUln: 5e-324 }), T)['altCtcaeGrade']).toMatchObject(NON_FINITE);
  });
  it('a NaN value is a missing input', () => {
    expect(show(ctcaeGrades(facts({ alt: Number.NaN, altUln: 40 }), T)['altCtcaeGrade'] as never)).toBe('Unknown:missing-inputs');
  });
});

it('child-pugh: -Infinity bilirubin is missing, not 1 point', () => {
  const T = table<ChildPughTable>('child-pugh');
  const out = childPugh(facts({ totalBilirubin: Number.NEGATIVE_INFINITY, albumin: 40, inr: 1, ascites: 'none', hepaticEncephalopathy: 0 }), T);
  expect(out.childPughScore).toMatchObject({ known: false, missing: ['totalBilirubin'] });
});

it('pt-prolongation: a difference that overflows is Unknown', () => {
  const same = (v: number): ReturnType<typeof known> => known(v, { unit: 's', effective: '2025-05-01', sources: [`Observation/${v > 0 ? 'pt' : 'ctl'}`] });
  expect(ptProlongation(facts({ ptSeconds: same(1.7e308), ptControlSeconds: same(-1.7e308) })).ptProlongation).toMatchObject(NON_FINITE);
});

it('liver-injury: a NaN grade counts as missing', () => {
  expect(liverInjury(facts({ altCtcaeGrade: Number.NaN, astCtcaeGrade: 0, bilirubinCtcaeGrade: 0 })).liverInjuryGrade).toMatchObject({ known: false, missing: ['altCtcaeGrade'] });
});

it('days-since: an invalid "now" gives no day count (Unknown, not NaN)', () => {
  expect(daysSince(facts({ lastHaicDate: '2025-05-01' }), 'lastHaicDate', new Date(Number.NaN))).toMatchObject(NON_FINITE);
});

describe('finiteOnly / allFinite', () => {
  it('replaces exactly the Known non-finite numbers and keeps the object when nothing is wrong', () => {
    const ok = { a: known(1, { sources: [] }), b: known('x', { sources: [] }) };
    expect(finiteOnly(ok)).toBe(ok);
    const out = finiteOnly({ ...ok, c: known(Number.NEGATIVE_INFINITY, { sources: ['Observation/c'] }), d: known(Number.NaN, { sources: [] }) });
    expect(out.a).toBe(ok.a);
    expect(out.c).toMatchObject({ ...NON_FINITE, sources: ['Observation/c'] });
    expect(out.d).toMatchObject(NON_FINITE);
  });
  it('allFinite', () => {
    expect(allFinite(1, -2, 0)).toBe(true);
    expect(allFinite(1, Number.NaN)).toBe(false);
    expect(allFinite(Number.POSITIVE_INFINITY)).toBe(false);
  });
});
