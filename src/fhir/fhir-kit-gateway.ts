/**
 * FhirGateway over fhir-kit-client 2 (HTTP through Node's global fetch): bearer token on every call, a per-call
 * timeout, base-URL confinement of every URL, and every failure normalised to AppError FHIR_FETCH_FAILED with a
 * message that names neither the URL (it carries the patient id) nor the token.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Bundle, FhirResource } from 'fhir/r4';
import { AppError } from '../shared/errors';
import { isUnderBase, type FhirGateway, type FhirGatewayFactory } from './fhir-gateway';

/** The part of fhir-kit-client's Client this adapter uses. */
export interface FhirKitClient {
  request(url: string, params?: { options?: { signal?: AbortSignal; headers?: Record<string, string> } }): Promise<unknown>;
}

/** The part of the fhir-kit-client module this adapter uses. */
export interface FhirKitModule {
  Client: new (config: { baseUrl: string; bearerToken?: string; customHeaders?: Record<string, string> }) => FhirKitClient;
  RESPONSE_KEY: string;
}

/** Options of {@link createFhirKitGatewayFactory}. */
export interface FhirKitGatewayOptions {
  /** Time limit of one HTTP call (default 5 s); the caller's deadline signal applies too. */
  readonly timeoutMs?: number;
  /** Largest declared Content-Length accepted (default 20 MB). */
  readonly maxBodyBytes?: number;
  /** Loads fhir-kit-client (default: native ESM import of the installed package). */
  readonly loadModule?: () => Promise<FhirKitModule>;
}

let defaultModule: Promise<FhirKitModule> | undefined;

/**
 * Imports the ESM-only fhir-kit-client from CommonJS: its package exports only an `import` condition, so
 * `require` cannot load it and TypeScript would rewrite a plain `import()` into `require()`.
 */
export function loadFhirKitClient(): Promise<FhirKitModule> {
  defaultModule ??= (async () => {
    const dir = (require.resolve.paths('fhir-kit-client') ?? [])
      .map((p) => join(p, 'fhir-kit-client'))
      .find((p) => existsSync(join(p, 'package.json')));
    if (dir === undefined) throw new Error('fhir-kit-client is not installed');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: { '.'?: { import?: string } } };
    const entry = pkg.exports?.['.']?.import ?? './dist/index.js';
    const nativeImport = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<FhirKitModule>;
    return nativeImport(pathToFileURL(join(dir, entry)).href);
  })();
  return defaultModule;
}

/** A gateway factory creating one fhir-kit Client per (base URL, token). */
export function createFhirKitGatewayFactory(options: FhirKitGatewayOptions = {}): FhirGatewayFactory {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBodyBytes = options.maxBodyBytes ?? 20_000_000;
  const load = options.loadModule ?? loadFhirKitClient;
  return (baseUrl, accessToken) => {
    let client: Promise<{ mod: FhirKitModule; client: FhirKitClient }> | undefined;
    const getClient = () =>
      (client ??= load().then((mod) => ({
        mod,
        client: new mod.Client({
          baseUrl,
          ...(accessToken !== undefined ? { bearerToken: accessToken } : {}),
          customHeaders: { accept: 'application/fhir+json' },
        }),
      })));

    const call = async (url: string, signal: AbortSignal): Promise<FhirResource> => {
      let loaded: { mod: FhirKitModule; client: FhirKitClient };
      try {
        loaded = await getClient();
      } catch {
        throw new AppError('FHIR_FETCH_FAILED', 'FHIR client unavailable');
      }
      const combined = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
      let result: unknown;
      try {
        result = await loaded.client.request(url, { options: { signal: combined } });
      } catch (error) {
        throw normalise(error, combined.aborted);
      }
      const response = (result as Record<string, unknown> | null)?.[loaded.mod.RESPONSE_KEY] as Response | undefined;
      const declared = Number(response?.headers.get('content-length') ?? '0');
      if (declared > maxBodyBytes) throw new AppError('FHIR_FETCH_FAILED', 'FHIR response too large');
      if (typeof result !== 'object' || result === null || typeof (result as { resourceType?: unknown }).resourceType !== 'string') {
        throw new AppError('FHIR_FETCH_FAILED', 'FHIR server sent something that is not a FHIR resource');
      }
      return result as FhirResource;
    };

    const gateway: FhirGateway = {
      async search(relativeUrl, signal) {
        if (!isSafeRelative(relativeUrl)) throw new AppError('FHIR_FETCH_FAILED', 'FHIR query is not a relative URL');
        return call(relativeUrl, signal);
      },
      async fetchAbsolute(nextUrl, signal) {
        if (!isUnderBase(nextUrl, baseUrl)) throw new AppError('FHIR_FETCH_FAILED', 'Next link outside the FHIR server');
        const result = await call(nextUrl, signal);
        if (result.resourceType !== 'Bundle') throw new AppError('FHIR_FETCH_FAILED', 'Next page is not a Bundle');
        return result as Bundle;
      },
    };
    return gateway;
  };
}

/** `Type/id` or `Type?query` only: no scheme, no authority, no dot segments, no fragment. */
function isSafeRelative(url: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) || url.startsWith('/') || url.startsWith('\\')) return false;
  if (/[\s#\\]/.test(url)) return false;
  const path = url.split('?', 1)[0] ?? '';
  return /^[A-Z][A-Za-z]+(?:\/[A-Za-z0-9\-.]{1,64})?$/.test(path) && !path.split('/').some((s) => s === '..' || s === '.');
}

/** fhir-kit rejects with Errors carrying `response.status` (and older versions with plain objects). */
function normalise(error: unknown, aborted: boolean): AppError {
  if (aborted) return new AppError('FHIR_FETCH_FAILED', 'FHIR request timed out');
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  if (status === 401 || status === 403) return new AppError('FHIR_FETCH_FAILED', `FHIR server refused access (${status})`);
  if (typeof status === 'number' && status >= 200 && status < 300) {
    return new AppError('FHIR_FETCH_FAILED', 'FHIR server sent a response that is not JSON');
  }
  if (typeof status === 'number') return new AppError('FHIR_FETCH_FAILED', `FHIR server answered ${status}`);
  return new AppError('FHIR_FETCH_FAILED', 'FHIR server unreachable');
}
