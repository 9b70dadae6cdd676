/**
 * patient-view: the one data-gap card. It lists the recorded data that is missing for the recommendations whose
 * population the patient is in (population.ts), ranked by how many recommendations each input would settle, each
 * with why it is missing (absent, only older than the lookback with the last date, out of date, unit or value not
 * readable, conflicting) and a one-click order where kb.yaml `dataRequests` has one. Inputs are named by their
 * label (fact-labels.yaml), never by a fact id.
 */
import type { CdsCard } from '../cds-hooks/types';
import { stableUuid } from '../shared/ids';
import { cardExtension } from './card-extension';
import { cardSource, countText, evidenceFooter, kbText, overrideReasons, sourceLinks } from './card-common';
import { SuggestionCollector } from './collect-suggestions';
import { factLabel } from './format-fact';
import { clampSummary, escapeMarkdown } from './markdown';
import { rankMissingInputs, type GapReason, type MissingInput } from './missing-inputs';
import type { RenderContext } from './render-context';
import type { Evaluated } from './render-topic-card';
import type { KbTextKey } from './types';

/** The `kind` the data-gap card carries in its extension (the burden script and tests count it). */
export const DATA_GAP_KIND = 'data-gap';

const REASON_TEXT: Readonly<Record<GapReason, KbTextKey>> = {
  absent: 'gapAbsent',
  outsideLookback: 'gapOutsideLookback',
  stale: 'gapStale',
  unit: 'gapUnit',
  unreadable: 'gapUnreadable',
  conflicting: 'gapConflicting',
  incomplete: 'gapIncomplete',
};

function reasonText(input: MissingInput, ctx: RenderContext): string {
  const reason = kbText(REASON_TEXT[input.reason], ctx);
  if (input.lastDate === undefined) return reason;
  return ctx.language === 'zh-CN' ? `${reason}（${kbText('gapLastResult', ctx)}：${input.lastDate}）` : `${reason} (${kbText('gapLastResult', ctx)} ${input.lastDate})`;
}

/** Renders the data-gap card for the recommendations that lack data, or undefined when there are none. */
export function renderDataGapCard(lacking: readonly Evaluated[], ctx: RenderContext): CdsCard | undefined {
  if (lacking.length === 0) return undefined;
  const { compiled, language: l } = ctx;
  const { kb } = compiled;
  const uuid = stableUuid(ctx.hookInstance, DATA_GAP_KIND);
  const notEvaluable = lacking.map((e) => ({ id: e.compiled.rec.id, missingFacts: e.outcome.missingFacts }));
  const inputs = rankMissingInputs(notEvaluable, ctx.facts, (f) => kb.factLabels[f] !== undefined);
  const titles = new Map(lacking.map((e) => [e.compiled.rec.id, e.compiled.rec.title[l]]));
  const collector = new SuggestionCollector(ctx, uuid);
  const sep = l === 'zh-CN' ? '；' : '; ';
  const lines = inputs.map((input, i) => {
    collector.addDataRequests([input.fact]);
    const recs = input.recommendations.map((id) => `${id} ${titles.get(id) ?? ''}`.trim()).join(sep);
    const unlocks = countText('dataGapUnlocksOne', 'dataGapUnlocksOther', input.recommendations.length, ctx);
    return `${i + 1}. **${escapeMarkdown(factLabel(input.fact, l, kb))}** — ${escapeMarkdown(reasonText(input, ctx))} · ${unlocks}${l === 'zh-CN' ? '：' : ': '}${escapeMarkdown(recs)}`;
  });
  const summaryWith = (n: number): string =>
    countText('dataGapSummaryOne', 'dataGapSummaryOther', lacking.length, ctx, { inputs: inputs.slice(0, n).map((i) => factLabel(i.fact, l, kb)).join(l === 'zh-CN' ? '、' : ', ') });
  let summary = summaryWith(3);
  for (let n = 2; n >= 1 && [...summary].length >= 140; n--) summary = summaryWith(n);
  const suggestions = collector.suggestions;
  return {
    uuid,
    summary: clampSummary(summary),
    detail: [`**${kbText('dataGapHeading', ctx)}**\n\n${lines.join('\n')}`, evidenceFooter(ctx)].join('\n\n'),
    indicator: 'info',
    source: cardSource(compiled, l),
    ...(suggestions.length > 0 ? { suggestions, selectionBehavior: 'any' as const } : {}),
    overrideReasons: overrideReasons(compiled, l),
    links: sourceLinks(compiled, l),
    extension: cardExtension([], kb.manifest.version, [], {
      kind: DATA_GAP_KIND,
      notEvaluable,
      missingInputs: inputs.map((i) => ({ fact: i.fact, reason: i.reason, ...(i.lastDate !== undefined ? { lastDate: i.lastDate } : {}), recommendations: i.recommendations })),
    }),
  };
}
