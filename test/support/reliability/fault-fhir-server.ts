/**
 * A real loopback FHIR R4 server (node:http) that misbehaves on purpose, for the fallback path of the
 * prefetch (issue 5, "FHIR-server faults"). The fault is chosen by the base URL: `${url}/<fault>` is the
 * fhirServer to hand to the service, e.g. `http://127.0.0.1:PORT/slow`.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FhirResource } from 'fhir/r4';
import { answerQuery, createResourceStore, type ResourceStore } from '../../../src/fhir/memory-search';

/** The ways the server can misbehave ('ok' answers correctly). */
export type Fault =
  | 'ok'
  | 'slow'
  | 'status-500'
  | 'status-401'
  | 'status-403'
  | 'garbage-json'
  | 'operation-outcome'
  | 'next-loop'
  | 'huge-body'
  | 'huge-body-declared'
  | 'hang-up';

/** One request the server received. */
export interface SeenRequest {
  readonly fault: string;
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
}

/** A running fault server. */
export interface FaultServer {
  readonly url: string;
  /** Every request received, in order. */
  readonly seen: SeenRequest[];
  /** Bytes written by the huge-body fault before the client went away (or it finished). */
  readonly hugeBytesWritten: () => number;
  /** Currently open TCP connections (idle keep-alive sockets included). */
  openConnections(): number;
  /** Requests whose answer is neither finished nor aborted (a hung request on our side keeps this above 0). */
  activeRequests(): number;
  /** Resolves when no connection is open (or rejects after the timeout). */
  waitForNoConnections(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of startFaultServer. */
export interface FaultServerOptions {
  /** The resources the 'ok' fault (and the page of 'next-loop') serves. */
  readonly resources: readonly FhirResource[];
  /** How long 'slow' waits before answering (ms). */
  readonly slowMs?: number;
  /** Size of the 'huge-body' answer in bytes (default 100 MB). */
  readonly hugeBytes?: number;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const outcome = (code: string, text: string): string =>
  JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] });

/** Answers a relative FHIR URL leniently with every match on one page; null for a missing read or an unanswerable URL. */
function runQuery(store: ResourceStore, query: string): ReturnType<typeof answerQuery> {
  try {
    return answerQuery(store, query);
  } catch {
    return null;
  }
}

/** Starts the server on an ephemeral loopback port. */
export async function startFaultServer(options: FaultServerOptions): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let hugeWritten = 0;
  let active = 0;
  const slowMs = options.slowMs ?? 10_000;
  const hugeBytes = options.hugeBytes ?? 100 * 1024 * 1024;
  const store = createResourceStore(options.resources);

  const server = http.createServer((req, res) => {
    active++;
    res.on('close', () => {
      active--;
    });
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [fault = 'ok', ...rest] = url.pathname.split('/').filter((p) => p !== '');
    const query = `${rest.join('/')}${url.search}`;
    seen.push({ fault, method: req.method ?? '', path: `/${rest.join('/')}${url.search}`, ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }) });
    const self = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${fault}`;
    const reply = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': FHIR_JSON, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    switch (fault as Fault) {
      case 'ok': {
        const result = runQuery(store, query);
        if (result === null) reply(404, outcome('not-found', 'not found'));
        else reply(200, JSON.stringify(result));
        return;
      }
      case 'slow': {
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) reply(200, JSON.stringify(runQuery(store, query)));
        }, slowMs);
        timers.add(t);
        res.on('close', () => {
          clearTimeout(t);
          timers.delete(t);
        });
        return;
      }
      case 'status-500':
        reply(500, outcome('exception', 'internal error'));
        return;
      case 'status-401':
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        reply(401, outcome('login', 'token rejected'));
        return;
      case 'status-403':
        reply(403, outcome('forbidden', 'scope insufficient'));
        return;
      case 'garbage-json':
        reply(200, '{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Observ\u0000ation",,,}]');
        return;
      case 'operation-outcome':
        reply(200, outcome('processing', 'search failed on the server side'));
        return;
      case 'next-loop': {
        const result = runQuery(store, query);
        const bundle = result !== null && result.resourceType === 'Bundle' ? result : { resourceType: 'Bundle', type: 'searchset', entry: [] };
        // The `next` link points at the very page that was just served: a client that follows it blindly never stops.
        reply(200, JSON.stringify({ ...bundle, link: [{ relation: 'self', url: `${self}/${query}` }, { relation: 'next', url: `${self}/${query}` }] }));
        return;
      }
      case 'huge-body':
      case 'huge-body-declared': {
        const entry = Buffer.from(`${JSON.stringify({ resource: { resourceType: 'Observation', id: 'x', status: 'final', code: { text: 'x'.repeat(900) } } })},`);
        const head = Buffer.from('{"resourceType":"Bundle","type":"searchset","entry":[');
        const tail = Buffer.from('{}]}');
        // Chunked (no Content-Length) for 'huge-body'; the exact length declared up front for 'huge-body-declared'.
        const entries = Math.ceil((hugeBytes - head.length) / entry.length);
        const length = head.length + entries * entry.length + tail.length;
        res.writeHead(200, fault === 'huge-body' ? { 'content-type': FHIR_JSON } : { 'content-type': FHIR_JSON, 'content-length': length });
        res.write(head);
        hugeWritten += head.length;
        let sent = 0;
        const pump = (): void => {
          while (sent < entries && !res.destroyed) {
            sent++;
            hugeWritten += entry.length;
            if (!res.write(entry)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end(tail);
        };
        pump();
        return;
      }
      case 'hang-up':
        req.socket.destroy();
        return;
      default:
        reply(404, outcome('not-found', `unknown fault ${fault}`));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    hugeBytesWritten: () => hugeWritten,
    openConnections: () => sockets.size,
    activeRequests: () => active,
    async waitForNoConnections(timeoutMs) {
      const until = Date.now() + timeoutMs;
      while (sockets.size > 0) {
        if (Date.now() > until) throw new Error(`${sockets.size} connection(s) to the FHIR server still open after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
