import type { RequestHandler } from 'express';
import { AppError } from '../shared/errors';

/** The fallback for unknown routes (404 OperationOutcome). */
export function notFound(): RequestHandler {
  return (_req, _res, next) => {
    next(new AppError('ROUTE_NOT_FOUND', 'Not found.'));
  };
}
