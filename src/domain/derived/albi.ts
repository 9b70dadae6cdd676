/** ALBI score, grade and modified grade (clinical.md §4.2, Johnson et al. 2015). */
import { known, unknown, type Fact } from '../facts';
import { bandFor, latestDate } from './bands';
import { effectiveOf, fmt, num, sourcesOf } from './fact-helpers';
import { allFinite, nonFinite } from './finite';
import type { Band, FactLookup } from './types';

/** The ALBI table (fhir-mappings/scores/albi.yaml). */
export interface AlbiTable {
  readonly bilirubinLog10Coefficient: number;
  readonly albuminCoefficient: number;
  readonly grades: readonly Band<string>[];
  readonly modifiedGrades: readonly Band<string>[];
}

/** Computes albiScore, albiGrade and mAlbiGrade from totalBilirubin (umol/L) and albumin (g/L). */
export function albi(get: FactLookup, table: AlbiTable): { albiScore: Fact; albiGrade: Fact; mAlbiGrade: Fact } {
  const bili = get('totalBilirubin');
  const alb = get('albumin');
  const b = num(bili);
  const a = num(alb);
  if (b === undefined || a === undefined || b <= 0) {
    const missing = [b === undefined || b <= 0 ? 'totalBilirubin' : undefined, a === undefined ? 'albumin' : undefined].filter((x): x is string => x !== undefined);
    const u = unknown('missing-inputs', { missing });
    return { albiScore: u, albiGrade: u, mAlbiGrade: u };
  }
  // Float noise is removed (1e-9) so that a value exactly on a cut-off stays on it.
  const raw = table.bilirubinLog10Coefficient * Math.log10(b) + table.albuminCoefficient * a;
  const score = Math.round(raw * 1e9) / 1e9;
  if (!allFinite(raw, score)) {
    const u = nonFinite(sourcesOf([bili, alb]));
    return { albiScore: u, albiGrade: u, mAlbiGrade: u };
  }
  const effective = latestDate(effectiveOf([bili, alb]));
  const base = { ...(effective === undefined ? {} : { effective }), sources: sourcesOf([bili, alb]) };
  const detail = `${table.bilirubinLog10Coefficient} × log10(${fmt(b)}) ${table.albuminCoefficient < 0 ? '−' : '+'} ${Math.abs(table.albuminCoefficient)} × ${fmt(a)} = ${fmt(score)}`;
  const grade = bandFor(table.grades, score);
  const mGrade = bandFor(table.modifiedGrades, score);
  return {
    albiScore: known(Math.round(score * 1000) / 1000, { ...base, derived: { from: ['totalBilirubin', 'albumin'], method: 'albi', detail } }),
    albiGrade: grade === undefined ? unknown('data-error') : known(grade, { ...base, derived: { from: ['albiScore'], method: 'albi-grade', detail: `ALBI ${fmt(score)} → grade ${grade}` } }),
    mAlbiGrade: mGrade === undefined ? unknown('data-error') : known(mGrade, { ...base, derived: { from: ['albiScore'], method: 'malbi-grade', detail: `ALBI ${fmt(score)} → mALBI ${mGrade}` } }),
  };
}
