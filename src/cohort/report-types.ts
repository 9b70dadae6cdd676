/**
 * The cohort readiness report (report.json, schema cohort-report.schema.json): aggregates only, never a patient
 * identifier. A Cell is a count; `null` means suppressed (a count of 1 … minCell − 1 patients, or a cell hidden so
 * that a suppressed one cannot be recovered by subtraction; see suppress-report.ts).
 */

/** A count, or null where it is suppressed. */
export type Cell = number | null;

/** The card indicators of CDS Hooks 2.0.1 § Card Attributes. */
export type CardIndicator = 'critical' | 'warning' | 'info';

/** How the patients of the cohort split by the knowledge base's scope fact (the HCC diagnosis). */
export interface PatientCounts {
  readonly read: Cell;
  readonly withHccDiagnosis: Cell;
  readonly withoutHccDiagnosis: Cell;
  readonly hccDiagnosisUnknown: Cell;
  /** Patients whose evaluation failed (their inputs are named in the internal report). */
  readonly failed: Cell;
}

/** One bin of the cards-per-patient distribution ("0" … "9", "10+"). */
export interface CardsPerPatientBin {
  readonly cards: string;
  readonly patients: Cell;
}

/** Cards of one indicator, and the patients who received at least one. */
export interface IndicatorCount {
  readonly indicator: CardIndicator;
  readonly cards: Cell;
  readonly patients: Cell;
}

/** The patients for whom one recommendation fired, could not be evaluated, or did not apply. */
export interface RecommendationCount {
  readonly id: string;
  readonly fired: Cell;
  readonly notEvaluable: Cell;
  readonly notApplicable: Cell;
  /** fired / evaluated patients (read − failed); null when suppressed. */
  readonly firingRate: number | null;
  readonly notEvaluableRate: number | null;
}

/** A fact whose absence blocks recommendations. */
export interface MissingInput {
  readonly fact: string;
  /** The recommendations it blocked at least once. */
  readonly recommendationIds: readonly string[];
  /** (patient, recommendation) pairs it blocked. */
  readonly blocked: Cell;
  /** Patients for whom it blocked at least one recommendation. */
  readonly patients: Cell;
}

/** Data issues of one code (the issue codes the service reports in its response extension). */
export interface DataIssueCount {
  readonly code: string;
  readonly issues: Cell;
  readonly patients: Cell;
}

/** A coding no mapping recognises, ranked by how many resources carry it. */
export interface UnrecognisedCodeRow {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
  readonly resourceType: string;
  readonly occurrences: Cell;
  readonly patients: Cell;
}

/** The unrecognised-code table, or why it is absent. */
export interface UnrecognisedCodes {
  readonly available: boolean;
  readonly note?: string;
  readonly rows: readonly UnrecognisedCodeRow[];
  /** Rows left out of a shareable report because fewer than minCell patients carry the code. */
  readonly suppressedRows: number;
}

/** One problem of the input (a malformed line or resource), with where it is: internal report only. */
export interface InputProblemDetail {
  readonly file: string;
  readonly line?: number;
  readonly kind: string;
  readonly message: string;
}

/** What was read: files, lines, problems (counts are of lines and resources, not of patients). */
export interface InputSummary {
  readonly kind: 'bulk-ndjson' | 'bundles' | 'merged';
  readonly files: number;
  readonly lines: number;
  readonly resources: number;
  readonly problems: readonly { readonly kind: string; readonly count: number }[];
  /** Resources that are neither patient data nor referenced shared resources (Practitioner, Organization…), per type. */
  readonly ignoredResources: readonly { readonly resourceType: string; readonly count: number }[];
  /** Input files that could not be read to the end (the run is then incomplete). */
  readonly failedInputs: readonly string[];
  /** The first problems with file and line (internal report only; capped, see problemDetailsOmitted). */
  readonly problemDetails?: readonly InputProblemDetail[];
  readonly problemDetailsOmitted?: number;
}

/** The site profile the run was asked to apply. */
export interface SiteProfileUse {
  readonly requested: boolean;
  readonly applied: boolean;
  readonly note?: string;
}

/** The whole report. */
export interface CohortReport {
  readonly format: 'hcc-cds-cohort-report/1';
  /** false: the internal report, unsuppressed, stays at the hospital; true: fit to leave it. */
  readonly shareable: boolean;
  readonly minCell: number;
  readonly kbVersions: readonly string[];
  readonly generatedAt: string;
  /** The instant the cohort was evaluated at (--at), or null when each patient was evaluated at run time. */
  readonly evaluatedAt: string | null;
  readonly reportsMerged: number;
  /** false when an input could not be read to the end or patients failed. */
  readonly complete: boolean;
  readonly siteProfile: SiteProfileUse;
  readonly patients: PatientCounts;
  readonly cardsPerPatient: readonly CardsPerPatientBin[];
  readonly cardsByIndicator: readonly IndicatorCount[];
  readonly recommendations: readonly RecommendationCount[];
  readonly missingInputs: readonly MissingInput[];
  readonly dataIssues: readonly DataIssueCount[];
  readonly unrecognisedCodes: UnrecognisedCodes;
  readonly input: InputSummary;
}

/** The bins of the cards-per-patient distribution. */
export const CARD_BINS: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10+'];

/** The bin a number of cards falls in. */
export function cardBin(cards: number): string {
  return cards >= 10 ? '10+' : String(cards);
}

/** The report format identifier. */
export const REPORT_FORMAT = 'hcc-cds-cohort-report/1';
