/**
 * The mapping layer's public API: load the mappings once, then turn a patient's FHIR resources into facts,
 * describe draft orders and generate prefetch templates.
 */
export type {
  DescribeOrder,
  ExtractFacts,
  ExtractOptions,
  FactDefinition,
  FactType,
  FhirResource,
  FactSet,
  LoadMappings,
  Mappings,
  OrderClass,
  OrderDescription,
  PrefetchTemplates,
} from './types';
export { loadMappings, defaultMappingsDir } from './load-mappings';
export { extractFacts } from './extract-facts';
export { describeOrder } from './describe-order';
export { prefetchTemplates } from './prefetch';
