/**
 * Pools several sites' reports (multicentre work: each site runs the cohort on its own data; only reports
 * travel). Counts add; a suppressed cell makes its sum suppressed; rows are matched by their key (recommendation
 * id, fact, issue code, resource type + system + code). Internal reports merge exactly (the result equals the
 * internal report of the union cohort); shareable reports merge conservatively and the result is suppressed again.
 */
import { DETAIL_CAP } from './input-problems';
import { finishReport } from './finish-report';
import { suppressReport } from './suppress-report';
import { CARD_BINS, REPORT_FORMAT, type Cell, type CohortReport, type InputProblemDetail } from './report-types';

const add = (a: Cell, b: Cell): Cell => (a === null || b === null ? null : a + b);

function mergeRows<T>(lists: readonly (readonly T[])[], key: (row: T) => string, combine: (a: T, b: T) => T): T[] {
  const out = new Map<string, T>();
  for (const list of lists) {
    for (const row of list) {
      const k = key(row);
      const seen = out.get(k);
      out.set(k, seen === undefined ? row : combine(seen, row));
    }
  }
  return [...out.values()];
}

function countsByKey<K extends string>(lists: readonly (readonly ({ readonly [P in K]: string } & { readonly count: number })[])[], key: K): ({ [P in K]: string } & { count: number })[] {
  return mergeRows(lists, (r) => r[key], (a, b) => ({ ...a, count: a.count + b.count })).sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
}

/** Merges reports; throws on an empty list or a document that is not a cohort report of this format. */
export function mergeReports(reports: readonly CohortReport[], options: { readonly now?: Date; readonly minCell?: number } = {}): CohortReport {
  if (reports.length === 0) throw new Error('nothing to merge');
  for (const r of reports) if (r.format !== REPORT_FORMAT) throw new Error(`not a ${REPORT_FORMAT} document`);
  const minCell = Math.max(options.minCell ?? 0, ...reports.map((r) => r.minCell));
  // A shareable input makes the whole merge shareable: its suppressed cells cannot be added back.
  const shareable = reports.some((r) => r.shareable);
  const inputs = shareable ? reports.map((r) => suppressReport(r, minCell)) : reports;
  const evaluatedAts = new Set(inputs.map((r) => r.evaluatedAt));
  const details: InputProblemDetail[] = inputs.flatMap((r) => r.input.problemDetails ?? []);
  const omitted = inputs.reduce((n, r) => n + (r.input.problemDetailsOmitted ?? 0), 0) + Math.max(0, details.length - DETAIL_CAP);
  const available = inputs.every((r) => r.unrecognisedCodes.available);
  const notes = [...new Set(inputs.map((r) => r.unrecognisedCodes.note).filter((n): n is string => n !== undefined))];
  const merged: CohortReport = {
    format: REPORT_FORMAT,
    shareable,
    minCell,
    kbVersions: [...new Set(inputs.flatMap((r) => r.kbVersions))],
    generatedAt: (options.now ?? new Date()).toISOString(),
    evaluatedAt: evaluatedAts.size === 1 ? [...evaluatedAts][0]! : null,
    reportsMerged: inputs.reduce((n, r) => n + r.reportsMerged, 0),
    complete: inputs.every((r) => r.complete),
    siteProfile: {
      requested: inputs.some((r) => r.siteProfile.requested),
      applied: inputs.every((r) => r.siteProfile.applied || !r.siteProfile.requested) && inputs.some((r) => r.siteProfile.applied),
      ...(inputs.some((r) => r.siteProfile.requested) ? { note: `${inputs.filter((r) => r.siteProfile.applied).length} of ${inputs.length} reports applied a site profile` } : {}),
    },
    patients: {
      read: inputs.map((r) => r.patients.read).reduce(add),
      withHccDiagnosis: inputs.map((r) => r.patients.withHccDiagnosis).reduce(add),
      withoutHccDiagnosis: inputs.map((r) => r.patients.withoutHccDiagnosis).reduce(add),
      hccDiagnosisUnknown: inputs.map((r) => r.patients.hccDiagnosisUnknown).reduce(add),
      failed: inputs.map((r) => r.patients.failed).reduce(add),
    },
    cardsPerPatient: CARD_BINS.map((cards) => ({
      cards,
      patients: inputs
        .map((r): Cell => {
          const bin = r.cardsPerPatient.find((b) => b.cards === cards);
          return bin === undefined ? 0 : bin.patients;
        })
        .reduce(add),
    })),
    cardsByIndicator: mergeRows(inputs.map((r) => r.cardsByIndicator), (c) => c.indicator, (a, b) => ({ indicator: a.indicator, cards: add(a.cards, b.cards), patients: add(a.patients, b.patients) })),
    recommendations: mergeRows(inputs.map((r) => r.recommendations), (r) => r.id, (a, b) => ({
      ...a,
      fired: add(a.fired, b.fired),
      notEvaluable: add(a.notEvaluable, b.notEvaluable),
      notApplicable: add(a.notApplicable, b.notApplicable),
    })),
    missingInputs: mergeRows(inputs.map((r) => r.missingInputs), (m) => m.fact, (a, b) => ({
      fact: a.fact,
      recommendationIds: [...new Set([...a.recommendationIds, ...b.recommendationIds])],
      blocked: add(a.blocked, b.blocked),
      patients: add(a.patients, b.patients),
    })),
    dataIssues: mergeRows(inputs.map((r) => r.dataIssues), (d) => d.code, (a, b) => ({ code: a.code, issues: add(a.issues, b.issues), patients: add(a.patients, b.patients) })),
    unrecognisedCodes: {
      available,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      rows: mergeRows(inputs.map((r) => r.unrecognisedCodes.rows), (u) => `${u.resourceType}|${u.system}|${u.code}`, (a, b) => ({
        ...a,
        occurrences: add(a.occurrences, b.occurrences),
        patients: add(a.patients, b.patients),
      })),
      suppressedRows: inputs.reduce((n, r) => n + r.unrecognisedCodes.suppressedRows, 0),
    },
    input: {
      kind: 'merged',
      files: inputs.reduce((n, r) => n + r.input.files, 0),
      lines: inputs.reduce((n, r) => n + r.input.lines, 0),
      resources: inputs.reduce((n, r) => n + r.input.resources, 0),
      problems: countsByKey(inputs.map((r) => r.input.problems), 'kind'),
      ignoredResources: countsByKey(inputs.map((r) => r.input.ignoredResources), 'resourceType'),
      failedInputs: inputs.flatMap((r, i) => r.input.failedInputs.map((name) => `report ${i + 1}: ${name}`)),
      ...(shareable ? {} : { problemDetails: details.slice(0, DETAIL_CAP), problemDetailsOmitted: omitted }),
    },
  };
  return shareable ? suppressReport(merged, minCell) : finishReport(merged);
}
