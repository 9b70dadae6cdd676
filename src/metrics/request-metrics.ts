/**
 * Express middleware recording each finished request in the metrics: the matched route pattern (never the path,
 * which can carry ids), the service id the route resolved (registered ids only), the status and the duration.
 */
import type { RequestHandler } from 'express';
import type { ServiceMetrics } from './metrics';

/** Creates the middleware (register it first). */
export function requestMetrics(metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? pattern : 'unmatched';
      const service = typeof res.locals['service'] === 'string' ? (res.locals['service'] as string) : '';
      metrics.request(route, service, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
