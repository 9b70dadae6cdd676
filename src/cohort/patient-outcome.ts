/**
 * What the evaluation of one patient contributes to the cohort report: counts only, no identifier, no value.
 * Workers send these to the main thread, which adds them up (cohort-tally.ts).
 */
import type { CardIndicator } from './report-types';

/** One coding no mapping recognised in this patient's record, with how many resources carry it. */
export interface PatientUnrecognisedCode {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
  readonly resourceType: string;
  readonly count: number;
}

/** The status of one recommendation for one patient (patient-view). */
export interface PatientRecommendation {
  readonly id: string;
  readonly status: 'fires' | 'notApplicable' | 'notEvaluable';
  readonly missingFacts: readonly string[];
}

/** A patient evaluated. */
export interface EvaluatedPatient {
  readonly ok: true;
  readonly kbVersion: string;
  /** The knowledge base's scope fact (HCC diagnosis): true, false or unknown. */
  readonly hcc: 'yes' | 'no' | 'unknown';
  readonly cardIndicators: readonly CardIndicator[];
  readonly recommendations: readonly PatientRecommendation[];
  /** The code of every data issue of the response (with repetitions). */
  readonly dataIssueCodes: readonly string[];
  /** Undefined when no unrecognised-code finder is available in this build. */
  readonly unrecognised?: readonly PatientUnrecognisedCode[];
}

/** A patient whose evaluation failed; `inputs` says where its data came from (file:line), for the internal report. */
export interface FailedPatient {
  readonly ok: false;
  readonly reason: string;
  readonly inputs: readonly string[];
}

/** The outcome of one patient. */
export type PatientOutcome = EvaluatedPatient | FailedPatient;
