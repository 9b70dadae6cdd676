/**
 * A type-level FHIR R4 search over in-memory resources: every parameter AND-ed (repeats too), comma values
 * OR-ed, `_sort` on the clinical date; strict mode refuses what it cannot answer, lenient mode ignores it and
 * reports it (FHIR R4 search § handling). Paging parameters are left to the searchset Bundle.
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { FhirResource } from 'fhir/r4';
import { firstStringAt } from './element-values';
import { clinicalDatePaths, compileParameter, searchParameters, type ResourcePredicate } from './search-parameters';
import { UnsupportedSearchError } from './unsupported-search-error';

/** Options of {@link searchResources}. */
export interface SearchOptions {
  /** Throw UnsupportedSearchError for an unsupported parameter instead of ignoring it (default false). */
  readonly strict?: boolean;
}

/** All matches of a search, in result order, and the parameters ignored (lenient mode only). */
export interface SearchResult {
  readonly matches: readonly FhirResource[];
  readonly ignored: readonly string[];
}

/** Parameters consumed by the searchset Bundle (paging) or with nothing to do (`_total`: the total is always exact). */
export const RESULT_PARAMETERS: ReadonlySet<string> = new Set(['_count', '_offset', '_format', '_total']);

/** Runs a search of `type` over the resources of that type. */
export function searchResources(
  resourcesOfType: readonly FhirResource[],
  type: string,
  params: URLSearchParams,
  options: SearchOptions = {},
): SearchResult {
  const predicates: ResourcePredicate[] = [];
  const ignored: string[] = [];
  let sort: string | undefined;
  for (const [name, value] of params) {
    if (RESULT_PARAMETERS.has(name)) continue;
    if (name === '_sort') {
      sort = value;
      continue;
    }
    const predicate = compileParameter(type, name, value);
    if (predicate !== undefined) predicates.push(predicate);
    else if (!ignored.includes(name)) ignored.push(name);
  }
  let sortDescending: boolean | undefined;
  if (sort !== undefined) {
    const key = sort.replace(/^-/, '');
    if (key === 'date' || key === '_lastUpdated' || dateParameter(type, key)) sortDescending = sort.startsWith('-');
    else if (!ignored.includes('_sort')) ignored.push('_sort');
  }
  if (options.strict === true && ignored.length > 0) {
    throw new UnsupportedSearchError(`Unsupported search parameter(s): ${ignored.join(', ')}`, ignored);
  }
  const matches = predicates.length === 0 ? [...resourcesOfType] : resourcesOfType.filter((r) => predicates.every((p) => p(r)));
  if (sortDescending !== undefined) sortByClinicalDate(matches, type, sortDescending);
  return { matches, ignored };
}

function dateParameter(type: string, name: string): boolean {
  return searchParameters(type).get(name)?.type === 'date';
}

function sortByClinicalDate(list: FhirResource[], type: string, descending: boolean): void {
  const paths = clinicalDatePaths(type);
  const keyed = list.map((resource, i) => ({ resource, i, key: firstStringAt(resource, paths) ?? '' }));
  keyed.sort((a, b) => (a.key === b.key ? a.i - b.i : (a.key < b.key ? -1 : 1) * (descending ? -1 : 1)));
  keyed.forEach((k, i) => {
    list[i] = k.resource;
  });
}
