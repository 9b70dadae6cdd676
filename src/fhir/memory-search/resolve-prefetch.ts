/**
 * Fills a CDS service's prefetch templates from in-memory resources, as a CDS client does (CDS Hooks 2.0.1
 * § Prefetch Template): tokens resolved by the service's own resolver, a read answered with the resource or
 * null, a search with one searchset Bundle of every match; a template whose tokens cannot be resolved, or that
 * is not a read or type-level search, is left out, as the CDS Hooks sandbox does (cds-hooks.md §5).
 */
import type { FhirResource } from 'fhir/r4';
import type { HookContext } from '../../cds-hooks/types';
import { resolvePrefetchTemplate } from '../prefetch-tokens';
import { answerQuery } from './answer-query';
import { createResourceStore, type ResourceStore } from './resource-store';
import { UnsupportedSearchError } from './unsupported-search-error';

/** The prefetch object for the templates; keys that cannot be filled are omitted. */
export function resolvePrefetch(
  templates: Readonly<Record<string, string>>,
  context: HookContext,
  resources: readonly FhirResource[] | ResourceStore,
  now: Date,
): Record<string, FhirResource | null> {
  const store = Array.isArray(resources) ? createResourceStore(resources) : (resources as ResourceStore);
  const prefetch: Record<string, FhirResource | null> = {};
  for (const [key, template] of Object.entries(templates)) {
    const resolved = resolvePrefetchTemplate(template, context, now);
    if (!resolved.ok) continue;
    try {
      prefetch[key] = answerQuery(store, resolved.query);
    } catch (error) {
      if (!(error instanceof UnsupportedSearchError)) throw error;
    }
  }
  return prefetch;
}
