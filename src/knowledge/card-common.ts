/**
 * Parts shared by every card: source, override reasons, the source link, the facts table, the evidence line
 * and one line per recommendation, all in the request language, data values escaped.
 */
import type { CdsCoding, CdsLink } from '../cds-hooks/types';
import type { Fact } from '../domain/facts';
import type { Language } from '../pipeline/engine';
import type { CompiledKnowledgeBase, LocalizedTemplate } from './compiled-types';
import { factLabel, formatFact, formatValue } from './format-fact';
import { escapeMarkdown } from './markdown';
import type { RenderContext } from './render-context';
import { renderTemplate } from './template';
import type { Recommendation } from './types';

/** The parts of a card that depend only on the knowledge base and the language, built once and frozen. */
interface StaticParts {
  readonly overrideReasons: readonly CdsCoding[];
  readonly links: readonly CdsLink[];
  readonly footer: string;
}

const staticCache = new WeakMap<CompiledKnowledgeBase, Map<Language, StaticParts>>();

function staticParts(compiled: CompiledKnowledgeBase, language: Language): StaticParts {
  let byLanguage = staticCache.get(compiled);
  if (byLanguage === undefined) staticCache.set(compiled, (byLanguage = new Map()));
  const cached = byLanguage.get(language);
  if (cached !== undefined) return cached;
  const { manifest } = compiled.kb;
  const { system, codes } = manifest.overrideReasons;
  const parts: StaticParts = Object.freeze({
    overrideReasons: Object.freeze(codes.map((c) => Object.freeze({ system, code: c.code, display: c.display[language] }))),
    links: Object.freeze([Object.freeze({ label: manifest.texts.sourceLink[language], url: manifest.source.url, type: 'absolute' as const })]),
    footer: `${manifest.grading.notStated[language]}\n\n${manifest.texts.sourceLink[language]}: [${manifest.source.citation[language].replace(/[[\]]/g, '')}](${manifest.source.url})`,
  });
  byLanguage.set(language, parts);
  return parts;
}

/** The card source (CDS Hooks § Source) with the decision topic as `topic`. */
export function cardSource(compiled: CompiledKnowledgeBase, language: Language, topic?: { code: string; display: string }) {
  const { source } = compiled.kb.manifest;
  return {
    label: source.label[language],
    url: source.url,
    ...(topic !== undefined ? { topic: { system: 'http://hcc-cds.org/fhir/CodeSystem/cds-topic', code: topic.code, display: topic.display } } : {}),
  };
}

/** The override reasons of kb.yaml as Codings (shared, frozen). */
export function overrideReasons(compiled: CompiledKnowledgeBase, language: Language): CdsCoding[] {
  return staticParts(compiled, language).overrideReasons as CdsCoding[];
}

/** The link to the source article (shared, frozen). */
export function sourceLinks(compiled: CompiledKnowledgeBase, language: Language): CdsLink[] {
  return staticParts(compiled, language).links as CdsLink[];
}

/** Renders a KB text template; facts and parameters are formatted, escaped when `markdown`. */
export function renderText(template: LocalizedTemplate, ctx: RenderContext, markdown: boolean, extra: Readonly<Record<string, string>> = {}): string {
  const { kb, parameters } = ctx.compiled;
  return renderTemplate(template[ctx.language], (slot) => {
    if (extra[slot] !== undefined) return extra[slot];
    const text = slot.startsWith('param.') ? formatValue(parameters[slot.slice(6)], ctx.language, kb) : formatFact(ctx.facts[slot], ctx.language, kb);
    return markdown ? escapeMarkdown(text) : text;
  });
}

function factDate(fact: Fact): string {
  return fact.known && fact.effective !== undefined ? fact.effective.slice(0, 10) : '';
}

/** A GFM table of the known facts among `names` (value, date, source; derived facts say from what). */
export function factsTable(names: readonly string[], ctx: RenderContext): string {
  const { kb } = ctx.compiled;
  const t = kb.manifest.texts;
  const l = ctx.language;
  const rows: string[] = [];
  for (const name of names) {
    const fact = ctx.facts[name];
    if (fact === undefined || !fact.known) continue;
    const derived = fact.derived !== undefined && fact.derived.from.length > 0
      ? ` (${t.derivedFrom[l]}: ${fact.derived.from.map((f) => factLabel(f, l, kb)).join(', ')})`
      : '';
    const cells = [factLabel(name, l, kb), `${formatFact(fact, l, kb)}${derived}`, factDate(fact), fact.sources.join(', ')];
    rows.push(`| ${cells.map(escapeMarkdown).join(' | ')} |`);
  }
  if (rows.length === 0) return '';
  const head = `| ${t.factColumn[l]} | ${t.valueColumn[l]} | ${t.dateColumn[l]} | ${t.sourceColumn[l]} |\n| --- | --- | --- | --- |`;
  return `**${t.factsHeading[l]}**\n\n${head}\n${rows.join('\n')}`;
}

/** The evidence statement and the source link, closing every card detail. */
export function evidenceFooter(ctx: RenderContext): string {
  return staticParts(ctx.compiled, ctx.language).footer;
}

/** One markdown line introducing a recommendation: id, title, attribution and wording. */
export function recommendationHeading(rec: Recommendation, ctx: RenderContext): string {
  const { manifest } = ctx.compiled.kb;
  const l = ctx.language;
  const attribution = manifest.attributions[rec.source.attribution]?.[l] ?? rec.source.attribution;
  const rules = rec.rules !== undefined && rec.rules.length > 0 ? ` · ${rec.rules.join(', ')}` : '';
  return `**${rec.id}**${rules} — ${rec.title[l]}  \n_${manifest.texts.attribution[l]}: ${attribution} §${rec.source.section} · ${manifest.texts.wording[l]}: ${rec.wordingStrength}_`;
}
