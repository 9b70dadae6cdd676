/**
 * A FhirGateway over an array of resources, for tests and the demo: `Type/id` reads and `Type?params`
 * searches answered by the in-memory search engine in strict mode (an unsupported parameter fails loudly
 * instead of being ignored), paged with `_count` (default 50) and absolute `next` links.
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { Bundle, FhirResource } from 'fhir/r4';
import { AppError } from '../shared/errors';
import type { FhirGateway, FhirGatewayFactory } from './fhir-gateway';
import { answerQuery, createResourceStore, UnsupportedSearchError, type ResourceStore } from './memory-search';

/** Options of the in-memory gateway. */
export interface InMemoryGatewayOptions {
  /** Base URL used in `next` links (default `http://in-memory.test/fhir`). */
  readonly baseUrl?: string;
  /** Artificial latency per call, honouring the abort signal (tests of deadlines). */
  readonly delayMs?: number;
}

/** One call the gateway answered (tests assert on these). */
export interface RecordedCall {
  readonly url: string;
  readonly accessToken: string | undefined;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

/** A gateway factory over fixed resources, recording every call. */
export function createInMemoryGatewayFactory(
  resources: readonly FhirResource[],
  options: InMemoryGatewayOptions = {},
): FhirGatewayFactory & { readonly calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const store = createResourceStore(resources);
  const factory = (baseUrl: string, accessToken: string | undefined): FhirGateway =>
    gatewayOver(store, { ...options, baseUrl: options.baseUrl ?? baseUrl }, (url) => calls.push({ url, accessToken }));
  return Object.assign(factory, { calls });
}

/** A single in-memory gateway. */
export function createInMemoryGateway(
  resources: readonly FhirResource[],
  options: InMemoryGatewayOptions = {},
  onCall: (url: string) => void = () => undefined,
): FhirGateway {
  return gatewayOver(createResourceStore(resources), options, onCall);
}

function gatewayOver(store: ResourceStore, options: InMemoryGatewayOptions, onCall: (url: string) => void): FhirGateway {
  const base = (options.baseUrl ?? 'http://in-memory.test/fhir').replace(/\/$/, '');
  const answer = async (relativeUrl: string, signal: AbortSignal): Promise<Bundle | FhirResource> => {
    onCall(relativeUrl);
    await delay(options.delayMs ?? 0, signal);
    let result: Bundle | FhirResource | null;
    try {
      result = answerQuery(store, relativeUrl, { strict: true, baseUrl: base, defaultCount: DEFAULT_PAGE, maxCount: MAX_PAGE });
    } catch (error) {
      if (error instanceof UnsupportedSearchError) throw new AppError('FHIR_FETCH_FAILED', error.message);
      throw error;
    }
    if (result === null) throw new AppError('FHIR_FETCH_FAILED', 'FHIR read returned 404');
    return result;
  };
  return {
    search: answer,
    async fetchAbsolute(nextUrl, signal) {
      if (!nextUrl.startsWith(`${base}/`)) throw new AppError('FHIR_FETCH_FAILED', 'Next link outside the FHIR server');
      const result = await answer(nextUrl.slice(base.length + 1), signal);
      if (result.resourceType !== 'Bundle') throw new AppError('FHIR_FETCH_FAILED', 'Next page is not a Bundle');
      return result as Bundle;
    },
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AppError('FHIR_FETCH_FAILED', 'FHIR request aborted'));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('FHIR_FETCH_FAILED', 'FHIR request aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
