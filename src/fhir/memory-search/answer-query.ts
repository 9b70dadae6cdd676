/**
 * Answers a relative FHIR URL against in-memory resources, as a FHIR server would (FHIR R4 RESTful API:
 * `Type/id` read, `Type?params` type-level search; cds-hooks.md §2.2 D-8 allows exactly these two in prefetch).
 * @see https://hl7.org/fhir/R4/http.html
 */
import type { Bundle, FhirResource } from 'fhir/r4';
import type { ResourceStore } from './resource-store';
import { searchResources, type SearchOptions } from './search-resources';
import { searchsetBundle, type PagingOptions } from './searchset-bundle';
import { UnsupportedSearchError } from './unsupported-search-error';

/** Search handling plus paging. */
export type AnswerOptions = SearchOptions & PagingOptions;

/** A parsed relative FHIR URL: a read or a type-level search. */
export type RelativeQuery =
  | { readonly kind: 'read'; readonly type: string; readonly id: string }
  | { readonly kind: 'search'; readonly type: string; readonly params: URLSearchParams };

const TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Parses `Type/id` or `Type?params` (a leading slash tolerated); throws UnsupportedSearchError otherwise. */
export function parseRelativeQuery(url: string): RelativeQuery {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(/^\/+/, '');
  const [type = '', id, extra] = path.split('/');
  if (!TYPE.test(type) || extra !== undefined) throw new UnsupportedSearchError('Unsupported FHIR URL: only Type/id reads and Type?params searches');
  if (id !== undefined) {
    if (q >= 0 || !ID.test(id)) throw new UnsupportedSearchError('Unsupported FHIR URL: a read takes a FHIR id and no parameters');
    return { kind: 'read', type, id };
  }
  return { kind: 'search', type, params: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

/** The resource of a read (null when absent) or the searchset Bundle of a search. */
export function answerQuery(store: ResourceStore, url: string, options: AnswerOptions = {}): FhirResource | Bundle | null {
  const query = parseRelativeQuery(url);
  if (query.kind === 'read') return store.read(query.type, query.id) ?? null;
  return searchsetBundle(query.type, query.params, searchResources(store.ofType(query.type), query.type, query.params, options), options);
}
