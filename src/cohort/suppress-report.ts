/**
 * Small-cell suppression: what makes a report fit to leave the hospital (README "Cohort readiness report").
 *
 * Primary rule: every cell that counts patients, or counts events (cards, issues, occurrences, blocked
 * recommendations) of a group of patients, is suppressed (null) when that number of patients is 1 … minCell − 1;
 * an event cell goes with its patient cell. Zero is shown.
 * Secondary rule: in each partition of the evaluated patients — the HCC-diagnosis split, the cards-per-patient
 * bins, and fired / not evaluable / not applicable of each recommendation — a single suppressed cell could be
 * recovered by subtraction, so the smallest other non-zero cell of that partition is suppressed too.
 * Unrecognised-code rows whose patient cell is suppressed are left out (counted in suppressedRows).
 * Not suppressed: `patients.failed` and the input counts (lines, resources, problems): operational counts that
 * say nothing clinical about anyone. Rates are shown only where their numerator is shown. The problem details
 * (file and line) of the internal report are dropped, and so are failed Bundle file names (they may carry a
 * patient id); failed Bulk Data files (named by resource type) stay.
 */
import { finishReport } from './finish-report';
import type { Cell, CohortReport } from './report-types';

/** The primary rule on one patient count. */
function primary(patients: Cell, minCell: number): Cell {
  return patients !== null && patients > 0 && patients < minCell ? null : patients;
}

/** Applies the secondary rule to one partition (cells already through the primary rule). */
export function protectPartition(cells: readonly Cell[]): Cell[] {
  const out = [...cells];
  if (out.filter((c) => c === null).length !== 1) return out;
  let smallest = -1;
  out.forEach((c, i) => {
    if (c !== null && c > 0 && (smallest < 0 || c < (out[smallest] as number))) smallest = i;
  });
  if (smallest >= 0) out[smallest] = null;
  return out;
}

/** The shareable report of a report (idempotent: a shareable report comes back unchanged). */
export function suppressReport(report: CohortReport, minCell: number = report.minCell): CohortReport {
  const p = (cell: Cell): Cell => primary(cell, minCell);
  const read = p(report.patients.read);
  const [withHcc, withoutHcc, unknownHcc] = protectPartition([
    p(report.patients.withHccDiagnosis),
    p(report.patients.withoutHccDiagnosis),
    p(report.patients.hccDiagnosisUnknown),
  ]);
  const bins = protectPartition(report.cardsPerPatient.map((b) => p(b.patients)));
  const rows = report.unrecognisedCodes.rows.map((r) => ({ ...r, patients: p(r.patients) }));
  const kept = rows.filter((r) => r.patients !== null);
  const { problemDetails: _details, problemDetailsOmitted: _omitted, ...input } = report.input;
  return finishReport({
    ...report,
    shareable: true,
    minCell,
    patients: { read, withHccDiagnosis: withHcc ?? null, withoutHccDiagnosis: withoutHcc ?? null, hccDiagnosisUnknown: unknownHcc ?? null, failed: report.patients.failed },
    cardsPerPatient: report.cardsPerPatient.map((b, i) => ({ cards: b.cards, patients: bins[i] ?? null })),
    cardsByIndicator: report.cardsByIndicator.map((c) => {
      const patients = p(c.patients);
      return { indicator: c.indicator, patients, cards: patients === null ? null : c.cards };
    }),
    recommendations: report.recommendations.map((r) => {
      const [fired, notEvaluable, notApplicable] = protectPartition([p(r.fired), p(r.notEvaluable), p(r.notApplicable)]);
      return { ...r, fired: fired ?? null, notEvaluable: notEvaluable ?? null, notApplicable: notApplicable ?? null };
    }),
    missingInputs: report.missingInputs.map((m) => {
      const patients = p(m.patients);
      return { ...m, patients, blocked: patients === null ? null : m.blocked };
    }),
    dataIssues: report.dataIssues.map((d) => {
      const patients = p(d.patients);
      return { ...d, patients, issues: patients === null ? null : d.issues };
    }),
    unrecognisedCodes: {
      ...report.unrecognisedCodes,
      rows: kept,
      suppressedRows: report.unrecognisedCodes.suppressedRows + (rows.length - kept.length),
    },
    // Bulk Data files are named by resource type; a Bundle's file name may carry a patient id.
    input: { ...input, failedInputs: report.input.kind === 'bundles' ? [] : report.input.failedInputs },
  });
}
