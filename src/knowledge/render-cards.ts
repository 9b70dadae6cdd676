/**
 * Turns an evaluation into cards: patient-view → one card per decision topic with recommendations that fire
 * (kb.yaml order) and at most one data-gap card; order hooks →
 * one card per conflicting draft and rule, one info card per draft left unchecked. Sorted critical first.
 */
import type { CdsCard, HookName } from '../cds-hooks/types';
import type { KnowledgeEvaluation } from './evaluate-knowledge';
import { indicatorRank } from './indicator';
import type { RenderContext } from './render-context';
import { renderConflictCard, renderUncheckedCard, type CheckedDraft } from './render-order-card';
import { gapCoveredByFiredCard, inPopulation } from './population';
import { renderDataGapCard } from './render-data-gap-card';
import { renderTopicCard } from './render-topic-card';

/** A rendered card with the recommendation ids behind it (card log). */
export interface RenderedCard {
  readonly card: CdsCard;
  readonly recommendationIds: readonly string[];
}

function patientViewCards(evaluation: KnowledgeEvaluation, ctx: RenderContext): RenderedCard[] {
  const out: RenderedCard[] = [];
  for (const topic of ctx.compiled.kb.manifest.topics) {
    const fired = evaluation.outcomes.filter((e) => e.compiled.rec.topic === topic.id && e.outcome.status === 'fires');
    const card = renderTopicCard(topic, fired, ctx);
    if (card !== undefined) out.push({ card, recommendationIds: fired.map((e) => e.compiled.rec.id) });
  }
  // "Data missing" only where the patient is in the recommendation's population and the missing data decide it;
  // all of it on one card.
  // A recommendation whose missing data a fired card already asks for (dataGapCoveredBy) is not repeated.
  const shared = ctx.compiled.kb.manifest.gatingFacts ?? [];
  const fired = new Set(evaluation.outcomes.filter((e) => e.outcome.status === 'fires').map((e) => e.compiled.rec.id));
  const lacking = evaluation.outcomes.filter(
    (e) => inPopulation(e.outcome, [...(e.compiled.gate?.requiredFacts ?? []), ...shared]) && !gapCoveredByFiredCard(e.compiled.rec.dataGapCoveredBy, fired),
  );
  const gap = renderDataGapCard(lacking, ctx);
  if (gap !== undefined) out.push({ card: gap, recommendationIds: lacking.map((e) => e.compiled.rec.id) });
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
