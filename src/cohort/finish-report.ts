/**
 * The last step shared by a fresh report, a suppressed one and a merged one: every list in its canonical order
 * (largest first, ties by name) and the rates recomputed from the counts, so two ways to the same counts give the
 * same document.
 */
import type { Cell, CohortReport, RecommendationCount } from './report-types';

const order = (a: Cell, b: Cell): number => (b ?? -1) - (a ?? -1);
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A rate rounded to 4 decimals, or null when a part is suppressed or the denominator is 0. */
export function rate(numerator: Cell, denominator: Cell): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return Math.round((numerator / denominator) * 10_000) / 10_000;
}

/** Patients evaluated (read − failed), null when read is suppressed. */
export function evaluatedOf(report: Pick<CohortReport, 'patients'>): Cell {
  return report.patients.read === null || report.patients.failed === null ? null : report.patients.read - report.patients.failed;
}

/** Sorts every list and recomputes the rates. */
export function finishReport(report: CohortReport): CohortReport {
  const evaluated = evaluatedOf(report);
  const recommendations: RecommendationCount[] = report.recommendations
    .map((r) => ({ ...r, firingRate: rate(r.fired, evaluated), notEvaluableRate: rate(r.notEvaluable, evaluated) }))
    .sort((a, b) => order(a.fired, b.fired) || order(a.notEvaluable, b.notEvaluable) || byName(a.id, b.id));
  return {
    ...report,
    recommendations,
    missingInputs: [...report.missingInputs]
      .map((m) => ({ ...m, recommendationIds: [...m.recommendationIds].sort(byName) }))
      .sort((a, b) => b.recommendationIds.length - a.recommendationIds.length || order(a.blocked, b.blocked) || byName(a.fact, b.fact)),
    dataIssues: [...report.dataIssues].sort((a, b) => order(a.patients, b.patients) || order(a.issues, b.issues) || byName(a.code, b.code)),
    unrecognisedCodes: {
      ...report.unrecognisedCodes,
      rows: [...report.unrecognisedCodes.rows].sort(
        (a, b) => order(a.occurrences, b.occurrences) || order(a.patients, b.patients) || byName(`${a.resourceType}|${a.system}|${a.code}`, `${b.resourceType}|${b.system}|${b.code}`),
      ),
    },
    kbVersions: [...report.kbVersions].sort(byName),
  };
}
