/**
 * Starts the real hcc-cds server (dist/src/server.js) or any node entry as a child process on a free
 * loopback port, measures the time to the first answered discovery call, reads its memory from /proc,
 * keeps its log lines, and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { send } from './http-client';
import type { TestIssuer } from './jwt-signer';
import { repoRoot } from './repo-root';

/** Finds a free TCP port on 127.0.0.1 (closed again before returning; a tiny race is accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Memory figures of a process in KiB, from /proc/<pid>/status. */
export interface Memory {
  readonly rssKiB: number;
  readonly hwmKiB: number;
}

/** Reads VmRSS and VmHWM (peak RSS) of a live process; zeros when the process is gone. */
export function readMemory(pid: number): Memory {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? '0');
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch {
    return { rssKiB: 0, hwmKiB: 0 };
  }
}

/** Settings of a service config file (the HCC_CDS_CONFIG contract of issue 2). */
export interface ServiceConfigInput {
  readonly issuer: TestIssuer;
  readonly port: number;
  readonly dir?: string;
  readonly database?: string;
  readonly allowedFhirServers?: readonly string[];
  /** Extra top-level members (bodyLimit, deadlineMs, …). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Writes a production config (inline JWKS of the issuer, temp SQLite path) and returns its path and database. */
export function writeServiceConfig(input: ServiceConfigInput): { configPath: string; database: string; dir: string } {
  const dir = input.dir ?? mkdtempSync(path.join(os.tmpdir(), 'hcc-cds-rel-'));
  const database = input.database ?? path.join(dir, 'feedback.sqlite');
  const config = {
    trustedIssuers: [{ iss: input.issuer.iss, jwks: input.issuer.jwks }],
    allowedFhirServers: input.allowedFhirServers ?? ['http://127.0.0.1:*'],
    corsOrigins: ['https://sandbox.cds-hooks.org'],
    language: 'en',
    database,
    publicBaseUrl: `http://127.0.0.1:${input.port}`,
    ...(input.extra ?? {}),
  };
  const configPath = path.join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { configPath, database, dir };
}

/** A running child process. */
export interface RunningServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** Milliseconds from spawn to the first 200 on GET /cds-services. */
  readonly readyMs: number;
  /** stdout + stderr lines seen so far. */
  readonly logs: string[];
  memory(): Memory;
  /** Sends the signal and waits for the exit (SIGKILL after the grace period). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of startProcess. */
export interface StartOptions {
  /** Path of the JS entry, relative to the repository root. */
  readonly entry: string;
  readonly port: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  /** Headers for each readiness probe (e.g. a freshly signed JWT with aud = the discovery URL). */
  readonly probeHeaders?: (url: string) => Record<string, string>;
  readonly readyTimeoutMs?: number;
}

/** The path of the built server, or a clear error when dist/ is missing. */
export function builtServerEntry(): string {
  const entry = path.join(repoRoot(), 'dist', 'src', 'server.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run "npm run build" (npm ci runs it through "prepare") before this suite`);
  }
  return 'dist/src/server.js';
}

/** Spawns node with the entry and waits until GET /cds-services answers 200. */
export async function startProcess(options: StartOptions): Promise<RunningServer> {
  const root = repoRoot();
  const logs: string[] = [];
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(root, options.entry)], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(line);
    if (logs.length > 20_000) logs.splice(0, logs.length - 20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const discovery = `${baseUrl}/cds-services`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  let readyMs = -1;
  while (Date.now() < deadline && !dead) {
    try {
      const a = await send(undefined, { method: 'GET', url: discovery, headers: options.probeHeaders?.(discovery) ?? {} }, 2000);
      if (a.status === 200) {
        readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (readyMs < 0) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${options.entry} did not answer GET /cds-services with 200 in time; last log lines:\n${logs.slice(-20).join('\n')}`);
  }
  const pid = child.pid ?? -1;
  return {
    child,
    pid,
    port: options.port,
    baseUrl,
    readyMs,
    logs,
    exited,
    memory: () => readMemory(pid),
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (!dead) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const r = await exited;
        clearTimeout(timer);
        return r;
      }
      return exited;
    },
  };
}
