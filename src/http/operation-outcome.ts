/**
 * FHIR R4 OperationOutcome bodies for every non-2xx answer (CDS Hooks 3.0 ballot recommends them; harmless in 2.0).
 * @see https://hl7.org/fhir/R4/operationoutcome.html
 */

/** One OperationOutcome issue as we emit it. */
export interface OutcomeIssue {
  readonly severity: 'error' | 'fatal';
  readonly code: string;
  readonly details: { readonly text: string };
  readonly expression?: readonly string[];
}

/** An OperationOutcome resource as we emit it. */
export interface OperationOutcomeBody {
  readonly resourceType: 'OperationOutcome';
  readonly issue: readonly OutcomeIssue[];
}

/** Builds an OperationOutcome with one error issue; `expression` is omitted when there is no location. */
export function operationOutcome(code: string, text: string, expression: readonly string[] = []): OperationOutcomeBody {
  const issue: OutcomeIssue =
    expression.length > 0 ? { severity: 'error', code, details: { text }, expression } : { severity: 'error', code, details: { text } };
  return { resourceType: 'OperationOutcome', issue: [issue] };
}
