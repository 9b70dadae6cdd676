/**
 * Turns an evaluation into cards: patient-view → one card per decision topic (kb.yaml order); order hooks →
 * one card per conflicting draft and rule, one info card per draft left unchecked. Sorted critical first.
 */
import type { CdsCard, HookName } from '../cds-hooks/types';
import type { KnowledgeEvaluation } from './evaluate-knowledge';
import { indicatorRank } from './indicator';
import type { RenderContext } from './render-context';
import { renderConflictCard, renderUncheckedCard, type CheckedDraft } from './render-order-card';
import { renderTopicCard } from './render-topic-card';

/** A rendered card with the recommendation ids behind it (card log). */
export interface RenderedCard {
  readonly card: CdsCard;
  readonly recommendationIds: readonly string[];
}

function patientViewCards(evaluation: KnowledgeEvaluation, ctx: RenderContext): RenderedCard[] {
  const out: RenderedCard[] = [];
  for (const topic of ctx.compiled.kb.manifest.topics) {
    const inTopic = evaluation.outcomes.filter((e) => e.compiled.rec.topic === topic.id);
    const fired = inTopic.filter((e) => e.outcome.status === 'fires');
    // "when it matters for this patient": only patients in scope (scope decided true) get data-request cards
    const lacking = inTopic.filter((e) => e.outcome.status === 'notEvaluable' && e.outcome.scopeTrace?.result === true);
    const card = renderTopicCard(topic, fired, lacking, ctx);
    if (card !== undefined) out.push({ card, recommendationIds: [...fired, ...lacking].map((e) => e.compiled.rec.id) });
  }
  return out;
}

function orderCards(evaluation: KnowledgeEvaluation, ctx: RenderContext): RenderedCard[] {
  const out: RenderedCard[] = [];
  const unchecked = new Map<number, CheckedDraft[]>();
  for (const item of evaluation.checked) {
    if (item.outcome.status === 'fires') out.push({ card: renderConflictCard(item, ctx), recommendationIds: [item.rec.rec.id] });
    if (item.outcome.status === 'notEvaluable' && item.outcome.scopeTrace?.result === true) {
      unchecked.set(item.draft.index, [...(unchecked.get(item.draft.index) ?? []), item]);
    }
  }
  for (const items of unchecked.values()) {
    const first = items[0];
    if (first !== undefined) out.push({ card: renderUncheckedCard(first.draft, items, ctx), recommendationIds: [...new Set(items.map((i) => i.rec.rec.id))] });
  }
  return out;
}

/** Renders the cards of one hook call. */
export function renderCards(hook: HookName, evaluation: KnowledgeEvaluation, ctx: RenderContext): RenderedCard[] {
  const cards = hook === 'patient-view' ? patientViewCards(evaluation, ctx) : orderCards(evaluation, ctx);
  return cards.sort((a, b) => indicatorRank(a.card.indicator) - indicatorRank(b.card.indicator));
}
