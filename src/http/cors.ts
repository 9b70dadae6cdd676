/**
 * CORS for browser-based CDS clients such as the sandbox (cds-hooks.md §2.9): allowlisted origins only, preflight
 * answered without authentication, headers on every response including errors, `Vary: Origin` always.
 */
import type { RequestHandler } from 'express';

const ALLOW_METHODS = 'GET, POST, OPTIONS';
const ALLOW_HEADERS = 'Authorization, Content-Type, Accept, Accept-Language';

/** Creates the CORS middleware for the configured origins ("*" allows any origin, without credentials). */
export function createCors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins.filter((o) => o !== '*').map((o) => o.toLowerCase()));
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const ok = origin !== undefined && (any || allowed.has(origin.toLowerCase()));
    if (ok) res.set('Access-Control-Allow-Origin', any ? '*' : origin);
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
