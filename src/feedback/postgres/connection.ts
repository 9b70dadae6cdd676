/**
 * PostgreSQL connection settings (README § Configuration, `database` as a postgres:// URL and/or the `postgres`
 * member) turned into a node-postgres pool. The password comes from the environment variable the configuration
 * names, never from the file's logged form: {@link describeConnection} is what logs show.
 */
import { Pool, type PoolConfig } from 'pg';
import { BootError } from '../../shared/errors';

/** The `postgres` member of the configuration, completed with defaults. */
export interface PostgresSettings {
  /** The `database` URL when one was given (may carry a password if the operator put one there). */
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  /** Name of the environment variable holding the password. */
  readonly passwordEnv?: string;
  /** TLS to the server: off, or on with certificate verification against the system CAs. */
  readonly ssl: boolean;
  /** Most connections this process holds. */
  readonly poolSize: number;
  /** Longest wait for a new connection (ms). */
  readonly connectTimeoutMs: number;
  /** Server-side statement_timeout and client-side query timeout of every query (ms). */
  readonly statementTimeoutMs: number;
  /** Budget of the replay check per hook call before it falls back to the local store (ms). */
  readonly replayTimeoutMs: number;
  /** Most card-log entries held in memory while the database is unreachable (then counted as dropped). */
  readonly cardLogBufferMax: number;
}

/** Defaults of the optional `postgres` members. */
export const POSTGRES_DEFAULTS = {
  ssl: false,
  poolSize: 10,
  connectTimeoutMs: 2000,
  statementTimeoutMs: 5000,
  replayTimeoutMs: 250,
  cardLogBufferMax: 10_000,
} as const;

/** True for a `database` value that selects PostgreSQL. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

interface Endpoint {
  readonly host?: string;
  readonly port?: number;
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly ssl?: boolean;
}

/** The members of a postgres:// URL (percent-decoded); `sslmode=require|verify-ca|verify-full` turns TLS on. */
function parseUrl(url: string | undefined): Endpoint {
  if (url === undefined) return {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BootError('invalid PostgreSQL URL', ['database is not a valid postgres:// URL']);
  }
  const sslmode = parsed.searchParams.get('sslmode');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    ...(parsed.hostname === '' ? {} : { host: decodeURIComponent(parsed.hostname) }),
    ...(parsed.port === '' ? {} : { port: Number(parsed.port) }),
    ...(database === '' ? {} : { database }),
    ...(parsed.username === '' ? {} : { user: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(sslmode === null ? {} : { ssl: ['require', 'verify-ca', 'verify-full'].includes(sslmode) }),
  };
}

/** URL members overridden by the explicit `postgres` members. */
function endpoint(settings: PostgresSettings): Endpoint {
  const fromUrl = parseUrl(settings.url);
  return {
    ...fromUrl,
    ...(settings.host === undefined ? {} : { host: settings.host }),
    ...(settings.port === undefined ? {} : { port: settings.port }),
    ...(settings.database === undefined ? {} : { database: settings.database }),
    ...(settings.user === undefined ? {} : { user: settings.user }),
    ssl: settings.ssl || fromUrl.ssl === true,
  };
}

/** True when the configured URL itself carries a password (the operator should use passwordEnv instead). */
export function urlHasPassword(settings: PostgresSettings): boolean {
  return parseUrl(settings.url).password !== undefined;
}

/** The connection as safe to log: postgres://user@host:port/database, never a password. */
export function describeConnection(settings: PostgresSettings): string {
  const e = endpoint(settings);
  return `postgres://${e.user === undefined ? '' : `${e.user}@`}${e.host ?? 'localhost'}:${e.port ?? 5432}/${e.database ?? ''}`;
}

/** The pool configuration; throws BootError when the named password variable is not set. */
export function poolConfig(settings: PostgresSettings, env: NodeJS.ProcessEnv, sessionOptions?: string): PoolConfig {
  const e = endpoint(settings);
  let password = e.password;
  if (settings.passwordEnv !== undefined) {
    password = env[settings.passwordEnv];
    if (password === undefined || password === '') {
      throw new BootError('PostgreSQL password missing', [`the environment variable ${settings.passwordEnv} (postgres.passwordEnv) is not set`]);
    }
  }
  return {
    host: e.host ?? 'localhost',
    port: e.port ?? 5432,
    ...(e.database === undefined ? {} : { database: e.database }),
    ...(e.user === undefined ? {} : { user: e.user }),
    ...(password === undefined ? {} : { password }),
    ...(e.ssl === true ? { ssl: { rejectUnauthorized: true } } : {}),
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 1000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'hcc-cds',
    ...(sessionOptions === undefined ? {} : { options: sessionOptions }),
  };
}

/**
 * Opens a pool; `sessionOptions` are server settings for its sessions (libpq `options`, e.g. `-c synchronous_commit=off`).
 * Errors of idle connections (the server restarted or went away) are passed to `onError` instead of crashing the
 * process; the pool replaces those connections on the next query.
 */
export function openPool(settings: PostgresSettings, env: NodeJS.ProcessEnv, onError: (error: Error) => void, sessionOptions?: string): Pool {
  const pool = new Pool(poolConfig(settings, env, sessionOptions));
  pool.on('error', onError);
  return pool;
}
