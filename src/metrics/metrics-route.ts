/**
 * GET /metrics: the Prometheus text exposition. Open, or — when the configuration names an environment variable
 * holding a bearer token — only to `Authorization: Bearer <that token>` (compared in constant time; 401 otherwise).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../shared/errors';
import type { ServiceMetrics } from './metrics';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Creates the handler; `bearerToken` undefined means unprotected. */
export function metricsRoute(metrics: ServiceMetrics, bearerToken: string | undefined): RequestHandler {
  const expected = bearerToken === undefined ? undefined : digest(bearerToken);
  return async (req, res) => {
    if (expected !== undefined) {
      const match = /^Bearer +(\S+)$/i.exec(req.get('authorization')?.trim() ?? '');
      if (match?.[1] === undefined || !timingSafeEqual(digest(match[1]), expected)) {
        throw new AppError('AUTH_INVALID_TOKEN', 'Authentication failed');
      }
    }
    const text = await metrics.render();
    res.status(200).type(metrics.contentType).send(text);
  };
}
