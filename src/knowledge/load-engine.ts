/**
 * Boot-time factory of the consensus engine: loads the mappings and the knowledge base (strictly; BootError on
 * any problem), resolves parameter overrides and compiles everything once, so evaluate() does no YAML or
 * schema work.
 */
import { describeOrder, extractFacts, loadMappings, prefetchTemplates } from '../mapping';
import { BootError } from '../shared/errors';
import { compileKnowledgeBase } from './compile-knowledge-base';
import { createEngine, type KnowledgeEngine } from './create-engine';
import { loadKnowledgeBase } from './load-knowledge-base';
import { resolveParameters } from './parameters';

/** Options of loadEngine. */
export interface LoadEngineOptions {
  /** Knowledge base directory (or its parent); default cds-services/knowledge/hcc-consensus. */
  readonly knowledgeDir?: string;
  /** Mappings directory; default fhir-mappings/. */
  readonly mappingsDir?: string;
  /** Overrides of kb.yaml parameters (deployment configuration, after clinical review). */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** Loads, validates and compiles; throws BootError listing every problem. */
export function loadEngine(options: LoadEngineOptions = {}): KnowledgeEngine {
  const mappings = loadMappings(options.mappingsDir);
  const kb = loadKnowledgeBase({ factDefinitions: mappings.factDefinitions, ...(options.knowledgeDir !== undefined ? { dir: options.knowledgeDir } : {}) });
  const { values, problems } = resolveParameters(kb.manifest.parameters, options.parameters);
  if (problems.length > 0) throw new BootError('knowledge base parameters are invalid', problems);
  const compiled = compileKnowledgeBase(kb, values, mappings.factDefinitions);
  return createEngine(compiled, {
    factDefinitions: mappings.factDefinitions,
    extractFacts: (resources, opts) => extractFacts(mappings, resources, opts),
    describeOrder: (resource) => describeOrder(mappings, resource),
    prefetchTemplates: (names) => prefetchTemplates(mappings, names),
  });
}
