/**
 * In-memory resources indexed once: by type for searches, by `Type/id` for reads (the last resource with a
 * given `Type/id` wins, as a later version would on a server).
 */
import type { FhirResource } from 'fhir/r4';

/** Resources indexed for reads and type-level searches. */
export interface ResourceStore {
  /** The resources of a type, in insertion order (empty when none). */
  ofType(type: string): readonly FhirResource[];
  /** The resource `type/id`, or undefined. */
  read(type: string, id: string): FhirResource | undefined;
}

/** Indexes the resources (once; search and read then cost no scan of other types). */
export function createResourceStore(resources: readonly FhirResource[]): ResourceStore {
  const byKey = new Map<string, FhirResource>();
  const anonymous: FhirResource[] = [];
  for (const resource of resources) {
    if (resource.id === undefined) anonymous.push(resource);
    else byKey.set(`${resource.resourceType}/${resource.id}`, resource);
  }
  const byType = new Map<string, FhirResource[]>();
  for (const resource of [...byKey.values(), ...anonymous]) {
    const list = byType.get(resource.resourceType);
    if (list === undefined) byType.set(resource.resourceType, [resource]);
    else list.push(resource);
  }
  return {
    ofType: (type) => byType.get(type) ?? [],
    read: (type, id) => byKey.get(`${type}/${id}`),
  };
}
