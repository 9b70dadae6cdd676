/** The knowledge base compiled for the hot path: conditions with operands resolved, templates parsed. */
import type { HookName } from '../cds-hooks/types';
import type { Language } from '../pipeline/engine';
import type { CompiledCondition } from './compile-condition';
import type { ResourceRenderer } from './resource-template';
import type { Template } from './template';
import type { Indicator, KnowledgeBase, OrderCheck, Recommendation, SuggestionTemplate } from './types';
import type { ParameterValues } from './parameters';

/** A template in every language. */
export type LocalizedTemplate = Readonly<Record<Language, Template>>;

/** A suggestion reference ready to use. */
export interface CompiledSuggestionRef {
  readonly use: string;
  readonly when?: CompiledCondition;
}

/** The evaluable parts shared by a recommendation's card and its order checks. */
export interface CompiledGate {
  readonly when: CompiledCondition;
  readonly exclusions?: CompiledCondition;
  readonly requiredFacts: readonly string[];
}

/** A compiled order check. */
export interface CompiledOrderCheck extends CompiledGate {
  readonly spec: OrderCheck;
  readonly summary: LocalizedTemplate;
  readonly detail: LocalizedTemplate;
  readonly suggestions: readonly CompiledSuggestionRef[];
  /** Facts named in the check's texts and condition (facts table). */
  readonly factNames: readonly string[];
}

/** A compiled recommendation. */
export interface CompiledRecommendation {
  readonly rec: Recommendation;
  readonly gate?: CompiledGate;
  readonly card?: {
    readonly indicatorRules: readonly { readonly when: CompiledCondition; readonly indicator: Indicator }[];
    readonly summary: LocalizedTemplate;
    readonly detail: LocalizedTemplate;
    readonly suggestions: readonly CompiledSuggestionRef[];
    readonly factNames: readonly string[];
  };
  readonly checks: readonly CompiledOrderCheck[];
}

/** A compiled suggestion template: one renderer per `create` action's resource. */
export interface CompiledSuggestionTemplate {
  readonly id: string;
  readonly spec: SuggestionTemplate;
  readonly resources: readonly ResourceRenderer[];
  readonly withWeight?: LocalizedTemplate;
}

/** Everything evaluate() needs, built once by loadEngine. */
export interface CompiledKnowledgeBase {
  readonly kb: KnowledgeBase;
  readonly parameters: ParameterValues;
  readonly scope: CompiledCondition;
  readonly recommendations: readonly CompiledRecommendation[];
  readonly suggestions: ReadonlyMap<string, CompiledSuggestionTemplate>;
  /** Facts each hook's recommendations need (prefetch). */
  readonly factsByHook: Readonly<Record<HookName, readonly string[]>>;
  /** Options passed to the mapping layer, from parameters that declare a mappingOption. */
  readonly mappingOptions: Readonly<Record<string, unknown>>;
}
