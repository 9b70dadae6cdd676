/** A FHIR gateway factory whose gateways count their requests and failures in the metrics (no URL, no token). */
import type { FhirGatewayFactory } from '../fhir/fhir-gateway';
import type { ServiceMetrics } from './metrics';

/** Wraps `factory` so every search/read and next-page fetch is counted, failures separately. */
export function countingGatewayFactory(factory: FhirGatewayFactory, metrics: ServiceMetrics): FhirGatewayFactory {
  return (baseUrl, accessToken) => {
    const gateway = factory(baseUrl, accessToken);
    const counted = async <T>(operation: 'search' | 'page', work: () => Promise<T>): Promise<T> => {
      try {
        const result = await work();
        metrics.fhirRequest(operation, false);
        return result;
      } catch (error) {
        metrics.fhirRequest(operation, true);
        throw error;
      }
    };
    return {
      search: (relativeUrl, signal) => counted('search', () => gateway.search(relativeUrl, signal)),
      fetchAbsolute: (nextUrl, signal) => counted('page', () => gateway.fetchAbsolute(nextUrl, signal)),
    };
  };
}
