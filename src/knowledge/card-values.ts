/**
 * Values as a clinician reads them on a card: a converted quantity shows the recorded value and unit first
 * ("2.4 mg/dL (41 μmol/L)"), a defaulted reference limit says it is a default, and every parameter that is not
 * consensus content is marked as a local default or with its named source (kb.yaml `origin`), in both languages.
 */
import type { FhirResource } from 'fhir/r4';
import type { Fact } from '../domain/facts';
import { leavesOf } from './condition-nodes';
import { factLabel, formatFact, formatQuantity, formatValue } from './format-fact';
import type { RenderContext } from './render-context';
import { parseTemplate } from './template';
import type { ConditionNode, LocalizedText, OrderCheck, ParameterSpec, Recommendation } from './types';

/** `method` of a derived fact that is a mapping default (a reference limit taken when the lab gives none). */
const MAPPING_DEFAULT = 'mapping-default';

const resourceIndex = new WeakMap<readonly FhirResource[], Map<string, FhirResource>>();

function resourceByReference(ctx: RenderContext, reference: string): FhirResource | undefined {
  let index = resourceIndex.get(ctx.resources);
  if (index === undefined) {
    index = new Map();
    for (const r of ctx.resources) if (typeof r.id === 'string') index.set(`${r.resourceType}/${r.id}`, r);
    resourceIndex.set(ctx.resources, index);
  }
  return index.get(reference);
}

/** The recorded quantity behind a converted fact (one Observation source, a different unit), if any. */
export function recordedQuantity(fact: Fact, ctx: RenderContext): { value: number; unit: string } | undefined {
  if (!fact.known || typeof fact.value !== 'number' || fact.unit === undefined || fact.derived !== undefined || fact.sources.length !== 1) return undefined;
  const resource = resourceByReference(ctx, fact.sources[0] as string);
  if (resource?.resourceType !== 'Observation') return undefined;
  const q = resource.valueQuantity;
  const unit = q?.code ?? q?.unit;
  if (q === undefined || typeof q.value !== 'number' || !Number.isFinite(q.value) || unit === undefined || unit === fact.unit) return undefined;
  return { value: q.value, unit: q.unit ?? unit };
}

/** True when the fact is a default taken because the record gives none (e.g. a ULN without a reference range). */
export function isMappingDefault(fact: Fact | undefined): boolean {
  return fact?.known === true && fact.derived?.method === MAPPING_DEFAULT;
}

/** A fact's value for card text: recorded value first when converted, defaults marked. */
export function factText(name: string, ctx: RenderContext): string {
  const { kb } = ctx.compiled;
  const fact = ctx.facts[name];
  const text = formatFact(fact, ctx.language, kb);
  if (fact === undefined || !fact.known) return text;
  if (isMappingDefault(fact)) return `${text}${bracket(kb.manifest.texts.defaultUln[ctx.language], ctx)}`;
  const recorded = recordedQuantity(fact, ctx);
  return recorded !== undefined ? `${formatQuantity(recorded.value, recorded.unit)} (${text})` : text;
}

/** The marker of a non-consensus parameter ("local default" / its named source), or undefined for consensus. */
export function originMarker(spec: ParameterSpec | undefined, ctx: RenderContext): string | undefined {
  if (spec?.origin === 'consensus') return undefined;
  const t = ctx.compiled.kb.manifest.texts;
  const l = ctx.language;
  if (spec?.origin === 'other-source' && spec.originSource !== undefined) return `${spec.originSource[l]}, ${t.notConsensus[l]}`;
  return t.localDefault[l];
}

function bracket(text: string, ctx: RenderContext): string {
  return ctx.language === 'zh-CN' ? `（${text}）` : ` (${text})`;
}

/** A parameter's value for card text, marked when it is not consensus content. */
export function paramText(name: string, ctx: RenderContext): string {
  const { kb, parameters } = ctx.compiled;
  const value = formatValue(parameters[name], ctx.language, kb);
  const marker = originMarker(kb.manifest.parameters[name], ctx);
  return marker === undefined ? value : `${value}${bracket(marker, ctx)}`;
}

/** A named non-consensus source (e.g. of a steroid dose) as a card marker. */
export function sourceMarker(source: LocalizedText, ctx: RenderContext): string {
  return bracket(`${source[ctx.language]}, ${ctx.compiled.kb.manifest.texts.notConsensus[ctx.language]}`, ctx);
}

const paramCache = new WeakMap<object, readonly string[]>();

function parametersIn(key: object, nodes: readonly (ConditionNode | undefined)[], texts: readonly LocalizedText[]): readonly string[] {
  const cached = paramCache.get(key);
  if (cached !== undefined) return cached;
  const names = new Set<string>();
  for (const node of nodes) for (const leaf of leavesOf(node)) if (leaf.param !== undefined) names.add(leaf.param);
  for (const text of texts) for (const source of Object.values(text)) for (const slot of parseTemplate(source).slots) if (slot.startsWith('param.')) names.add(slot.slice(6));
  const list = Object.freeze([...names]);
  paramCache.set(key, list);
  return list;
}

/** Every parameter a recommendation's patient-view decision and text rest on (conditions, indicator rules, card text). */
export function parametersOf(rec: Recommendation): readonly string[] {
  const card = rec.card;
  return parametersIn(rec, [rec.when, rec.exclusions, ...(card?.indicatorRules ?? []).map((r) => r.when)], card !== undefined ? [card.summary, card.detail] : []);
}

/** Every parameter an order check's decision and text rest on. */
export function checkParametersOf(check: OrderCheck): readonly string[] {
  return parametersIn(check, [check.when], [check.summary, check.detail]);
}

/** The local-default block: one line per non-consensus parameter or source the card rests on, with its note. */
export function localDefaultsBlock(params: readonly string[], sources: readonly LocalizedText[], ctx: RenderContext): string {
  const { kb, parameters } = ctx.compiled;
  const l = ctx.language;
  const lines: string[] = [];
  for (const name of new Set(params)) {
    const spec = kb.manifest.parameters[name];
    const marker = originMarker(spec, ctx);
    if (spec === undefined || marker === undefined) continue;
    const unit = spec.unit !== undefined && typeof parameters[name] === 'number' ? formatQuantity(parameters[name] as number, spec.unit) : formatValue(parameters[name], l, kb);
    const colon = l === 'zh-CN' ? '：' : ': ';
    lines.push(`- ${unit} — ${marker}${colon}${spec.note[l]}`);
  }
  for (const source of sources) lines.push(`- ${source[l]} — ${kb.manifest.texts.notConsensus[l]}`);
  if (lines.length === 0) return '';
  return `**${kb.manifest.texts.localDefaultsHeading[l]}**\n\n${[...new Set(lines)].join('\n')}`;
}

/** The default reference limits behind the given facts (walking their derivations), for the facts table. */
export function defaultedInputs(names: readonly string[], ctx: RenderContext): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const fact = ctx.facts[name];
    if (fact === undefined || !fact.known) return;
    if (isMappingDefault(fact)) out.push(name);
    // a limit matters where it moved a grade: do not descend into an input graded 0
    for (const from of fact.derived?.from ?? []) if (ctx.facts[from]?.known !== true || ctx.facts[from]?.value !== 0 || isMappingDefault(ctx.facts[from])) walk(from);
  };
  names.forEach(walk);
  return out.filter((n) => !names.includes(n));
}

/** A fact's label for card text. */
export function labelOf(name: string, ctx: RenderContext): string {
  return factLabel(name, ctx.language, ctx.compiled.kb);
}
