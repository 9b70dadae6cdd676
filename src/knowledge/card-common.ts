/**
 * Parts shared by every card, in the order a card shows them: the action with one line of why, the facts table,
 * the provenance (recommendation, attribution, interpretation section, source wording), the evidence line and the
 * source link; plus source and override reasons; all in the request language, data values escaped.
 */
import type { CdsCoding, CdsLink } from '../cds-hooks/types';
import type { Fact } from '../domain/facts';
import type { Language } from '../pipeline/engine';
import type { CompiledKnowledgeBase, LocalizedTemplate } from './compiled-types';
import { defaultedInputs, factText, paramText } from './card-values';
import { factLabel } from './format-fact';
import { escapeMarkdown } from './markdown';
import type { RenderContext } from './render-context';
import { parseTemplate, renderTemplate, type Template } from './template';
import type { KbTextKey, Recommendation } from './types';

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
    footer: `${manifest.grading.notStated[language]}\n\n${manifest.texts.sourceLink[language]}${language === 'zh-CN' ? '：' : ': '}[${manifest.source.citation[language].replace(/[[\]]/g, '')}](${manifest.source.url})`,
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

/** Renders a KB text template; facts and parameters are formatted (non-consensus parameters marked), escaped when `markdown`; a `{{#fact}}` section shows only when the fact is known and not 0/false/none. */
export function renderText(template: LocalizedTemplate, ctx: RenderContext, markdown: boolean, extra: Readonly<Record<string, string>> = {}): string {
  return renderTemplate(
    template[ctx.language],
    (slot) => {
      if (extra[slot] !== undefined) return extra[slot];
      const text = slot.startsWith('param.') ? paramText(slot.slice(6), ctx) : factText(slot, ctx);
      return markdown ? escapeMarkdown(text) : text;
    },
    (section) => {
      const fact = ctx.facts[section];
      return fact?.known === true && fact.value !== 0 && fact.value !== false && fact.value !== 'none' && !(Array.isArray(fact.value) && fact.value.length === 0);
    },
  );
}

const parsedTexts = new Map<string, Template>();

/** Renders one KB text (kb.yaml `texts`) with its `{{count}}`-style slots. */
export function kbText(key: KbTextKey, ctx: RenderContext, slots: Readonly<Record<string, string>> = {}): string {
  const source = ctx.compiled.kb.manifest.texts[key][ctx.language];
  if (!source.includes('{{')) return source;
  let template = parsedTexts.get(source);
  if (template === undefined) parsedTexts.set(source, (template = parseTemplate(source)));
  return renderTemplate(template, (slot) => slots[slot] ?? '');
}

/** The singular or plural KB text for a count ("1 recommendation", "2 recommendations"). */
export function countText(one: KbTextKey, other: KbTextKey, count: number, ctx: RenderContext, slots: Readonly<Record<string, string>> = {}): string {
  return kbText(count === 1 ? one : other, ctx, { ...slots, count: String(count) });
}

function factDate(fact: Fact): string {
  return fact.known && fact.effective !== undefined ? fact.effective.slice(0, 10) : '';
}

/** A GFM table of the known facts among `names` (value, date, source; derived facts say from what; defaulted limits listed). */
export function factsTable(names: readonly string[], ctx: RenderContext): string {
  const { kb } = ctx.compiled;
  const t = kb.manifest.texts;
  const l = ctx.language;
  const rows: string[] = [];
  for (const name of [...names, ...defaultedInputs(names, ctx)]) {
    const fact = ctx.facts[name];
    if (fact === undefined || !fact.known) continue;
    const from = (fact.derived?.from ?? []).filter((f) => kb.factLabels[f] !== undefined).map((f) => factLabel(f, l, kb));
    const derived = from.length === 0 ? '' : l === 'zh-CN' ? `（${t.derivedFrom[l]}：${from.join('、')}）` : ` (${t.derivedFrom[l]}: ${from.join(', ')})`;
    const cells = [factLabel(name, l, kb), `${factText(name, ctx)}${derived}`, factDate(fact), fact.sources.join(', ')];
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

/** The action block leading a card: the recommendation's rendered summary in bold, then one line of why. */
export function actionBlock(summary: string, why: string, ctx: RenderContext): string {
  const sep = ctx.language === 'zh-CN' ? '：' : ': ';
  return `**${escapeMarkdown(summary)}**\n\n${kbText('cardWhy', ctx)}${sep}${why}`;
}

/** One provenance line: id, rules, title, attribution with the interpretation's section, source wording. */
export function provenanceLine(rec: Recommendation, ctx: RenderContext): string {
  const { manifest } = ctx.compiled.kb;
  const l = ctx.language;
  const attribution = manifest.attributions[rec.source.attribution]?.[l] ?? rec.source.attribution;
  const rules = rec.rules !== undefined && rec.rules.length > 0 ? ` · ${rec.rules.join(', ')}` : '';
  const comma = l === 'zh-CN' ? '，' : ', ';
  const colon = l === 'zh-CN' ? '：' : ': ';
  const section = kbText('sectionCite', ctx, { section: rec.source.section });
  return `- **${rec.id}**${rules} — ${rec.title[l]} · ${manifest.texts.attribution[l]}${colon}${attribution}${comma}${section} · ${manifest.texts.wording[l]}${colon}${rec.wordingStrength}`;
}

/** The provenance block of a card (one line per recommendation behind it). */
export function provenanceBlock(recs: readonly Recommendation[], ctx: RenderContext): string {
  if (recs.length === 0) return '';
  return `**${kbText('cardProvenance', ctx)}**\n\n${recs.map((r) => provenanceLine(r, ctx)).join('\n')}`;
}
