/**
 * Validates a cohort report against cohort-report.schema.json (JSON Schema 2020-12) and, for a shareable report,
 * that no patient cell holds a count the suppression rule hides (1 … minCell − 1). Used before writing a report
 * and on every report `cohort merge` reads.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from './cohort-report.schema.json';
import type { Cell, CohortReport } from './report-types';

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
addFormats(ajv);
const validateSchema = ajv.compile(schema);

/** The patient cells of a report, named for messages. */
function patientCells(report: CohortReport): [string, Cell][] {
  return [
    ...Object.entries(report.patients).filter(([name]) => name !== 'failed').map(([name, cell]): [string, Cell] => [`patients.${name}`, cell]),
    ...report.cardsPerPatient.map((b): [string, Cell] => [`cardsPerPatient[${b.cards}]`, b.patients]),
    ...report.cardsByIndicator.map((c): [string, Cell] => [`cardsByIndicator[${c.indicator}].patients`, c.patients]),
    ...report.recommendations.flatMap((r): [string, Cell][] => [[`recommendations[${r.id}].fired`, r.fired], [`recommendations[${r.id}].notEvaluable`, r.notEvaluable], [`recommendations[${r.id}].notApplicable`, r.notApplicable]]),
    ...report.missingInputs.map((m): [string, Cell] => [`missingInputs[${m.fact}].patients`, m.patients]),
    ...report.dataIssues.map((d): [string, Cell] => [`dataIssues[${d.code}].patients`, d.patients]),
    ...report.unrecognisedCodes.rows.map((u): [string, Cell] => [`unrecognisedCodes[${u.resourceType}|${u.system}|${u.code}].patients`, u.patients]),
  ];
}

/** The problems of a document as a cohort report (empty when valid). */
export function reportProblems(document: unknown): string[] {
  if (!validateSchema(document)) {
    return (validateSchema.errors ?? []).slice(0, 20).map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message ?? 'is invalid'}`);
  }
  const report = document as unknown as CohortReport;
  if (!report.shareable) return [];
  return patientCells(report)
    .filter(([, cell]) => cell !== null && cell > 0 && cell < report.minCell)
    .map(([name, cell]) => `${name} = ${String(cell)} is below minCell ${report.minCell} in a shareable report`);
}
