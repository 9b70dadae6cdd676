/**
 * Strict loader of a knowledge base: YAML → JSON Schema (ajv, additionalProperties false) → semantic checks
 * against the mappings' fact catalogue → a frozen KnowledgeBase. Any problem stops the service from starting:
 * a BootError lists every problem found, not only the first.
 * @see ../../../shared/ARCHITECTURE.md principle 3 ("fail at boot, not at the bedside")
 */
import type { FactDefinition } from '../mapping/types';
import { BootError } from '../shared/errors';
import type { KnowledgeBase, KnowledgeBaseManifest, LocalizedText, Recommendation, SuggestionTemplate } from './types';
import { checkKnowledgeBase } from './check-knowledge-base';
import { validateKbDocument } from './kb-schemas';
import { readKnowledgeFiles, resolveKnowledgeDir } from './read-knowledge-files';

/** Options of loadKnowledgeBase. */
export interface LoadKnowledgeBaseOptions {
  /** The knowledge base directory (or its parent); defaults to cds-services/knowledge/hcc-consensus. */
  readonly dir?: string;
  /** The closed fact catalogue of the mappings (Mappings.factDefinitions). */
  readonly factDefinitions: ReadonlyMap<string, FactDefinition>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** Reads, validates and freezes the knowledge base; throws BootError listing every problem. */
export function loadKnowledgeBase(options: LoadKnowledgeBaseOptions): KnowledgeBase {
  const dir = resolveKnowledgeDir(options.dir);
  const files = readKnowledgeFiles(dir);
  const problems = [...files.problems];
  if (files.manifest !== undefined) problems.push(...validateKbDocument('manifest', 'kb.yaml', files.manifest));
  if (files.suggestions !== undefined) problems.push(...validateKbDocument('suggestions', 'suggestions.yaml', files.suggestions));
  if (files.factLabels !== undefined) problems.push(...validateKbDocument('factLabels', 'fact-labels.yaml', files.factLabels));
  for (const { file, doc } of files.recommendations) if (doc !== undefined) problems.push(...validateKbDocument('recommendation', file, doc));
  if (problems.length > 0) throw new BootError(`knowledge base ${dir} is invalid`, problems);
  const kb: KnowledgeBase = {
    dir,
    manifest: files.manifest as KnowledgeBaseManifest,
    suggestions: files.suggestions as Record<string, SuggestionTemplate>,
    factLabels: files.factLabels as Record<string, LocalizedText>,
    recommendations: files.recommendations.map((r) => r.doc as Recommendation),
  };
  const semantic = checkKnowledgeBase(kb, files.recommendations.map((r) => r.file), options.factDefinitions);
  if (semantic.length > 0) throw new BootError(`knowledge base ${dir} is invalid`, semantic);
  return deepFreeze(kb);
}
