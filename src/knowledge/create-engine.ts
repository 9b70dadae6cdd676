/**
 * The consensus engine over a compiled knowledge base and a mapping port. evaluate() extracts facts, evaluates
 * the recommendations covering the hook and renders cards; it never throws on clinical data (an unexpected
 * failure yields no cards and a data issue, without PHI).
 * @see ../pipeline/engine.ts (the Engine contract)
 */
import type { FhirResource } from 'fhir/r4';
import type { HookName } from '../cds-hooks/types';
import type { DataIssue, FactSet } from '../domain/facts';
import type { ExtractOptions, FactDefinition, OrderDescription } from '../mapping/types';
import type { Engine, EngineResult, HookInput, NotEvaluable } from '../pipeline/engine';
import type { CompiledKnowledgeBase } from './compiled-types';
import { selectedDrafts } from './draft-orders';
import { evaluateKnowledge, type KnowledgeEvaluation } from './evaluate-knowledge';
import type { RenderContext } from './render-context';
import { renderCards } from './render-cards';

/** What the engine needs from the mapping layer (bound to loaded mappings). */
export interface MappingPort {
  readonly factDefinitions: ReadonlyMap<string, FactDefinition>;
  extractFacts(resources: readonly FhirResource[], options: ExtractOptions): FactSet;
  describeOrder(resource: unknown): OrderDescription;
  prefetchTemplates(factNames: readonly string[]): Record<string, string>;
}

/** A full evaluation, for tests, the CLI and scenario runners. */
export interface Explanation extends KnowledgeEvaluation {
  readonly facts: FactSet;
}

/** An Engine that can also explain its decisions (outcomes with traces). */
export interface KnowledgeEngine extends Engine {
  /** The compiled knowledge base (read-only). */
  readonly compiled: CompiledKnowledgeBase;
  /** Evaluates without rendering: facts, outcomes and traces. */
  explain(input: HookInput): Explanation;
}

const EMPTY_FACTS: FactSet = { facts: {}, issues: [] };

/** Builds the engine. */
export function createEngine(compiled: CompiledKnowledgeBase, port: MappingPort): KnowledgeEngine {
  const prefetch = new Map<HookName, Readonly<Record<string, string>>>();
  for (const hook of ['patient-view', 'order-select', 'order-sign'] as const) prefetch.set(hook, Object.freeze(port.prefetchTemplates(compiled.factsByHook[hook])));

  const extract = (input: HookInput): FactSet => {
    try {
      return port.extractFacts(input.resources, { patientId: input.patientId, now: input.now, ...compiled.mappingOptions });
    } catch {
      return { ...EMPTY_FACTS, issues: [{ code: 'fact-extraction-failed', message: 'the patient data could not be turned into facts' }] };
    }
  };
  const describe = (resource: unknown): OrderDescription => {
    try {
      return port.describeOrder(resource);
    } catch {
      return { classes: [] };
    }
  };
  const explain = (input: HookInput): Explanation => {
    const facts = extract(input);
    const drafts = selectedDrafts(input.hook, input.context);
    return { facts, ...evaluateKnowledge(compiled, input.hook, facts.facts, drafts, describe) };
  };

  const evaluate = (input: HookInput): EngineResult => {
    const kbVersion = compiled.kb.manifest.version;
    let issues: DataIssue[] = [...input.dataIssues];
    try {
      const explanation = explain(input);
      issues = [...issues, ...explanation.facts.issues];
      const ctx: RenderContext = {
        compiled,
        facts: explanation.facts.facts,
        language: input.language,
        patientId: input.patientId,
        now: input.now,
        hookInstance: input.hookInstance,
        resources: input.resources,
        describe,
      };
      const rendered = renderCards(input.hook, explanation, ctx);
      const notEvaluable: NotEvaluable[] = explanation.outcomes
        .filter((e) => e.outcome.status === 'notEvaluable')
        .map((e) => ({ id: e.outcome.recommendationId, missingFacts: e.outcome.missingFacts }));
      return {
        cards: rendered.map((r) => r.card),
        extension: { kbVersion, notEvaluable, dataIssues: issues },
        cardLog: rendered.map((r) => ({ cardUuid: r.card.uuid, recommendationIds: r.recommendationIds })),
      };
    } catch {
      return {
        cards: [],
        extension: { kbVersion, notEvaluable: [], dataIssues: [...issues, { code: 'evaluation-failed', message: 'the knowledge base could not be evaluated for this call' }] },
        cardLog: [],
      };
    }
  };

  return {
    kbVersion: compiled.kb.manifest.version,
    compiled,
    evaluate,
    explain,
    prefetchFor: (hook: HookName) => prefetch.get(hook) ?? {},
  };
}
