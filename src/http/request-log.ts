/**
 * One JSON log line per request: route kind, service, hookInstance, status, latency, issuer, error code.
 * Nothing from the body, headers or URL is logged verbatim (no PHI, no token).
 */
import type { RequestHandler } from 'express';
import type { AppLogger } from '../shared/logger';

function routeKind(path: string): string {
  if (/^\/cds-services\/?$/.test(path)) return 'discovery';
  if (/^\/cds-services\/[^/]+\/feedback\/?$/.test(path)) return 'feedback';
  if (/^\/cds-services\/[^/]+\/?$/.test(path)) return 'invoke';
  if (path === '/healthz' || path === '/readyz') return path.slice(1);
  return 'other';
}

/** Creates the request-logging middleware (registered first). */
export function createRequestLog(logger: AppLogger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const locals = res.locals as Record<string, unknown>;
      const client = locals['client'] as { iss?: string; tenant?: string } | undefined;
      const line: Record<string, unknown> = {
        method: req.method,
        route: routeKind(req.path),
        status: res.statusCode,
        latencyMs: Number(process.hrtime.bigint() - started) / 1e6,
      };
      for (const key of ['service', 'hookInstance', 'errorCode', 'errorReason', 'errorLocations', 'authReason', 'cards', 'unknownCards'] as const) {
        if (locals[key] !== undefined) line[key] = locals[key];
      }
      if (client?.iss !== undefined) line['iss'] = client.iss;
      if (client?.tenant !== undefined) line['tenant'] = client.tenant;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      logger[level](line, 'request');
    });
    next();
  };
}
