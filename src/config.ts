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
import configSchema from './config/config.schema.json';
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
  readonly database: string;
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
}

/** Which card language wins: the EHR's Accept-Language when it names one (request-first), or always the configured one. */
export type LanguagePolicy = 'request-first' | 'configured';

/** The validated, defaulted, frozen configuration every component receives. */
export interface Config {
  readonly trustedIssuers: readonly TrustedIssuer[];
  readonly allowedFhirServers: readonly string[];
  readonly corsOrigins: readonly string[];
  readonly language: Language;
  /** Absolute path of the SQLite file, or ":memory:". */
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
  const database = file.database === ':memory:' ? file.database : resolve(options.baseDir ?? process.cwd(), file.database);
  const config: Config = {
    trustedIssuers,
    allowedFhirServers: [...file.allowedFhirServers],
    corsOrigins: [...file.corsOrigins],
    language: file.language,
    database,
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
    origin: options.origin,
  };
  return { config: deepFreeze(config), warnings };
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
