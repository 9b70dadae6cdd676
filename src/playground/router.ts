/**
 * The playground: a page at `/` for integrators and clinicians to try the service (issue 6), plus the few
 * JSON endpoints it needs. Nothing here evaluates anything: the page calls the real CDS Hooks endpoints.
 * In development mode the page gets short-lived ES384 tokens from `/playground/dev-token`; in production
 * that route does not exist and the page asks the user for a bearer token.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { HookName } from '../cds-hooks/types';
import { AppError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import { systemClock } from '../shared/clock';
import { loadAssets, type StaticAsset } from './assets-store';
import { buildHookRequest } from './build-request';
import type { DevSigner } from './dev-signer';
import type { PlaygroundPatient } from './patients';

/** How the playground is mounted. */
export interface PlaygroundOptions {
  readonly mode: 'development' | 'production';
  /** Required in development: the in-memory signer whose issuer the service trusts in development only. */
  readonly devSigner?: DevSigner;
  /** The scenario patients offered by the page. */
  readonly patients: readonly PlaygroundPatient[];
  readonly clock?: Clock;
  /** Body limit of the request-builder endpoint (express syntax). */
  readonly bodyLimit?: string;
}

const HOOKS: readonly HookName[] = ['patient-view', 'order-select', 'order-sign'];

/** The page may only talk to its own origin; no inline script or style (defence in depth for card text). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function sendAsset(res: Response, asset: StaticAsset): void {
  res.set('Content-Type', asset.contentType);
  res.set('Cache-Control', 'no-cache');
  res.set('X-Content-Type-Options', 'nosniff');
  res.send(asset.body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseTemplates(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new AppError('REQUEST_INVALID', 'prefetch must be an object of template strings', ['prefetch']);
  const out: Record<string, string> = {};
  for (const [key, template] of Object.entries(value)) {
    if (typeof template !== 'string') throw new AppError('REQUEST_INVALID', `prefetch.${key} must be a string`, [`prefetch.${key}`]);
    out[key] = template;
  }
  return out;
}

/** An absolute http(s) URL of a CDS Hooks endpoint, the only audience the dev signer signs for. */
function checkedAudience(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) throw new AppError('REQUEST_INVALID', 'aud must be the URL about to be called', ['aud']);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('REQUEST_INVALID', 'aud must be an absolute URL', ['aud']);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !/\/cds-services(\/|$)/.test(url.pathname)) {
    throw new AppError('REQUEST_INVALID', 'aud must be an http(s) URL of a /cds-services endpoint', ['aud']);
  }
  return value;
}

/** Builds the router serving the page at `/` and its helper endpoints under `/playground`. */
export function playgroundRouter(options: PlaygroundOptions): Router {
  if (options.mode === 'development' && options.devSigner === undefined) {
    throw new Error('playgroundRouter: development mode needs a devSigner');
  }
  const clock = options.clock ?? systemClock;
  const assets = loadAssets();
  const index = assets.get('index.html');
  if (index === undefined) throw new Error('playground: index.html missing');
  const devSigner = options.mode === 'development' ? options.devSigner : undefined;
  const summaries = options.patients.map(({ input: _input, ...summary }) => summary);
  const byId = new Map(options.patients.map((p) => [p.id, p]));

  const router = express.Router();

  router.get('/', (_req: Request, res: Response) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.set('Referrer-Policy', 'no-referrer');
    sendAsset(res, index);
  });

  router.get('/playground/assets/:name', (req: Request, res: Response, next) => {
    const asset = assets.get(String(req.params['name']));
    if (asset === undefined) {
      next();
      return;
    }
    sendAsset(res, asset);
  });

  router.get('/playground/config', (_req: Request, res: Response) => {
    res.json({
      mode: options.mode,
      devTokens: devSigner !== undefined,
      ...(devSigner !== undefined ? { devIssuer: devSigner.issuer } : {}),
      languages: ['zh-CN', 'en'],
      hooks: HOOKS,
    });
  });

  if (devSigner !== undefined) {
    router.get('/playground/dev-token', (req: Request, res: Response) => {
      const aud = checkedAudience(req.query['aud']);
      res.set('Cache-Control', 'no-store');
      res.json({ token: devSigner.sign(aud, clock.now()), issuer: devSigner.issuer, expiresIn: 300 });
    });
    router.get('/playground/jwks.json', (_req: Request, res: Response) => {
      res.json(devSigner.jwks);
    });
  }

  router.get('/playground/patients', (_req: Request, res: Response) => {
    res.json({ patients: summaries });
  });

  router.get('/playground/patients/:id', (req: Request, res: Response) => {
    const patient = byId.get(String(req.params['id']));
    if (patient === undefined) throw new AppError('ROUTE_NOT_FOUND', 'no such scenario patient');
    res.json(patient);
  });

  router.post('/playground/requests', express.json({ limit: options.bodyLimit ?? '2mb' }), (req: Request, res: Response) => {
    const body: unknown = req.body;
    if (!isObject(body)) throw new AppError('REQUEST_INVALID', 'expected a JSON object { hook, bundle, prefetch }');
    const hook = body['hook'];
    if (typeof hook !== 'string' || !(HOOKS as readonly string[]).includes(hook)) {
      throw new AppError('REQUEST_INVALID', `hook must be one of ${HOOKS.join(', ')}`, ['hook']);
    }
    const at = body['at'];
    const now = typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? new Date(at) : clock.now();
    const request = buildHookRequest({
      hook: hook as HookName,
      bundle: body['bundle'],
      prefetchTemplates: parseTemplates(body['prefetch']),
      hookInstance: randomUUID(),
      userId: 'Practitioner/playground',
      now,
    });
    res.json(request);
  });

  return router;
}
