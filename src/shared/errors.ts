/**
 * The one error vocabulary of the service: every failure a caller can see is an AppError with a code from
 * this catalogue; http/error-handler.ts is the only place that turns it into a status and an OperationOutcome.
 */

/** The catalogue: code → HTTP status and the OperationOutcome issue code (FHIR R4 IssueType). */
export const ERROR_CATALOGUE = {
  REQUEST_INVALID: { status: 400, issue: 'invalid' },
  REQUEST_NOT_JSON: { status: 415, issue: 'not-supported' },
  REQUEST_TOO_LARGE: { status: 413, issue: 'too-costly' },
  AUTH_INVALID_TOKEN: { status: 401, issue: 'login' },
  AUTH_FORBIDDEN: { status: 403, issue: 'forbidden' },
  HOST_NOT_ALLOWED: { status: 403, issue: 'security' },
  SERVICE_NOT_FOUND: { status: 404, issue: 'not-found' },
  ROUTE_NOT_FOUND: { status: 404, issue: 'not-found' },
  METHOD_NOT_ALLOWED: { status: 405, issue: 'not-supported' },
  FHIR_SERVER_NOT_ALLOWED: { status: 400, issue: 'security' },
  PREFETCH_UNAVAILABLE: { status: 412, issue: 'incomplete' },
  FHIR_FETCH_FAILED: { status: 412, issue: 'transient' },
  DEADLINE_EXCEEDED: { status: 503, issue: 'timeout' },
  STORAGE_FAILED: { status: 503, issue: 'transient' },
  NOT_READY: { status: 503, issue: 'transient' },
  INTERNAL: { status: 500, issue: 'exception' },
} as const;

/** A code of the error catalogue. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A failure with a catalogue code, a message safe to show a caller (no PHI, no secrets) and optional FHIRPath-like locations. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly locations: readonly string[];

  constructor(code: ErrorCode, message: string, locations: readonly string[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.locations = locations;
  }
}

/** A failure at start-up (bad config, knowledge base or mappings): the process must refuse to start. */
export class BootError extends Error {
  readonly problems: readonly string[];

  constructor(what: string, problems: readonly string[]) {
    super(`${what}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BootError';
    this.problems = problems;
  }
}
