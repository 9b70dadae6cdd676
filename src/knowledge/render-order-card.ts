/**
 * order-select / order-sign: one card per draft order that conflicts with a safety rule (indicator from the
 * rule, `critical` by policy), and one info card per draft whose safety rules could not be checked for lack of
 * data, suggesting what would settle them.
 */
import type { CdsCard } from '../cds-hooks/types';
import { stableUuid } from '../shared/ids';
import { cardExtension, extensionFacts } from './card-extension';
import { actionBlock, cardSource, evidenceFooter, factsTable, overrideReasons, provenanceBlock, renderText, sourceLinks } from './card-common';
import { checkParametersOf, localDefaultsBlock } from './card-values';
import type { CompiledOrderCheck, CompiledRecommendation } from './compiled-types';
import { SuggestionCollector } from './collect-suggestions';
import type { DraftOrder } from './draft-orders';
import { knownFactsOf } from './evaluate-condition';
import { factLabel } from './format-fact';
import { clampSummary, escapeMarkdown } from './markdown';
import type { RenderContext } from './render-context';
import type { Outcome } from './types';

/** One order check evaluated against one draft. */
export interface CheckedDraft {
  readonly rec: CompiledRecommendation;
  readonly check: CompiledOrderCheck;
  readonly draft: DraftOrder;
  readonly outcome: Outcome;
}

function draftLine(draft: DraftOrder, ctx: RenderContext): string {
  const d = ctx.describe(draft.resource);
  const name = d.display ?? d.agent ?? draft.reference ?? `#${draft.index}`;
  const ref = draft.reference !== undefined ? ` (${draft.reference})` : '';
  return `**${ctx.compiled.kb.manifest.texts.orderHeading[ctx.language]}**: ${escapeMarkdown(`${name}${ref}`)}`;
}

/** The card of a fired safety rule. */
export function renderConflictCard(item: CheckedDraft, ctx: RenderContext): CdsCard {
  const { compiled, language: l } = ctx;
  const { rec, check, draft, outcome } = item;
  const uuid = stableUuid(ctx.hookInstance, rec.rec.id, check.spec.id, draft.reference ?? String(draft.index));
  const collector = new SuggestionCollector(ctx, uuid, draft);
  collector.addRefs(check.suggestions);
  const names = [...new Set([...knownFactsOf(outcome.trace), ...check.factNames, ...collector.usedFacts])];
  const summary = renderText(check.summary, ctx, false);
  const parts = [actionBlock(summary, renderText(check.detail, ctx, true), ctx), draftLine(draft, ctx), `> ${rec.rec.statement[l]}`];
  const table = factsTable(names, ctx);
  if (table !== '') parts.push(table);
  const defaults = localDefaultsBlock(checkParametersOf(check.spec), collector.usedSources, ctx);
  if (defaults !== '') parts.push(defaults);
  parts.push(provenanceBlock([rec.rec], ctx), evidenceFooter(ctx));
  const suggestions = collector.suggestions;
  return {
    uuid,
    summary: clampSummary(summary),
    detail: parts.join('\n\n'),
    indicator: check.spec.indicator,
    source: cardSource(compiled, l, { code: rec.rec.topic, display: compiled.kb.manifest.topics.find((t) => t.id === rec.rec.topic)?.title[l] ?? rec.rec.topic }),
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: check.spec.selectionBehavior ?? 'any' } : {}),
    overrideReasons: overrideReasons(compiled, l),
    links: sourceLinks(compiled, l),
    extension: cardExtension([rec.rec], compiled.kb.manifest.version, extensionFacts(names, ctx.facts), {
      orderCheck: check.spec.id,
      ...(draft.reference !== undefined ? { draftOrder: draft.reference } : {}),
    }),
  };
}

/** The info card of a draft whose safety rules lack data. */
export function renderUncheckedCard(draft: DraftOrder, items: readonly CheckedDraft[], ctx: RenderContext): CdsCard {
  const { compiled, language: l } = ctx;
  const { kb } = compiled;
  const uuid = stableUuid(ctx.hookInstance, 'unchecked', draft.reference ?? String(draft.index));
  const collector = new SuggestionCollector(ctx, uuid, draft);
  const missing = [...new Set(items.flatMap((i) => i.outcome.missingFacts))];
  collector.addDataRequests(missing);
  const lines = items.map((i) => `- **${i.rec.rec.id}** ${i.rec.rec.title[l]} — ${kb.manifest.texts.needs[l]}: ${i.outcome.missingFacts.map((f) => escapeMarkdown(factLabel(f, l, kb))).join(', ')}`);
  const parts = [draftLine(draft, ctx), `**${kb.manifest.texts.notEvaluableHeading[l]}**\n\n${lines.join('\n')}`, evidenceFooter(ctx)];
  const suggestions = collector.suggestions;
  const ids = [...new Set(items.map((i) => i.rec.rec.id))];
  return {
    uuid,
    summary: clampSummary(kb.manifest.texts.orderNotEvaluableSummary[l]),
    detail: parts.join('\n\n'),
    indicator: 'info',
    source: cardSource(compiled, l),
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'any' as const } : {}),
    overrideReasons: overrideReasons(compiled, l),
    links: sourceLinks(compiled, l),
    extension: cardExtension([], kb.manifest.version, [], {
      notEvaluable: ids.map((id) => ({ id, missingFacts: [...new Set(items.filter((i) => i.rec.rec.id === id).flatMap((i) => i.outcome.missingFacts))] })),
      ...(draft.reference !== undefined ? { draftOrder: draft.reference } : {}),
    }),
  };
}
