import type { RequestHandler } from 'express';
import { AppError } from '../shared/errors';

/** A handler answering 405 with the Allow header for a route that exists under other methods. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = [...allowed, 'OPTIONS'].join(', ');
  return (_req, res, next) => {
    res.set('Allow', allow);
    next(new AppError('METHOD_NOT_ALLOWED', `Method not allowed; use ${allowed.join(' or ')}.`));
  };
}
