/**
 * Answers a service's prefetch templates from a generated record, the way an EHR would (CDS Hooks 2.0
 * §"Prefetch Template"): a thin adapter over the service's token resolver and the in-memory FHIR search
 * (src/fhir/memory-search), so the benchmark sends exactly what a conformant client would.
 */
import type { FhirResource } from 'fhir/r4';
import { resolvePrefetch } from '../../src/fhir/memory-search';

/** The values of the prefetch tokens. */
export interface PrefetchTokens {
  readonly patientId: string;
  readonly userId: string;
  readonly encounterId?: string;
}

/** Fills every template of a discovery entry from the record; templates with unresolvable tokens are left out. */
export function fillPrefetch(
  templates: Readonly<Record<string, string>>,
  resources: readonly FhirResource[],
  tokens: PrefetchTokens,
  now: Date = new Date(),
): Record<string, FhirResource | null> {
  return resolvePrefetch(templates, { ...tokens }, resources, now);
}

/** Counts the resources a filled prefetch carries (Bundle entries and single resources). */
export function countPrefetched(prefetch: Readonly<Record<string, FhirResource | null>>): number {
  let n = 0;
  for (const v of Object.values(prefetch)) {
    if (v === null) continue;
    n += v.resourceType === 'Bundle' ? v.entry?.length ?? 0 : 1;
  }
  return n;
}
