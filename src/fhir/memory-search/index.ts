/**
 * FHIR R4 search over in-memory resources, the one engine behind the in-memory gateway, the demo FHIR server
 * and every prefetch filler (scripts, playground).
 */
export { answerQuery, parseRelativeQuery, type AnswerOptions, type RelativeQuery } from './answer-query';
export { createResourceStore, type ResourceStore } from './resource-store';
export { resolvePrefetch } from './resolve-prefetch';
export { searchParameters, type SearchParameterDefinition, type SearchParameterType } from './search-parameters';
export { searchResources, type SearchOptions, type SearchResult } from './search-resources';
export { searchsetBundle, type PagingOptions } from './searchset-bundle';
export { UnsupportedSearchError } from './unsupported-search-error';
