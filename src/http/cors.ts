/**
 * CORS for browser-based CDS clients such as the sandbox (cds-hooks.md §2.9): allowlisted origins only (patterns,
 * see origin-pattern.ts), preflight answered without authentication, headers on every response including errors,
 * `Vary: Origin` always. A refused cross-origin caller is logged once per origin at warn level, naming the
 * configuration member that would allow it (the set of logged origins is bounded).
 */
import type { RequestHandler } from 'express';
import type { AppLogger } from '../shared/logger';
import { compileOriginPattern } from './origin-pattern';

const ALLOW_METHODS = 'GET, POST, OPTIONS';
const ALLOW_HEADERS = 'Authorization, Content-Type, Accept, Accept-Language';
/** How many distinct refused origins are remembered (and logged); past it, one last line says logging stopped. */
export const REFUSED_ORIGINS_LOGGED = 100;

/** Creates the CORS middleware for the configured origin patterns ("*" allows any origin, without credentials). */
export function createCors(origins: readonly string[], logger?: AppLogger): RequestHandler {
  const any = origins.includes('*');
  const patterns = origins.filter((o) => o !== '*').map(compileOriginPattern);
  const refused = new Set<string>();
  const noteRefused = (origin: string): void => {
    if (logger === undefined || refused.has(origin) || refused.size > REFUSED_ORIGINS_LOGGED) return;
    refused.add(origin);
    if (refused.size > REFUSED_ORIGINS_LOGGED) {
      logger.warn({ event: 'cors-refused-limit', limit: REFUSED_ORIGINS_LOGGED }, `CORS: more than ${REFUSED_ORIGINS_LOGGED} distinct origins refused; further refusals are not logged`);
      return;
    }
    logger.warn(
      { event: 'cors-refused', origin: origin.slice(0, 200), configMember: 'corsOrigins' },
      `CORS: origin ${origin.slice(0, 200)} is not allowed; add it (or a pattern such as scheme://host:*) to corsOrigins in the configuration to let browsers there call this service`,
    );
  };
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const ok = origin !== undefined && (any || patterns.some((p) => p.matches(origin)));
    if (ok) res.set('Access-Control-Allow-Origin', any ? '*' : origin);
    // A same-origin page (the playground) sends Origin too, but needs no CORS.
    else if (origin !== undefined && origin.toLowerCase() !== `${req.protocol}://${req.get('host') ?? ''}`.toLowerCase()) noteRefused(origin);
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.set('Allow', ALLOW_METHODS);
    if (ok) {
      res.set({ 'Access-Control-Allow-Methods': ALLOW_METHODS, 'Access-Control-Allow-Headers': ALLOW_HEADERS, 'Access-Control-Max-Age': '600' });
      // Chromium private-network preflights (sandbox on a public origin calling localhost).
      if (req.get('access-control-request-private-network') === 'true') res.set('Access-Control-Allow-Private-Network', 'true');
    }
    res.status(204).end();
  };
}
