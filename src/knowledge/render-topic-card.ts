/**
 * patient-view: one card per decision topic, naming the recommendations that fire (with their facts) and those
 * that could not be evaluated (with the data that would settle them and suggestions to obtain it).
 */
import type { CdsCard } from '../cds-hooks/types';
import { stableUuid } from '../shared/ids';
import { cardExtension, extensionFacts } from './card-extension';
import { cardSource, evidenceFooter, factsTable, overrideReasons, recommendationHeading, renderText, sourceLinks } from './card-common';
import type { CompiledRecommendation } from './compiled-types';
import { SuggestionCollector } from './collect-suggestions';
import { knownFactsOf } from './evaluate-condition';
import { factLabel } from './format-fact';
import { effectiveIndicator, mostUrgent } from './indicator';
import { clampSummary, escapeMarkdown } from './markdown';
import type { RenderContext } from './render-context';
import { renderTemplate } from './template';
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

/** Renders the card of one topic, or undefined when nothing fired and nothing needs data. */
export function renderTopicCard(topic: Topic, fired: readonly Evaluated[], lacking: readonly Evaluated[], ctx: RenderContext): CdsCard | undefined {
  if (fired.length === 0 && lacking.length === 0) return undefined;
  const { compiled, language: l } = ctx;
  const { kb } = compiled;
  const uuid = stableUuid(ctx.hookInstance, topic.id);
  const templates = compiled.topicSummaries.get(topic.id);
  const firstCard = fired[0]?.compiled.card;
  let summary: string;
  if (fired.length === 1 && firstCard !== undefined) summary = renderText(firstCard.summary, ctx, false);
  else if (templates === undefined) summary = topic.title[l];
  else summary = renderTemplate((fired.length > 0 ? templates.summary : templates.missing)[l], () => String(fired.length > 0 ? fired.length : lacking.length));

  const collector = new SuggestionCollector(ctx, uuid);
  const parts: string[] = [`**${topic.title[l]}**`];
  for (const { compiled: rec } of fired) {
    if (rec.card === undefined) continue;
    parts.push(`${recommendationHeading(rec.rec, ctx)}\n\n${renderText(rec.card.detail, ctx, true)}`);
    collector.addRefs(rec.card.suggestions);
  }
  if (lacking.length > 0) {
    const lines = lacking.map(({ compiled: rec, outcome }) => {
      const needs = outcome.missingFacts.map((f) => escapeMarkdown(factLabel(f, l, kb))).join(', ');
      return `- **${rec.rec.id}** ${rec.rec.title[l]} — ${kb.manifest.texts.needs[l]}: ${needs}`;
    });
    parts.push(`**${kb.manifest.texts.notEvaluableHeading[l]}**\n\n${lines.join('\n')}`);
    collector.addDataRequests([...new Set(lacking.flatMap((e) => e.outcome.missingFacts))]);
  }
  const names = [...new Set([...factNamesOf(fired), ...collector.usedFacts])];
  const table = factsTable(names, ctx);
  if (table !== '') parts.push(table);
  parts.push(evidenceFooter(ctx));

  const suggestions = collector.suggestions;
  const notEvaluable = lacking.map((e) => ({ id: e.compiled.rec.id, missingFacts: e.outcome.missingFacts }));
  return {
    uuid,
    summary: clampSummary(summary),
    detail: parts.join('\n\n'),
    indicator: mostUrgent(fired.map((e) => effectiveIndicator(e.compiled, ctx.facts))),
    source: cardSource(compiled, l, { code: topic.id, display: topic.title[l] }),
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'any' as const } : {}),
    overrideReasons: overrideReasons(compiled, l),
    links: sourceLinks(compiled, l),
    extension: cardExtension(
      fired.map((e) => e.compiled.rec),
      kb.manifest.version,
      extensionFacts(names, ctx.facts),
      notEvaluable.length > 0 ? { notEvaluable } : {},
    ),
  };
}
