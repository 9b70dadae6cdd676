/**
 * The one place an error becomes an HTTP status and an OperationOutcome body (ARCHITECTURE principle 5).
 * AppErrors keep their catalogue status and safe message; 401 says nothing about why (CDS Hooks best practice);
 * anything else is a 500 "INTERNAL" with a generic message, logged by name and stack frames only (no message, which
 * might echo data).
 */
import type { ErrorRequestHandler } from 'express';
import { authFailureReason } from '../auth/jwt-verifier';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../shared/errors';
import type { AppLogger } from '../shared/logger';
import { loggableLocations } from './log-location';
import { operationOutcome, type OperationOutcomeBody } from './operation-outcome';

/** Messages that replace the AppError's own where revealing it would help an attacker or leak internals. */
const FIXED_MESSAGES: Partial<Record<ErrorCode, string>> = {
  AUTH_INVALID_TOKEN: 'Authentication failed.',
  AUTH_FORBIDDEN: 'Forbidden.',
  INTERNAL: 'Internal error.',
};

/** Seconds a client is asked to wait before retrying a 503 caused by storage or readiness. */
export const RETRY_AFTER_SECONDS = 5;

/** The status, body and headers an error is answered with. */
export interface HttpErrorAnswer {
  readonly status: number;
  readonly code: ErrorCode;
  readonly body: OperationOutcomeBody;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Known non-AppError failures of express itself, as catalogue errors: the router's decodeURIComponent of a route
 * parameter throws URIError (status 400) on a malformed percent-encoding; its message echoes the path, so it is replaced.
 */
function fromFrameworkError(error: unknown): AppError | undefined {
  if (error instanceof URIError) return new AppError('REQUEST_INVALID', 'Request URL has a malformed percent-encoding.');
  return undefined;
}

/** Turns any thrown value into the answer the client sees. */
export function toHttpError(error: unknown): HttpErrorAnswer {
  const appError = error instanceof AppError ? error : (fromFrameworkError(error) ?? new AppError('INTERNAL', 'Internal error.'));
  const entry = ERROR_CATALOGUE[appError.code];
  const text = FIXED_MESSAGES[appError.code] ?? appError.message;
  const locations = FIXED_MESSAGES[appError.code] === undefined ? appError.locations : [];
  const headers: Record<string, string> = appError.code === 'AUTH_INVALID_TOKEN' ? { 'WWW-Authenticate': 'Bearer' } : {};
  // RFC 9110 §10.2.3: a 503 for a transient condition says when to retry (the database is back within seconds, or the client retries later).
  if (appError.code === 'STORAGE_FAILED' || appError.code === 'NOT_READY') headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
  return { status: entry.status, code: appError.code, body: operationOutcome(entry.issue, text, locations), headers };
}

function stackFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.stack === undefined) return undefined;
  return error.stack
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8)
    .join('\n');
}

/** The express error middleware (registered last). */
export function createErrorHandler(logger: AppLogger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = toHttpError(error);
    res.locals['errorCode'] = answer.code;
    // The reason logged is the text the caller receives (catalogue-safe: no PHI, no token), e.g. why a FHIR fetch failed;
    // for an invalid request only its locations, with undeclared member names masked (they may carry a name).
    const reason = answer.body.issue[0]?.details.text;
    if (answer.code === 'REQUEST_INVALID') {
      const locations = loggableLocations(answer.body.issue[0]?.expression ?? []);
      if (locations.length > 0) res.locals['errorLocations'] = locations;
    } else if (reason !== undefined && answer.code !== 'AUTH_INVALID_TOKEN') res.locals['errorReason'] = reason;
    if (!(error instanceof AppError) && answer.code === 'INTERNAL') {
      logger.error({ errName: error instanceof Error ? error.name : typeof error, frames: stackFrames(error) }, 'unexpected error');
    } else if (answer.code === 'AUTH_INVALID_TOKEN') {
      const reason = authFailureReason(error);
      if (reason !== undefined) res.locals['authReason'] = reason;
    }
    res.status(answer.status).set(answer.headers).json(answer.body);
  };
}
