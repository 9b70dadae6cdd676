/**
 * patient-view: one card per decision topic with recommendations that fire. The card is driven by its most
 * urgent recommendation (KB order breaks ties): the summary is that recommendation's own summary (plus how many
 * more apply); the detail leads with each recommendation's action and one line of why, then the facts table,
 * the local defaults the card rests on, the provenance and the evidence line. Data-missing content is not here:
 * it goes to the one data-gap card (render-data-gap-card.ts).
 */
import type { CdsCard } from '../cds-hooks/types';
import { stableUuid } from '../shared/ids';
import { cardExtension, extensionFacts } from './card-extension';
import { actionBlock, cardSource, countText, evidenceFooter, factsTable, overrideReasons, provenanceBlock, renderText, sourceLinks } from './card-common';
import { localDefaultsBlock, parametersOf } from './card-values';
import type { CompiledRecommendation } from './compiled-types';
import { SuggestionCollector } from './collect-suggestions';
import { knownFactsOf } from './evaluate-condition';
import { effectiveIndicator, indicatorRank, mostUrgent } from './indicator';
import { clampSummary } from './markdown';
import type { RenderContext } from './render-context';
import type { Outcome, Topic } from './types';

/** A recommendation with its outcome for this patient. */
export interface Evaluated {
  readonly compiled: CompiledRecommendation;
  readonly outcome: Outcome;
}

function factNamesOf(fired: readonly Evaluated[]): string[] {
  const names = new Set<string>();
  for (const { compiled, outcome } of fired) {
    knownFactsOf(outcome.trace, names);
    for (const n of compiled.card?.factNames ?? []) names.add(n);
  }
  return [...names];
}

/** A card summary naming the driving recommendation, with "(+N more)" kept within the CDS Hooks limit. */
export function drivenSummary(lead: string, more: number, ctx: RenderContext): string {
  if (more === 0) return clampSummary(lead);
  const suffix = countText('moreRecommendationsOne', 'moreRecommendationsOther', more, ctx);
  const room = 139 - [...suffix].length;
  const head = [...lead.replace(/[\r\n]+/g, ' ')];
  return `${head.length <= room ? head.join('') : `${head.slice(0, room - 1).join('')}…`}${suffix}`;
}

/** Renders the card of one topic, or undefined when nothing fired. */
export function renderTopicCard(topic: Topic, fired: readonly Evaluated[], ctx: RenderContext): CdsCard | undefined {
  const withCard = fired.filter((e) => e.compiled.card !== undefined);
  if (withCard.length === 0) return undefined;
  const { compiled, language: l } = ctx;
  const { kb } = compiled;
  const uuid = stableUuid(ctx.hookInstance, topic.id);
  const ranked = withCard
    .map((e, i) => ({ e, i, indicator: effectiveIndicator(e.compiled, ctx.facts) }))
    .sort((a, b) => indicatorRank(a.indicator) - indicatorRank(b.indicator) || a.i - b.i);

  const collector = new SuggestionCollector(ctx, uuid);
  const parts: string[] = [];
  const params: string[] = [];
  for (const { e } of ranked) {
    const card = e.compiled.card;
    if (card === undefined) continue;
    parts.push(actionBlock(renderText(card.summary, ctx, false), renderText(card.detail, ctx, true), ctx));
    collector.addRefs(card.suggestions);
    params.push(...parametersOf(e.compiled.rec));
  }
  const names = [...new Set([...factNamesOf(withCard), ...collector.usedFacts])];
  const table = factsTable(names, ctx);
  if (table !== '') parts.push(table);
  const defaults = localDefaultsBlock(params, collector.usedSources, ctx);
  if (defaults !== '') parts.push(defaults);
  const recs = ranked.map(({ e }) => e.compiled.rec);
  parts.push(provenanceBlock(recs, ctx), evidenceFooter(ctx));

  const lead = ranked[0]?.e.compiled.card;
  const summary = lead !== undefined ? renderText(lead.summary, ctx, false) : topic.title[l];
  const suggestions = collector.suggestions;
  return {
    uuid,
    summary: drivenSummary(summary, ranked.length - 1, ctx),
    detail: parts.join('\n\n'),
    indicator: mostUrgent(ranked.map((r) => r.indicator)),
    source: cardSource(compiled, l, { code: topic.id, display: topic.title[l] }),
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'any' as const } : {}),
    overrideReasons: overrideReasons(compiled, l),
    links: sourceLinks(compiled, l),
    extension: cardExtension(recs, kb.manifest.version, extensionFacts(names, ctx.facts)),
  };
}
