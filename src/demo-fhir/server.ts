/**
 * A small read-only FHIR R4 server over in-memory resources (the scenario patients), for trying the
 * service in the CDS Hooks sandbox (its `fhirServiceUrl` parameter) or in an EHR test harness:
 * `GET /metadata`, reads, type-level searches (GET and `POST {type}/_search` form-encoded, FHIR R4
 * § search "via POST"), paging with `_count`/`_offset`, permissive CORS (public synthetic data, no
 * credentials), OperationOutcome on every error. It listens on loopback only.
 * @see https://hl7.org/fhir/R4/http.html
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { FhirResource, OperationOutcome } from 'fhir/r4';
import { createResourceStore, searchResources, searchsetBundle, UnsupportedSearchError, type SearchResult } from '../fhir/memory-search';
import { capabilityStatement, SEARCHABLE_TYPES } from './capability-statement';

/** Options of the demo server app. */
export interface DemoFhirOptions {
  readonly resources: readonly FhirResource[];
  readonly now?: () => Date;
  /** Page size when the client does not send _count. */
  readonly defaultPageSize?: number;
}

/** A running demo server. */
export interface RunningDemoFhir {
  readonly url: string;
  close(): Promise<void>;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const MAX_PAGE = 500;

function outcome(code: string, diagnostics: string, severity: 'error' | 'warning' = 'error'): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code: code as OperationOutcome['issue'][number]['code'], diagnostics }] };
}

function sendFhir(res: Response, status: number, body: unknown): void {
  res.status(status).type(FHIR_JSON).send(JSON.stringify(body));
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}

/** Builds the express app of the demo FHIR server (never listens; see startDemoFhirServer). */
export function createDemoFhirApp(options: DemoFhirOptions): Express {
  const now = options.now ?? (() => new Date());
  const pageSize = options.defaultPageSize ?? 100;
  const types = new Set<string>(SEARCHABLE_TYPES);
  const store = createResourceStore(options.resources);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  // CORS: the data is synthetic and public, no cookies are used, so any origin may read it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept, Prefer');
    res.set('Access-Control-Expose-Headers', 'Location, Content-Location');
    res.set('Access-Control-Max-Age', '600');
    if (req.headers['access-control-request-private-network'] === 'true') res.set('Access-Control-Allow-Private-Network', 'true');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });

  app.get('/metadata', (_req, res) => sendFhir(res, 200, capabilityStatement(now())));

  const search = (req: Request, res: Response, params: URLSearchParams): void => {
    const type = String(req.params['type']);
    if (!types.has(type)) {
      sendFhir(res, 404, outcome('not-supported', `resource type ${type} is not served here`));
      return;
    }
    // FHIR R4 search § handling: lenient by default (ignored parameters are left out of the links), strict on request.
    const strict = req.get('prefer')?.includes('handling=strict') === true;
    let result: SearchResult;
    try {
      result = searchResources(store.ofType(type), type, params, { strict });
    } catch (error) {
      if (!(error instanceof UnsupportedSearchError)) throw error;
      sendFhir(res, 400, outcome('not-supported', `unsupported search parameter(s): ${error.parameters.join(', ')}`));
      return;
    }
    const bundle = searchsetBundle(type, params, result, { baseUrl: baseUrl(req), defaultCount: pageSize, maxCount: MAX_PAGE });
    sendFhir(res, 200, bundle);
  };

  app.get('/:type', (req, res) => search(req, res, new URLSearchParams(req.originalUrl.split('?')[1] ?? '')));

  app.post('/:type/_search', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      sendFhir(res, 415, outcome('not-supported', 'POST _search needs an application/x-www-form-urlencoded body'));
      return;
    }
    const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    for (const [name, value] of Object.entries(req.body as Record<string, string | string[]>)) {
      for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
    }
    search(req, res, params);
  });

  app.get('/:type/:id', (req, res) => {
    const type = String(req.params['type']);
    if (!types.has(type)) {
      sendFhir(res, 404, outcome('not-supported', `resource type ${type} is not served here`));
      return;
    }
    const resource = store.read(type, String(req.params['id']));
    if (resource === undefined) {
      sendFhir(res, 404, outcome('not-found', `${type}/${String(req.params['id'])} is not known`));
      return;
    }
    sendFhir(res, 200, resource);
  });

  app.use((req: Request, res: Response) => {
    sendFhir(res, req.method === 'GET' || req.method === 'POST' ? 404 : 405, outcome('not-supported', `${req.method} ${req.path} is not supported by this read-only server`));
  });

  // Malformed bodies and the like: an OperationOutcome, never a stack trace.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    sendFhir(res, status >= 400 && status < 600 ? status : 500, outcome(status < 500 ? 'invalid' : 'exception', status < 500 ? 'the request could not be read' : 'internal error'));
  });

  return app;
}

/** Starts the demo server on loopback (port 0 = any free port) and resolves once it listens. */
export function startDemoFhirServer(options: DemoFhirOptions & { readonly port?: number; readonly host?: string }): Promise<RunningDemoFhir> {
  const app = createDemoFhirApp(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(options.port ?? 0, host);
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
