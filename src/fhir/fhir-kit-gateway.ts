/**
 * FhirGateway over fhir-kit-client 1.9 (CommonJS; HTTP through Node's global fetch): bearer token on every call, a
 * per-call timeout, a response body cap enforced while the body streams (bounded-fetch), base-URL confinement of
 * every URL, and every failure normalised to AppError FHIR_FETCH_FAILED with a message that names neither the URL
 * (it carries the patient id) nor the token.
 */
import Client from 'fhir-kit-client';
import type { Bundle, FhirResource } from 'fhir/r4';
import { AppError } from '../shared/errors';
import { BodyTooLargeError, withBoundedFetch } from './bounded-fetch';
import { isUnderBase, type FhirGateway, type FhirGatewayFactory } from './fhir-gateway';

/** Options of {@link createFhirKitGatewayFactory}. */
export interface FhirKitGatewayOptions {
  /** Time limit of one HTTP call (default 5 s); the caller's deadline signal applies too. */
  readonly timeoutMs?: number;
  /** Largest response body accepted, declared or streamed, in bytes (default 20 MB); reading stops past it. */
  readonly maxBodyBytes?: number;
  /**
   * Bytes all calls of one gateway may read together (default: maxBodyBytes). A gateway serves one hook call, so
   * this bounds what its parallel fetches and pages hold in memory at once.
   */
  readonly maxTotalBytes?: number;
}

/** A gateway factory creating one fhir-kit Client and one byte budget per (base URL, token), i.e. per hook call. */
export function createFhirKitGatewayFactory(options: FhirKitGatewayOptions = {}): FhirGatewayFactory {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBodyBytes = options.maxBodyBytes ?? 20_000_000;
  const maxTotalBytes = options.maxTotalBytes ?? maxBodyBytes;
  return (baseUrl, accessToken) => {
    const budget = { remaining: maxTotalBytes };
    const client = new Client({
      baseUrl,
      customHeaders: {
        accept: 'application/fhir+json',
        ...(accessToken !== undefined ? { authorization: `Bearer ${accessToken}` } : {}),
      },
      // A redirect would leave the confinement checked below (and could carry the bearer elsewhere).
      requestOptions: { redirect: 'error' },
    });

    const call = async (url: string, signal: AbortSignal): Promise<FhirResource> => {
      const combined = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
      let result: object;
      try {
        // fhir-kit spreads `options` into the Request it hands to fetch, so the signal aborts the headers wait; the
        // bound cancels the body (and with it the connection) past the cap or on abort.
        result = await withBoundedFetch({ maxBodyBytes, budget, signal: combined }, () => client.request(url, { options: { signal: combined } }));
      } catch (error) {
        throw normalise(error, combined.aborted);
      }
      if (typeof (result as { resourceType?: unknown }).resourceType !== 'string') {
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

/**
 * fhir-kit 1.x rejects a non-2xx answer, or a body that is not JSON, with a plain object
 * `{ response: { status, data }, config }`; anything else (network failure, refused redirect, a JSON primitive
 * body on which fhir-kit's own bookkeeping throws) carries no status. A body over the cap wins over the abort it causes.
 */
function normalise(error: unknown, aborted: boolean): AppError {
  if (error instanceof BodyTooLargeError) {
    return new AppError('FHIR_FETCH_FAILED', error.limit === 'response' ? 'FHIR response too large' : 'FHIR responses of this call too large together');
  }
  if (aborted) return new AppError('FHIR_FETCH_FAILED', 'FHIR request timed out');
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  if (status === 401 || status === 403) return new AppError('FHIR_FETCH_FAILED', `FHIR server refused access (${status})`);
  if (typeof status === 'number' && status >= 200 && status < 300) {
    return new AppError('FHIR_FETCH_FAILED', 'FHIR server sent a response that is not JSON');
  }
  if (typeof status === 'number') return new AppError('FHIR_FETCH_FAILED', `FHIR server answered ${status}`);
  return new AppError('FHIR_FETCH_FAILED', 'FHIR request failed (network, redirect or unusable body)');
}
