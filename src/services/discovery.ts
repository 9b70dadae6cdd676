/**
 * The discovery document (CDS Hooks 2.0 § Discovery), built once at start: service entries from the registry,
 * prefetch templates from the engine (generated from the mappings its knowledge uses). Empty prefetch is omitted
 * (spec § Use of JSON: no empty objects).
 */
import type { CdsServiceDescriptor } from '../cds-hooks/types';
import type { Engine } from '../pipeline/engine';
import type { ServiceRegistry } from './registry';

/** The discovery response body. */
export interface DiscoveryDocument {
  readonly services: readonly CdsServiceDescriptor[];
}

/** Builds the discovery document for the registry's services. */
export function buildDiscovery(registry: ServiceRegistry, engine: Engine): DiscoveryDocument {
  const services = registry.services.map((service): CdsServiceDescriptor => {
    const prefetch = engine.prefetchFor(service.hook);
    return {
      hook: service.hook,
      id: service.id,
      title: service.title,
      description: service.description,
      ...(Object.keys(prefetch).length > 0 ? { prefetch: { ...prefetch } } : {}),
      ...(service.usageRequirements === undefined ? {} : { usageRequirements: service.usageRequirements }),
    };
  });
  return Object.freeze({ services });
}
