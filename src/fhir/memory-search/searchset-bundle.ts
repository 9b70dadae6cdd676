/**
 * The searchset Bundle of a search (FHIR R4 Bundle.type searchset, entry.search.mode match) with `_count` /
 * `_offset` paging: `self` and `next` links and full URLs when a base URL is known, the exact total always.
 * FHIR JSON forbids empty arrays, so an empty page has no `entry`.
 * @see https://hl7.org/fhir/R4/http.html#paging
 */
import type { Bundle, BundleLink } from 'fhir/r4';
import type { SearchResult } from './search-resources';

/** How results are paged and linked. */
export interface PagingOptions {
  /** Base URL for entry full URLs and `self`/`next` links; without it there are neither. */
  readonly baseUrl?: string;
  /** Page size when the query has no `_count` (default: every match on one page). */
  readonly defaultCount?: number;
  /** Largest page size honoured (default: unlimited). */
  readonly maxCount?: number;
}

function nonNegativeInteger(text: string | null): number | undefined {
  return text !== null && /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** Builds the page of `result` that the query's `_count` and `_offset` select. */
export function searchsetBundle(type: string, params: URLSearchParams, result: SearchResult, options: PagingOptions = {}): Bundle {
  const total = result.matches.length;
  const asked = nonNegativeInteger(params.get('_count')) ?? options.defaultCount;
  const count = asked === undefined ? undefined : Math.min(asked, options.maxCount ?? asked);
  const offset = nonNegativeInteger(params.get('_offset')) ?? 0;
  const page = result.matches.slice(offset, count === undefined ? undefined : offset + count);
  const base = options.baseUrl?.replace(/\/+$/, '');
  const links: BundleLink[] = [];
  if (base !== undefined) {
    const link = (at: number): string => {
      const q = new URLSearchParams(params);
      for (const name of result.ignored) q.delete(name);
      q.delete('_offset');
      if (count !== undefined) q.set('_count', String(count));
      if (at > 0) q.set('_offset', String(at));
      const query = q.toString();
      return `${base}/${type}${query === '' ? '' : `?${query}`}`;
    };
    links.push({ relation: 'self', url: link(offset) });
    if (count !== undefined && count > 0 && offset + count < total) links.push({ relation: 'next', url: link(offset + count) });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    ...(links.length > 0 ? { link: links } : {}),
    ...(page.length > 0
      ? {
          entry: page.map((resource) => ({
            ...(base !== undefined ? { fullUrl: `${base}/${resource.resourceType}/${resource.id ?? ''}` } : {}),
            resource,
            search: { mode: 'match' as const },
          })),
        }
      : {}),
  };
}
