/**
 * Boots the service in this process through server.ts `start(env)` (the same wiring as production, real
 * config file, engine, SQLite store, JWT verification) on an ephemeral loopback port, for fast fuzzing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { send, type Answer } from '../../../scripts/lib/http-client';
import { createIssuer, type TestIssuer } from '../../../scripts/lib/jwt-signer';
import { writeServiceConfig } from '../../../scripts/lib/server-process';
import { start } from '../../../src/server';

/** A running in-process server. */
export interface InProcessServer {
  readonly baseUrl: string;
  readonly issuer: TestIssuer;
  /** POSTs raw bytes or JSON with a freshly signed token (aud = the exact URL). */
  post(pathname: string, body: Buffer | unknown, headers?: Record<string, string>): Promise<Answer>;
  get(pathname: string): Promise<Answer>;
  stop(): Promise<void>;
}

/** Starts the service with a production config; RS384 keeps token verification cheap for thousands of calls. */
export async function startInProcess(config: Readonly<Record<string, unknown>> = {}): Promise<InProcessServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcc-cds-fuzz-'));
  const issuer = createIssuer('https://ehr.fuzz.example', 'fuzz-key', 'RS384');
  // The public base URL must be known before listening: reserve a port by starting on 0 is not possible
  // with a config written first, so the audience is pinned through publicBaseUrl to the port chosen here.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const { configPath } = writeServiceConfig({ issuer, port, dir, extra: config });
  const running = await start({ NODE_ENV: 'production', HCC_CDS_CONFIG: configPath, PORT: String(port), LOG_LEVEL: 'silent' });
  const baseUrl = `http://127.0.0.1:${running.port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return {
    baseUrl,
    issuer,
    post(pathname, body, headers = {}) {
      const url = `${baseUrl}${pathname}`;
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      return send(agent, { method: 'POST', url, headers: { authorization: `Bearer ${issuer.sign(url)}`, 'content-type': 'application/json', ...headers }, body: bytes });
    },
    get(pathname) {
      const url = `${baseUrl}${pathname}`;
      return send(agent, { method: 'GET', url, headers: { authorization: `Bearer ${issuer.sign(url)}` } });
    },
    async stop() {
      agent.destroy();
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
