/**
 * Starts the built server (dist/src/server.js) as a child process with a production config (fresh ES384
 * issuer, inline JWKS, temp SQLite file) and offers signed HTTP helpers. Fails with a clear message when
 * dist/ is missing (CI builds it through `npm ci` → `prepare`).
 */
import { rmSync } from 'node:fs';
import { send, type Answer } from '../../../scripts/lib/http-client';
import { createIssuer, type TestIssuer } from '../../../scripts/lib/jwt-signer';
import { builtServerEntry, freePort, startProcess, writeServiceConfig, type RunningServer } from '../../../scripts/lib/server-process';

/** A started server with its issuer, database path and helpers. */
export interface RealServer {
  readonly proc: RunningServer;
  readonly issuer: TestIssuer;
  readonly database: string;
  readonly dir: string;
  readonly configPath: string;
  readonly baseUrl: string;
  /** POSTs JSON to a path with a freshly signed token (aud = the exact URL) unless a token is given. */
  post(path: string, body: unknown, options?: { token?: string; headers?: Record<string, string>; timeoutMs?: number }): Promise<Answer>;
  get(path: string): Promise<Answer>;
  /** Parsed pino log lines (non-JSON lines are skipped). */
  logLines(): Record<string, unknown>[];
  /** Stops the process (SIGTERM, then SIGKILL after the grace period) and removes the temp directory. */
  dispose(): Promise<void>;
}

/** Options of startRealServer. */
export interface RealServerOptions {
  /** Extra config members (bodyLimit, deadlineMs, fhirDeadlineMs, pageCap, …). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Reuse an issuer, database and directory (restart after a crash). */
  readonly reuse?: { issuer: TestIssuer; database: string; dir: string };
  readonly env?: Readonly<Record<string, string>>;
  /** More CDS clients to trust besides the server's own test issuer (inline JWKS). */
  readonly alsoTrust?: readonly TestIssuer[];
}

/** Starts the real server and waits for its first answered discovery call. */
export async function startRealServer(options: RealServerOptions = {}): Promise<RealServer> {
  const entry = builtServerEntry();
  const issuer = options.reuse?.issuer ?? createIssuer('https://ehr.reliability.example');
  const port = await freePort();
  const { configPath, database, dir } = writeServiceConfig({
    issuer,
    port,
    ...(options.reuse === undefined ? {} : { dir: options.reuse.dir, database: options.reuse.database }),
    extra: {
      ...(options.alsoTrust === undefined
        ? {}
        : { trustedIssuers: [issuer, ...options.alsoTrust].map((i) => ({ iss: i.iss, jwks: i.jwks })) }),
      ...(options.config ?? {}),
    },
  });
  const proc = await startProcess({
    entry,
    port,
    env: { NODE_ENV: 'production', HCC_CDS_CONFIG: configPath, ...(options.env ?? {}) },
    probeHeaders: (url) => ({ authorization: `Bearer ${issuer.sign(url)}` }),
  });
  const baseUrl = proc.baseUrl;
  return {
    proc,
    issuer,
    database,
    dir,
    configPath,
    baseUrl,
    post(path, body, opts = {}) {
      const url = `${baseUrl}${path}`;
      const token = opts.token ?? issuer.sign(url);
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      return send(undefined, { method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(opts.headers ?? {}) }, body: bytes }, opts.timeoutMs ?? 30_000);
    },
    get(path) {
      const url = `${baseUrl}${path}`;
      return send(undefined, { method: 'GET', url, headers: { authorization: `Bearer ${issuer.sign(url)}` } });
    },
    logLines() {
      const out: Record<string, unknown>[] = [];
      for (const line of proc.logs) {
        try {
          const v: unknown = JSON.parse(line);
          if (typeof v === 'object' && v !== null) out.push(v as Record<string, unknown>);
        } catch {
          // not a JSON log line
        }
      }
      return out;
    },
    async dispose() {
      await proc.stop('SIGTERM', 5000);
      if (options.reuse === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Parses a JSON answer body (undefined when it is not JSON). */
export function jsonOf(a: Answer): unknown {
  try {
    return JSON.parse(a.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** True when the body is a FHIR OperationOutcome with at least one issue. */
export function isOperationOutcome(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const o = body as { resourceType?: unknown; issue?: unknown };
  return o.resourceType === 'OperationOutcome' && Array.isArray(o.issue) && o.issue.length > 0;
}
