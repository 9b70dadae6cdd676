/**
 * The port through which the service reads a FHIR server: relative searches/reads and absolute `next` pages.
 * Implementations: fhir-kit-gateway (HTTP) and in-memory-gateway (tests, demo).
 */
import type { Bundle, FhirResource } from 'fhir/r4';

/** Read access to one FHIR server on behalf of one request; every failure rejects with AppError FHIR_FETCH_FAILED. */
export interface FhirGateway {
  /** Runs a relative search (`Type?params`) or read (`Type/id`). */
  search(relativeUrl: string, signal: AbortSignal): Promise<Bundle | FhirResource>;
  /** Fetches a `next` page link (absolute URL under the gateway's base URL). */
  fetchAbsolute(nextUrl: string, signal: AbortSignal): Promise<Bundle>;
}

/** Builds a gateway for a base URL and an optional bearer access token (absent for open test servers). */
export type FhirGatewayFactory = (baseUrl: string, accessToken: string | undefined) => FhirGateway;

/** True when `url` is the base URL itself or lies under it (same scheme, host, port and path prefix). */
export function isUnderBase(url: string, baseUrl: string): boolean {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(baseUrl);
  } catch {
    return false;
  }
  if (target.username !== '' || target.password !== '') return false;
  if (target.origin !== base.origin) return false;
  const basePath = base.pathname.replace(/\/+$/, '');
  return target.pathname === basePath || target.pathname.startsWith(`${basePath}/`);
}
