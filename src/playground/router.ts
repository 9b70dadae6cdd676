/**
 * The playground: a page at `/` for integrators and clinicians to try the service (issue 6), plus the few
 * JSON endpoints it needs. Nothing here evaluates anything: the page calls the real CDS Hooks endpoints.
 * In development mode the page gets short-lived ES384 tokens from `/playground/dev-token`, minted only for this
 * server's own service URLs; in production that route does not exist and the page asks the user for a bearer
 * token. The request builder (`POST /playground/requests`) fills only the service's own prefetch templates, bounds
 * what it reads and returns, and in production requires a trusted JWT (issue 11).
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { HookName } from '../cds-hooks/types';
import { createJsonBody } from '../http/json-body';
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
  /** Body limit of the request-builder endpoint (`<n>b|kb|mb`); also the largest request it builds. */
  readonly bodyLimit?: string;
  /** The service's own prefetch templates per hook: the only templates the request builder fills. */
  readonly prefetchTemplates: (hook: HookName) => Readonly<Record<string, string>>;
  /** This server's service ids: the dev-token endpoint signs only for their URLs and discovery. */
  readonly serviceIds: readonly string[];
  /** The externally visible base URL, when configured (the dev-token audience check uses it). */
  readonly publicBaseUrl?: string;
  /** Production: the JWT check in front of the request builder (required in production mode). */
  readonly authenticate?: RequestHandler;
}

/** Most resources the request builder reads from a Bundle or puts into one built request. */
export const PLAYGROUND_MAX_RESOURCES = 5000;

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

/** Every playground answer (page, assets, JSON) carries the strict CSP, whatever URL serves it. */
function sendAsset(res: Response, asset: StaticAsset): void {
  res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Content-Type', asset.contentType);
  res.set('Cache-Control', 'no-cache');
  res.set('X-Content-Type-Options', 'nosniff');
  res.send(asset.body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The templates to fill: the service's own, or the subset the page names (each exactly as the service declares it).
 * A caller-supplied template is refused, so one request cannot ask for any number of searches.
 */
function ownTemplates(value: unknown, own: Readonly<Record<string, string>>): Record<string, string> {
  if (value === undefined) return { ...own };
  if (!isObject(value)) throw new AppError('REQUEST_INVALID', 'prefetch must be an object of template strings', ['prefetch']);
  const out: Record<string, string> = {};
  for (const [key, template] of Object.entries(value)) {
    if (!Object.prototype.hasOwnProperty.call(own, key) || own[key] !== template) {
      throw new AppError('REQUEST_INVALID', "prefetch may only name the service's own prefetch templates (see discovery)", ['prefetch']);
    }
    out[key] = own[key] as string;
  }
  return out;
}

/** Bytes of an express-style limit (`<n>b|kb|mb`, the configuration schema's syntax). */
export function limitBytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb)$/i.exec(limit);
  if (m === null) throw new Error(`playground: bad body limit ${limit}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

/** Resources in a built request's prefetch (Bundle entries, or 1 for a single resource). */
function prefetchResourceCount(prefetch: Readonly<Record<string, unknown>> | undefined): number {
  let n = 0;
  for (const value of Object.values(prefetch ?? {})) {
    if (isObject(value) && value['resourceType'] === 'Bundle') n += Array.isArray(value['entry']) ? value['entry'].length : 0;
    else if (value !== null && value !== undefined) n += 1;
  }
  return n;
}

/** The URLs the dev signer may sign for: this server's discovery endpoint and its services' endpoints. */
function ownServicePaths(serviceIds: readonly string[]): Set<string> {
  const paths = new Set(['/cds-services']);
  for (const id of serviceIds) {
    paths.add(`/cds-services/${id}`);
    paths.add(`/cds-services/${id}/feedback`);
    paths.add(`/cds-services/${id}/feedback/summary`);
  }
  return paths;
}

/** `value` when it is exactly one of this server's own service URLs (base = publicBaseUrl or this request's origin). */
function checkedAudience(value: unknown, base: string, paths: ReadonlySet<string>): string {
  if (typeof value !== 'string' || value.length > 2048) throw new AppError('REQUEST_INVALID', 'aud must be the URL about to be called', ['aud']);
  if (!value.startsWith(`${base}/`) || !paths.has(value.slice(base.length))) {
    throw new AppError('REQUEST_INVALID', "aud must be one of this server's own /cds-services URLs", ['aud']);
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
  if (options.mode === 'production' && options.authenticate === undefined) {
    throw new Error('playgroundRouter: production mode needs the JWT check (authenticate)');
  }
  const devSigner = options.mode === 'development' ? options.devSigner : undefined;
  const servicePaths = ownServicePaths(options.serviceIds);
  const maxBytes = limitBytes(options.bodyLimit ?? '1mb');
  const summaries = options.patients.map(({ input: _input, ...summary }) => summary);
  const byId = new Map(options.patients.map((p) => [p.id, p]));

  const router = express.Router();
  router.use('/playground', (_req, res, next) => {
    res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });

  router.get('/', (_req: Request, res: Response) => {
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
      const base = options.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
      const aud = checkedAudience(req.query['aud'], base, servicePaths);
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

  const builderGuards: RequestHandler[] = options.authenticate === undefined ? [] : [options.authenticate];
  router.post('/playground/requests', ...builderGuards, createJsonBody(options.bodyLimit ?? '1mb'), (req: Request, res: Response) => {
    const body: unknown = req.body;
    if (!isObject(body)) throw new AppError('REQUEST_INVALID', 'expected a JSON object { hook, bundle, prefetch }');
    const hook = body['hook'];
    if (typeof hook !== 'string' || !(HOOKS as readonly string[]).includes(hook)) {
      throw new AppError('REQUEST_INVALID', `hook must be one of ${HOOKS.join(', ')}`, ['hook']);
    }
    const bundle = body['bundle'];
    const entries = isObject(bundle) && Array.isArray(bundle['entry']) ? bundle['entry'].length : 0;
    if (entries > PLAYGROUND_MAX_RESOURCES) {
      throw new AppError('REQUEST_TOO_LARGE', `the Bundle has ${entries} entries; the playground reads at most ${PLAYGROUND_MAX_RESOURCES}`, ['bundle.entry']);
    }
    const at = body['at'];
    const now = typeof at === 'string' && at.length <= 64 && !Number.isNaN(Date.parse(at)) ? new Date(at) : clock.now();
    const request = buildHookRequest({
      hook: hook as HookName,
      bundle,
      prefetchTemplates: ownTemplates(body['prefetch'], options.prefetchTemplates(hook as HookName)),
      hookInstance: randomUUID(),
      userId: 'Practitioner/playground',
      now,
    });
    const resources = prefetchResourceCount(request.prefetch);
    if (resources > PLAYGROUND_MAX_RESOURCES) {
      throw new AppError('REQUEST_TOO_LARGE', `the built request would hold ${resources} resources; at most ${PLAYGROUND_MAX_RESOURCES}`, ['bundle']);
    }
    const text = JSON.stringify(request);
    if (Buffer.byteLength(text) > maxBytes) {
      throw new AppError('REQUEST_TOO_LARGE', `the built request would exceed the service's body limit (${options.bodyLimit ?? '1mb'})`, ['bundle']);
    }
    res.type('application/json').send(text);
  });

  return router;
}
