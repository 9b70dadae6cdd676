/**
 * Collects the suggestions of a card from suggestion references (conditional ones only when their condition is
 * true) and data requests, de-duplicated by template.
 */
import type { CdsSuggestion } from '../cds-hooks/types';
import { buildSuggestion, knownWeightKg } from './build-suggestion';
import type { CompiledSuggestionRef } from './compiled-types';
import type { DraftOrder } from './draft-orders';
import { decideCondition } from './evaluate-condition';
import type { RenderContext } from './render-context';
import type { LocalizedText } from './types';

/** Accumulates suggestions for one card. */
export class SuggestionCollector {
  private readonly seen = new Set<string>();
  private readonly list: CdsSuggestion[] = [];
  private readonly facts = new Set<string>();
  private readonly sources: LocalizedText[] = [];

  constructor(
    private readonly ctx: RenderContext,
    private readonly cardUuid: string,
    private readonly draft?: DraftOrder,
  ) {}

  /** Adds the suggestion template `use` once. */
  addTemplate(use: string): void {
    if (this.seen.has(use)) return;
    this.seen.add(use);
    const template = this.ctx.compiled.suggestions.get(use);
    const suggestion = template !== undefined ? buildSuggestion(template, this.ctx, this.cardUuid, this.draft) : undefined;
    if (suggestion === undefined) return;
    this.list.push(suggestion);
    const source = template?.spec.dosePerKg?.source;
    if (source !== undefined && !this.sources.includes(source)) this.sources.push(source);
    const weightFact = this.ctx.compiled.kb.manifest.weightFact;
    if (template?.spec.dosePerKg !== undefined && weightFact !== undefined && knownWeightKg(this.ctx) !== undefined) this.facts.add(weightFact);
  }

  /** Adds the references whose condition (if any) is true for this patient. */
  addRefs(refs: readonly CompiledSuggestionRef[]): void {
    for (const ref of refs) if (ref.when === undefined || decideCondition(ref.when, this.ctx.facts) === true) this.addTemplate(ref.use);
  }

  /** Adds what would settle each missing fact (kb.yaml dataRequests). */
  addDataRequests(missingFacts: readonly string[]): void {
    for (const fact of missingFacts) {
      const use = this.ctx.compiled.kb.manifest.dataRequests[fact];
      if (use !== undefined) this.addTemplate(use);
    }
  }

  /** Facts the suggestions were computed from (the body weight behind a per-kg dose), for the card's facts. */
  get usedFacts(): readonly string[] {
    return [...this.facts];
  }

  /** Named non-consensus sources of the suggestions (e.g. the guideline behind a steroid dose), for the card. */
  get usedSources(): readonly LocalizedText[] {
    return this.sources;
  }

  /** True when a data request exists for the fact (kb.yaml dataRequests). */
  hasDataRequest(fact: string): boolean {
    return this.ctx.compiled.kb.manifest.dataRequests[fact] !== undefined;
  }

  /** The suggestions collected so far. */
  get suggestions(): readonly CdsSuggestion[] {
    return this.list;
  }
}
