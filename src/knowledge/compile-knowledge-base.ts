/**
 * Compiles a loaded knowledge base with its resolved parameters: every condition gets its operands (literal or
 * parameter) converted to the fact's canonical unit, every text is parsed into a template, and the facts each
 * hook needs are listed for prefetch.
 */
import type { HookName } from '../cds-hooks/types';
import type { FactDefinition } from '../mapping/types';
import type { CompiledKnowledgeBase, CompiledRecommendation, CompiledSuggestionRef, CompiledSuggestionTemplate, LocalizedTemplate } from './compiled-types';
import { compileCondition, type CompiledCondition, type OperandResolver } from './compile-condition';
import { factsOfRecommendation } from './check-knowledge-base';
import { leavesOf } from './condition-nodes';
import { convertUnit } from './convert-unit';
import { LANGUAGES } from './localized';
import type { ParameterValues } from './parameters';
import { compileResourceTemplate } from './resource-template';
import { parseTemplate, type Template } from './template';
import type { ConditionNode, KnowledgeBase, LocalizedText, SuggestionRef } from './types';

function localized(text: LocalizedText): LocalizedTemplate {
  const out: Record<string, Template> = {};
  for (const language of LANGUAGES) out[language] = parseTemplate(text[language]);
  return out as LocalizedTemplate;
}

function operandResolver(kb: KnowledgeBase, params: ParameterValues, facts: ReadonlyMap<string, FactDefinition>): OperandResolver {
  return (leaf) => {
    const target = facts.get(leaf.fact)?.unit;
    const fromParam = leaf.param !== undefined;
    const raw = fromParam ? params[leaf.param as string] : leaf.value;
    const unit = fromParam ? kb.manifest.parameters[leaf.param as string]?.unit : leaf.unit;
    const convert = (v: unknown): unknown => (typeof v === 'number' && unit !== undefined && target !== undefined ? (convertUnit(v, unit, target) ?? v) : v);
    return Array.isArray(raw) ? raw.map(convert) : convert(raw);
  };
}

function slotFacts(texts: readonly LocalizedText[], into: string[]): void {
  for (const text of texts) for (const language of LANGUAGES) for (const slot of parseTemplate(text[language]).slots) if (!slot.includes('.') && !into.includes(slot)) into.push(slot);
}

function conditionFacts(node: ConditionNode | undefined, into: string[]): void {
  for (const leaf of leavesOf(node)) if (!into.includes(leaf.fact)) into.push(leaf.fact);
}

/** Compiles the knowledge base for evaluation. */
export function compileKnowledgeBase(
  kb: KnowledgeBase,
  params: ParameterValues,
  facts: ReadonlyMap<string, FactDefinition>,
): CompiledKnowledgeBase {
  const resolve = operandResolver(kb, params, facts);
  const cond = (node: ConditionNode): CompiledCondition => compileCondition(node, resolve);
  const refs = (list: readonly SuggestionRef[] | undefined): CompiledSuggestionRef[] =>
    (list ?? []).map((r) => (r.when !== undefined ? { use: r.use, when: cond(r.when) } : { use: r.use }));
  const recommendations: CompiledRecommendation[] = kb.recommendations
    .filter((rec) => rec.status !== 'retired')
    .map((rec) => {
      const cardFacts: string[] = [];
      conditionFacts(rec.when, cardFacts);
      if (rec.card !== undefined) slotFacts([rec.card.summary, rec.card.detail], cardFacts);
      return {
        rec,
        ...(rec.when !== undefined
          ? { gate: { when: cond(rec.when), requiredFacts: rec.requiredFacts ?? [], ...(rec.exclusions !== undefined ? { exclusions: cond(rec.exclusions) } : {}) } }
          : {}),
        ...(rec.card !== undefined
          ? {
              card: {
                indicatorRules: (rec.card.indicatorRules ?? []).map((r) => ({ when: cond(r.when), indicator: r.indicator })),
                summary: localized(rec.card.summary),
                detail: localized(rec.card.detail),
                suggestions: refs(rec.card.suggestions),
                factNames: cardFacts,
              },
            }
          : {}),
        checks: (rec.orderChecks ?? []).map((spec) => {
          const checkFacts: string[] = [];
          conditionFacts(spec.when, checkFacts);
          slotFacts([spec.summary, spec.detail], checkFacts);
          return { spec, when: cond(spec.when), requiredFacts: spec.requiredFacts ?? [], summary: localized(spec.summary), detail: localized(spec.detail), suggestions: refs(spec.suggestions), factNames: checkFacts };
        }),
      };
    });
  const suggestions = new Map<string, CompiledSuggestionTemplate>();
  for (const [id, spec] of Object.entries(kb.suggestions)) {
    suggestions.set(id, {
      id,
      spec,
      resources: (spec.actions ?? []).map((a) => compileResourceTemplate(a.resource)),
      ...(spec.dosePerKg !== undefined ? { withWeight: localized(spec.dosePerKg.withWeight) } : {}),
    });
  }
  const scopeFacts: string[] = [];
  conditionFacts(kb.manifest.scope, scopeFacts);
  if (kb.manifest.weightFact !== undefined) scopeFacts.push(kb.manifest.weightFact);
  const factsByHook = {} as Record<HookName, readonly string[]>;
  for (const hook of ['patient-view', 'order-select', 'order-sign'] as const) {
    const names = new Set(scopeFacts);
    for (const { rec } of recommendations) {
      if (!rec.hooks.includes(hook)) continue;
      const recFacts = factsOfRecommendation(hook === 'patient-view' ? { ...rec, orderChecks: [] } : { ...rec, when: undefined as never, card: undefined as never });
      for (const f of recFacts) if (facts.has(f)) names.add(f);
    }
    factsByHook[hook] = [...names].sort();
  }
  const mappingOptions: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(kb.manifest.parameters)) if (spec.mappingOption !== undefined) mappingOptions[spec.mappingOption] = params[name];
  return { kb, parameters: params, scope: cond(kb.manifest.scope), recommendations, suggestions, factsByHook, mappingOptions };
}
