/**
 * The configuration contract: a JSON file named by HCC_CDS_CONFIG (or the embedded development defaults),
 * validated with ajv, completed with defaults and frozen. A bad configuration is a BootError listing every
 * problem; the process must refuse to start. Only server.ts decides where the file comes from.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { BootError } from './shared/errors';
import type { Language } from './pipeline/engine';
import type { TrustedIssuer } from './auth/trusted-issuer';
import { SANDBOX_ISSUER } from './auth/sandbox-issuer';
import { compileFhirServerAllowlist } from './fhir/fhir-server-allowlist';
import { compileOriginPattern } from './http/origin-pattern';
import { REPLAY_DEFAULTS, replayPartitionSize } from './auth/replay-store';
import { ANSWER_LIMIT_DEFAULTS } from './pipeline/answer-limits';
import configSchema from './config/config.schema.json';
import { describeConnection, isPostgresUrl, POSTGRES_DEFAULTS, urlHasPassword, type PostgresSettings } from './feedback/postgres/connection';
import { DEVELOPMENT_DEFAULTS, SANDBOX_ISS } from './config/development-defaults';

/** One trusted issuer as written in the configuration file. */
export interface TrustedIssuerConfig {
  readonly iss: string;
  readonly jwks?: { readonly keys: readonly Readonly<Record<string, unknown>>[] };
  readonly jwksUrl?: string;
  readonly jkuAllowlist?: readonly string[];
  readonly audience?: string;
  readonly tenant?: string;
}

/** The configuration file as written (README § Configuration). */
export interface ConfigFile {
  readonly trustedIssuers: readonly TrustedIssuerConfig[];
  readonly allowedFhirServers: readonly string[];
  readonly corsOrigins: readonly string[];
  readonly language: Language;
  readonly database?: string;
  readonly publicBaseUrl?: string;
  readonly bodyLimit?: string;
  readonly deadlineMs?: number;
  readonly fhirDeadlineMs?: number;
  readonly pageCap?: number;
  readonly fhirMaxBodyBytes?: number;
  readonly fhirMaxTotalBytes?: number;
  readonly requireAuthOnDiscovery?: boolean;
  readonly kbParameters?: Readonly<Record<string, unknown>>;
  readonly languagePolicy?: LanguagePolicy;
  readonly siteProfile?: string;
  // issue 11 (security hardening)
  readonly jwtMaxLifetimeSeconds?: number;
  readonly jwtClockSkewSeconds?: number;
  readonly jtiEntriesPerIssuer?: number;
  readonly feedbackReaderIssuers?: readonly string[];
  readonly playground?: boolean;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly maxConnections?: number;
  readonly maxDataIssues?: number;
  readonly maxDraftOrders?: number;
  readonly maxCards?: number;
  readonly maxResponseBytes?: number;
  // issue 12 (scale-out): PostgreSQL connection settings and the /metrics endpoint
  readonly postgres?: PostgresConfigFile;
  readonly metrics?: { readonly enabled?: boolean; readonly bearerTokenEnv?: string };
}

/** Which card language wins: the EHR's Accept-Language when it names one (request-first), or always the configured one. */
export type LanguagePolicy = 'request-first' | 'configured';

/** The `postgres` member as written (README § Configuration). */
export type PostgresConfigFile = Partial<Omit<PostgresSettings, 'url'>>;

/** The validated, defaulted, frozen configuration every component receives. */
export interface Config {
  readonly trustedIssuers: readonly TrustedIssuer[];
  readonly allowedFhirServers: readonly string[];
  readonly corsOrigins: readonly string[];
  readonly language: Language;
  /** Absolute path of the SQLite file, ":memory:", or (PostgreSQL) the connection as safe to log, without password. */
  readonly database: string;
  readonly publicBaseUrl?: string;
  readonly bodyLimit: string;
  /** Budget for a whole hook call (ms). */
  readonly deadlineMs: number;
  /** Budget for FHIR fallback fetching inside a hook call (ms). */
  readonly fhirDeadlineMs: number;
  /** Maximum number of Bundle pages followed per search. */
  readonly pageCap: number;
  /** Largest single FHIR response body read, declared or streamed (bytes). */
  readonly fhirMaxBodyBytes: number;
  /** Bytes all FHIR responses of one hook call may hold together (default: fhirMaxBodyBytes). */
  readonly fhirMaxTotalBytes: number;
  readonly requireAuthOnDiscovery: boolean;
  readonly kbParameters?: Readonly<Record<string, unknown>>;
  readonly languagePolicy: LanguagePolicy;
  /** Absolute path of the site-profile folder merged over fhir-mappings/ (README "Deploying at a hospital"). */
  readonly siteProfile?: string;
  // issue 11 (security hardening)
  /** Largest accepted JWT lifetime exp − iat (s). */
  readonly jwtMaxLifetimeSeconds: number;
  /** Clock skew allowed on exp, nbf, iat (s). */
  readonly jwtClockSkewSeconds: number;
  /** Size of each issuer's jti replay partition (entries). */
  readonly jtiEntriesPerIssuer: number;
  /** Issuers whose feedback summary covers every caller and includes override display text (default none). */
  readonly feedbackReaderIssuers: readonly string[];
  /** Serve the playground page and its helper endpoints (default: true outside production, false in production). */
  readonly playground: boolean;
  /** Time a client has to send the request headers (ms). */
  readonly headersTimeoutMs: number;
  /** Time a client has to send the whole request, headers and body (ms). */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (ms). */
  readonly keepAliveTimeoutMs: number;
  /** Most open client connections; more are refused. */
  readonly maxConnections: number;
  /** Data issues listed per response (the rest counted). */
  readonly maxDataIssues: number;
  /** Draft orders evaluated per call (the rest reported). */
  readonly maxDraftOrders: number;
  /** Cards per response. */
  readonly maxCards: number;
  /** Bytes of one hook response. */
  readonly maxResponseBytes: number;
  // issue 12 (scale-out)
  /** Present when the store is PostgreSQL (`database` a postgres:// URL, or the `postgres` member). */
  readonly postgres?: PostgresSettings;
  /** GET /metrics: served unless disabled; with bearerTokenEnv, only to that bearer token. */
  readonly metrics: { readonly enabled: boolean; readonly bearerTokenEnv?: string };
  /** Where this configuration came from: a file path or "development defaults". */
  readonly origin: string;
}

/** A configuration plus warnings the caller must log loudly (e.g. the sandbox issuer is trusted). */
export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}

/** Defaults for the optional members. */
export const CONFIG_DEFAULTS = {
  bodyLimit: '1mb',
  deadlineMs: 3000,
  fhirDeadlineMs: 2500,
  pageCap: 5,
  fhirMaxBodyBytes: 20_000_000,
  requireAuthOnDiscovery: false,
  languagePolicy: 'request-first',
} as const;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
addFormats(ajv);
const validateFile = ajv.compile<ConfigFile>(configSchema);

function schemaProblems(raw: unknown): string[] {
  if (validateFile(raw)) return [];
  return (validateFile.errors ?? []).map((e) => {
    const params = e.params as Record<string, unknown>;
    const where = e.instancePath === '' ? '(root)' : e.instancePath.slice(1).replace(/\//g, '.');
    if (e.keyword === 'required') return `${where === '(root)' ? '' : `${where}.`}${String(params['missingProperty'])} is required`;
    if (e.keyword === 'additionalProperties') return `${where === '(root)' ? '' : `${where}.`}${String(params['additionalProperty'])} is not a known setting`;
    return `${where} ${e.message ?? 'is invalid'}`;
  });
}

function resolveIssuer(issuer: TrustedIssuerConfig, index: number, problems: string[]): TrustedIssuer {
  const { jwks, ...rest } = issuer;
  if (jwks === undefined && issuer.jwksUrl === undefined) {
    if (issuer.iss === SANDBOX_ISS) return { ...SANDBOX_ISSUER, ...rest } as TrustedIssuer;
    problems.push(`trustedIssuers[${index}] (${issuer.iss}) needs "jwks" (inline JWK Set) or "jwksUrl"`);
  }
  return (jwks === undefined ? { ...rest } : { ...rest, jwks }) as TrustedIssuer;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value as Record<string, unknown>)) deepFreeze(member);
  }
  return value;
}

/** Validates a parsed configuration file and completes it; throws BootError listing every problem. */
export function parseConfig(raw: unknown, options: { readonly production: boolean; readonly origin: string; readonly baseDir?: string }): LoadedConfig {
  const problems = schemaProblems(raw);
  // `database` is optional in the schema only because the `postgres` member may replace it (issue 12).
  if (typeof raw === 'object' && raw !== null && !('database' in raw) && !('postgres' in raw)) problems.push('database is required');
  if (problems.length > 0) throw new BootError(`invalid configuration (${options.origin})`, problems);
  const file = raw as ConfigFile;
  const warnings: string[] = [];
  const seen = new Set<string>();
  const trustedIssuers = file.trustedIssuers.map((issuer, i) => {
    if (seen.has(issuer.iss)) problems.push(`trustedIssuers[${i}]: issuer ${issuer.iss} is listed twice`);
    seen.add(issuer.iss);
    return resolveIssuer(issuer, i, problems);
  });
  file.allowedFhirServers.forEach((pattern, i) => {
    try {
      compileFhirServerAllowlist([pattern]);
    } catch (error) {
      problems.push(`allowedFhirServers[${i}]: ${(error as Error).message}`);
      return;
    }
    // CDS Hooks 2.0 § Request: fhirServer MUST be https when it serves production data; the access token
    // travels with every FHIR call, so plain http is allowed in production only on this machine.
    if (options.production && /^http:\/\//i.test(pattern) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])([:/]|$)/i.test(pattern)) {
      problems.push(`allowedFhirServers[${i}]: plain http is allowed in production only for loopback hosts (CDS Hooks 2.0: fhirServer MUST be https for production data)`);
    }
  });
  file.corsOrigins.forEach((pattern, i) => {
    try {
      compileOriginPattern(pattern);
    } catch (error) {
      problems.push(`corsOrigins[${i}]: ${(error as Error).message}`);
    }
  });
  const security = securityMembers(file, options.production, problems);
  const fhirMaxBodyBytes = file.fhirMaxBodyBytes ?? CONFIG_DEFAULTS.fhirMaxBodyBytes;
  const fhirMaxTotalBytes = file.fhirMaxTotalBytes ?? fhirMaxBodyBytes;
  if (fhirMaxTotalBytes < fhirMaxBodyBytes) {
    problems.push(`fhirMaxTotalBytes (${fhirMaxTotalBytes}) must be at least fhirMaxBodyBytes (${fhirMaxBodyBytes}): one response may use the whole budget`);
  }
  if (problems.length > 0) throw new BootError(`invalid configuration (${options.origin})`, problems);
  if (seen.has(SANDBOX_ISS)) {
    warnings.push(
      `SECURITY: the public CDS Hooks sandbox issuer ${SANDBOX_ISS} is trusted. Its private key is published, so anyone can mint tokens it signs. Never do this with real patient data.`,
    );
  }
  if (options.production && file.corsOrigins.includes('*')) warnings.push('corsOrigins contains "*" in production');
  if (options.production && file.publicBaseUrl === undefined) {
    warnings.push('publicBaseUrl is not set: the JWT audience is checked against the Host header of each request; set it to the URL the EHR calls');
  }
  const store = storeMembers(file, options.baseDir ?? process.cwd(), problems, warnings);
  if (problems.length > 0) throw new BootError(`invalid configuration (${options.origin})`, problems);
  const config: Config = {
    trustedIssuers,
    allowedFhirServers: [...file.allowedFhirServers],
    corsOrigins: [...file.corsOrigins],
    language: file.language,
    database: store.database,
    ...(file.publicBaseUrl === undefined ? {} : { publicBaseUrl: file.publicBaseUrl.replace(/\/+$/, '') }),
    bodyLimit: file.bodyLimit ?? CONFIG_DEFAULTS.bodyLimit,
    deadlineMs: file.deadlineMs ?? CONFIG_DEFAULTS.deadlineMs,
    fhirDeadlineMs: Math.min(file.fhirDeadlineMs ?? CONFIG_DEFAULTS.fhirDeadlineMs, file.deadlineMs ?? CONFIG_DEFAULTS.deadlineMs),
    pageCap: file.pageCap ?? CONFIG_DEFAULTS.pageCap,
    fhirMaxBodyBytes,
    fhirMaxTotalBytes,
    requireAuthOnDiscovery: file.requireAuthOnDiscovery ?? CONFIG_DEFAULTS.requireAuthOnDiscovery,
    ...(file.kbParameters === undefined ? {} : { kbParameters: file.kbParameters }),
    languagePolicy: file.languagePolicy ?? CONFIG_DEFAULTS.languagePolicy,
    ...(file.siteProfile === undefined ? {} : { siteProfile: resolve(options.baseDir ?? process.cwd(), file.siteProfile) }),
    ...security,
    ...(store.postgres === undefined ? {} : { postgres: store.postgres }),
    metrics: { enabled: file.metrics?.enabled ?? true, ...(file.metrics?.bearerTokenEnv === undefined ? {} : { bearerTokenEnv: file.metrics.bearerTokenEnv }) },
    origin: options.origin,
  };
  return { config: deepFreeze(config), warnings };
}

/** Defaults of the connection limits (README § Security). */
export const CONNECTION_DEFAULTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, keepAliveTimeoutMs: 5_000, maxConnections: 256 } as const;

type SecurityMembers =
  | 'jwtMaxLifetimeSeconds'
  | 'jwtClockSkewSeconds'
  | 'jtiEntriesPerIssuer'
  | 'feedbackReaderIssuers'
  | 'playground'
  | 'headersTimeoutMs'
  | 'requestTimeoutMs'
  | 'keepAliveTimeoutMs'
  | 'maxConnections'
  | 'maxDataIssues'
  | 'maxDraftOrders'
  | 'maxCards'
  | 'maxResponseBytes';

/** The issue-11 members, defaulted: JWT lifetime and replay partition, feedback readers, playground, connection and answer limits. */
function securityMembers(file: ConfigFile, production: boolean, problems: string[]): Pick<Config, SecurityMembers> {
  const headersTimeoutMs = file.headersTimeoutMs ?? CONNECTION_DEFAULTS.headersTimeoutMs;
  const requestTimeoutMs = file.requestTimeoutMs ?? Math.max(CONNECTION_DEFAULTS.requestTimeoutMs, headersTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs) problems.push(`headersTimeoutMs (${headersTimeoutMs}) must not exceed requestTimeoutMs (${requestTimeoutMs})`);
  const jwtMaxLifetimeSeconds = file.jwtMaxLifetimeSeconds ?? REPLAY_DEFAULTS.maxLifetimeSeconds;
  const jwtClockSkewSeconds = file.jwtClockSkewSeconds ?? REPLAY_DEFAULTS.skewSeconds;
  return {
    jwtMaxLifetimeSeconds,
    jwtClockSkewSeconds,
    jtiEntriesPerIssuer: file.jtiEntriesPerIssuer ?? replayPartitionSize({ maxLifetimeSeconds: jwtMaxLifetimeSeconds, skewSeconds: jwtClockSkewSeconds }),
    feedbackReaderIssuers: [...(file.feedbackReaderIssuers ?? [])],
    playground: file.playground ?? !production,
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: file.keepAliveTimeoutMs ?? CONNECTION_DEFAULTS.keepAliveTimeoutMs,
    maxConnections: file.maxConnections ?? CONNECTION_DEFAULTS.maxConnections,
    maxDataIssues: file.maxDataIssues ?? ANSWER_LIMIT_DEFAULTS.maxDataIssues,
    maxDraftOrders: file.maxDraftOrders ?? ANSWER_LIMIT_DEFAULTS.maxDraftOrders,
    maxCards: file.maxCards ?? ANSWER_LIMIT_DEFAULTS.maxCards,
    maxResponseBytes: file.maxResponseBytes ?? ANSWER_LIMIT_DEFAULTS.maxResponseBytes,
  };
}

/**
 * The issue-12 store selection: `database` as a SQLite path (default store) or a postgres:// URL, and/or the
 * `postgres` member (connection settings completed with defaults); SQLite with a `postgres` member is a mistake.
 */
function storeMembers(file: ConfigFile, baseDir: string, problems: string[], warnings: string[]): { database: string; postgres?: PostgresSettings } {
  const url = file.database !== undefined && isPostgresUrl(file.database) ? file.database : undefined;
  if (file.postgres === undefined && url === undefined) {
    if (file.database === undefined) return { database: '' }; // reported with the schema problems
    return { database: file.database === ':memory:' ? file.database : resolve(baseDir, file.database) };
  }
  if (file.database !== undefined && url === undefined) {
    problems.push('database names a SQLite file but postgres settings are given: make database a postgres:// URL or remove it');
  }
  const postgres: PostgresSettings = { ...POSTGRES_DEFAULTS, ...(url === undefined ? {} : { url }), ...file.postgres };
  if (url !== undefined) {
    try {
      if (urlHasPassword(postgres)) warnings.push('the database URL carries a password: prefer postgres.passwordEnv (the password then stays out of the file)');
    } catch (error) {
      problems.push(`database: ${error instanceof BootError ? (error.problems[0] ?? error.message) : 'is not a valid URL'}`);
      return { database: '' };
    }
  }
  return { database: describeConnection(postgres), postgres };
}

/**
 * Loads the configuration: the file at `path` when given; otherwise the development defaults, which are refused
 * in production (no trusted issuer would be configured). The sandbox issuer is trusted only by these defaults or
 * when a file lists it explicitly.
 */
export function loadConfig(options: { readonly path?: string; readonly production: boolean; readonly cwd?: string }): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  if (options.path === undefined || options.path === '') {
    if (options.production) {
      throw new BootError('refusing to start in production without a configuration', [
        'set HCC_CDS_CONFIG to a JSON file listing at least one trusted issuer (README § Configuration)',
      ]);
    }
    const loaded = parseConfig(DEVELOPMENT_DEFAULTS, { production: false, origin: 'development defaults', baseDir: cwd });
    return { config: loaded.config, warnings: ['no HCC_CDS_CONFIG given: using the embedded development defaults', ...loaded.warnings] };
  }
  const path = resolve(cwd, options.path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BootError(`cannot read configuration ${path}`, [(error as NodeJS.ErrnoException).code ?? 'unreadable']);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BootError(`configuration ${path} is not valid JSON`, [(error as Error).message]);
  }
  return parseConfig(raw, { production: options.production, origin: path, baseDir: cwd });
}
