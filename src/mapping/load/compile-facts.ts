/**
 * Stage: compile the mapped facts (facts/*.yaml) — sources with their FHIRPath, value sets and filters, selection,
 * units and unit aliases, plausible limits and dependencies — and the code-dispatch pairs of closed-code sources.
 */
import { basename } from 'node:path';
import { isDispatched } from '../code-dispatch';
import type { CompiledMappedFact, CompiledSource, CompiledValue, MappingConfig, ValueKind, WhenAbsent } from '../compiled';
import type { FactType } from '../types';
import { isValidUcum } from '../units';
import type { CompiledValueSet } from '../value-sets';
import { aliasesFor, compileUnitAliases } from './compile-unit-aliases';
import type { CompileContext } from './context';
import type { MappingDoc } from './gather';
import type { RawFact, RawValue } from './raw-types';

/** Value kinds that read a number from the record (each needs the fact's plausible limits). */
const NUMERIC_KINDS: ReadonlySet<ValueKind> = new Set(['quantity', 'integer', 'decimal']);

/** One (resource type, closed value set) read through the code dispatch, with its id. */
export interface DispatchPair {
  readonly resourceType: string;
  readonly valueSet: CompiledValueSet;
  readonly dispatchId: number;
}

/** The compiled mapped facts by name, their raw files (for descriptions) and the dispatch pairs. */
export interface CompiledFacts {
  readonly mapped: ReadonlyMap<string, CompiledMappedFact>;
  readonly raw: ReadonlyMap<string, { readonly raw: RawFact; readonly file: string }>;
  readonly dispatchPairs: readonly DispatchPair[];
}

/** Reports a unit that is not valid UCUM. */
export function checkUnit(ctx: CompileContext, unit: string | undefined, where: string): void {
  if (unit !== undefined && !isValidUcum(unit)) ctx.problems.add(where, `unit '${unit}' is not valid UCUM`);
}

function compileValue(ctx: CompileContext, v: RawValue, where: string, resourceType: string, codes: readonly string[] | undefined): CompiledValue | undefined {
  const base = v.component === undefined ? undefined : `${resourceType}.component`;
  const path = v.path === undefined ? undefined : ctx.path(v.path, where, base);
  if (v.path !== undefined && path === undefined) return undefined;
  if (['quantity', 'integer', 'decimal', 'boolean', 'coding', 'code'].includes(v.kind) && v.path === undefined) ctx.problems.add(where, `value kind '${v.kind}' needs a path`);
  if (v.kind === 'coding' && v.map === undefined) ctx.problems.add(where, `value kind 'coding' needs a map (value set)`);
  if (v.kind === 'code' && codes === undefined) ctx.problems.add(where, `value kind 'code' needs the fact's codes`);
  const map = ctx.valueSet(v.map, where);
  const component = ctx.valueSet(v.component, where);
  if (v.booleanMap !== undefined && codes !== undefined) {
    for (const c of [v.booleanMap.true, v.booleanMap.false]) if (!codes.includes(c)) ctx.problems.add(where, `booleanMap value '${c}' is not one of the fact's codes`);
  }
  if (map !== undefined && codes !== undefined) {
    for (const concept of map.exact.values()) {
      if (concept.value !== undefined && !codes.includes(String(concept.value))) ctx.problems.add(where, `value set '${map.id}' maps to '${String(concept.value)}', not one of the fact's codes`);
    }
  }
  return {
    kind: v.kind,
    ...(path === undefined ? {} : { path }),
    ...(map === undefined ? {} : { map }),
    ...(component === undefined ? {} : { component }),
    ...(v.booleanMap === undefined ? {} : { booleanMap: v.booleanMap }),
  };
}

class Dispatch {
  private readonly ids = new Map<string, number>();
  readonly pairs: DispatchPair[] = [];
  idOf(resourceType: string, valueSet: CompiledValueSet): number {
    const key = `${resourceType}|${valueSet.id}`;
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.ids.size));
    return id;
  }
}

function compileSources(ctx: CompileContext, config: MappingConfig | undefined, dispatch: Dispatch, raw: RawFact, file: string, codes: readonly string[] | undefined): CompiledSource[] {
  const out: CompiledSource[] = [];
  (raw.sources ?? []).forEach((s, i) => {
    const where = `${file} sources[${i}]`;
    const valueSet = ctx.valueSet(s.valueSet, where);
    if (s.tags !== undefined && s.valueSet !== undefined) {
      const known = ctx.valueSetTags.get(s.valueSet);
      for (const t of s.tags) if (known !== undefined && !known.has(t)) ctx.problems.add(where, `tag '${t}' is not used in value set '${s.valueSet}'`);
    }
    const date = s.date === undefined ? config?.datePaths[s.resourceType] : ctx.path(s.date, `${where} date`);
    const values = (Array.isArray(s.value) ? s.value : [s.value]).map((v, j) => compileValue(ctx, v, `${where} value[${j}]`, s.resourceType, codes));
    const extras: (readonly [string, CompiledValue])[] = [];
    for (const [name, v] of Object.entries(s.extras ?? {})) {
      const compiled = compileValue(ctx, v, `${where} extras.${name}`, s.resourceType, undefined);
      if (compiled !== undefined) extras.push([name, compiled]);
    }
    const whereExpr = s.where === undefined ? undefined : ctx.path(s.where, `${where} where`);
    const matchPath = s.match === undefined ? undefined : ctx.path(s.match.path, `${where} match`);
    const matchSet = ctx.valueSet(s.match?.valueSet, `${where} match`);
    if (date === undefined) ctx.problems.add(where, `no date path for ${s.resourceType} (config.yaml datePaths or the source's date)`);
    if (date === undefined || values.some((v) => v === undefined)) return;
    const dispatchId = isDispatched(s.resourceType, valueSet) ? dispatch.idOf(s.resourceType, valueSet as CompiledValueSet) : undefined;
    const source: CompiledSource = {
      ...(dispatchId === undefined ? {} : { dispatchId }),
      resourceType: s.resourceType,
      ...(valueSet === undefined ? {} : { valueSet }),
      ...(s.statuses === undefined || s.statuses.length === 0 ? {} : { statuses: new Set(s.statuses) }),
      ...(s.clinicalStatuses === undefined ? {} : { clinicalStatuses: new Set(s.clinicalStatuses) }),
      clinicalStatusMayBeAbsent: s.clinicalStatusMayBeAbsent ?? false,
      excludeVerificationStatuses: new Set(s.excludeVerificationStatuses ?? []),
      ...(s.tags === undefined ? {} : { tags: s.tags }),
      ...(whereExpr === undefined ? {} : { where: whereExpr }),
      ...(s.match === undefined || matchPath === undefined
        ? {}
        : {
            match: {
              path: matchPath,
              ...(matchSet === undefined ? {} : { valueSet: matchSet }),
              ...(s.match.values === undefined ? {} : { values: new Set(s.match.values) }),
              allowAbsent: s.match.allowAbsent ?? false,
            },
          }),
      date,
      tier: s.tier ?? 0,
      ...(s.withinDays === undefined ? {} : { withinDays: s.withinDays }),
      values: values as CompiledValue[],
      extras,
    };
    if (dispatchId !== undefined) dispatch.pairs.push({ resourceType: s.resourceType, valueSet: valueSet as CompiledValueSet, dispatchId });
    out.push(source);
  });
  return out;
}

function whenAbsentOf(sel: NonNullable<RawFact['selection']>, dependsOn: string[]): WhenAbsent {
  const wa = sel.whenAbsent;
  if (wa === false || wa === 'false') return { kind: 'false' };
  if (wa === 'false-if-type-present') return { kind: 'false-if-type-present' };
  if (typeof wa === 'object') {
    dependsOn.push(wa.falseIfFact);
    return { kind: 'false-if-fact', fact: wa.falseIfFact };
  }
  return { kind: 'unknown' };
}

/** Compiles the validated fact files with the unit-alias files (shipped, then a site profile's). */
export function compileFacts(ctx: CompileContext, docs: readonly MappingDoc[], aliasDocs: readonly MappingDoc[], config: MappingConfig | undefined): CompiledFacts {
  const { problems } = ctx;
  const rawFacts = new Map<string, { raw: RawFact; file: string }>();
  for (const doc of docs) {
    const raw = doc.data as RawFact | undefined;
    if (raw === undefined) continue;
    if (raw.fact !== basename(doc.file).replace(/\.ya?ml$/, '')) problems.add(doc.file, `fact '${raw.fact}' must match the file name`);
    if (rawFacts.has(raw.fact)) problems.add(doc.file, `fact '${raw.fact}' is defined twice`);
    rawFacts.set(raw.fact, { raw, file: doc.file });
  }
  const aliases = compileUnitAliases(aliasDocs, new Set(rawFacts.keys()), problems);
  const dispatch = new Dispatch();
  const mapped = new Map<string, CompiledMappedFact>();
  for (const [name, { raw, file }] of rawFacts) {
    const parent = raw.sourcesFrom !== undefined ? rawFacts.get(raw.sourcesFrom)?.raw : raw.referenceRange !== undefined ? rawFacts.get(raw.referenceRange.of)?.raw : undefined;
    if ((raw.sourcesFrom !== undefined || raw.referenceRange !== undefined) && parent === undefined) {
      problems.add(file, `refers to unknown fact '${raw.sourcesFrom ?? raw.referenceRange?.of ?? ''}'`);
      continue;
    }
    const definition = parent ?? raw;
    const type: FactType = raw.referenceRange !== undefined ? 'quantity' : (definition.type ?? 'quantity');
    const unit = raw.unit ?? definition.unit;
    const codes = raw.codes ?? definition.codes;
    checkUnit(ctx, unit, file);
    for (const u of definition.acceptUnits ?? []) checkUnit(ctx, u, file);
    if ((type === 'code' || type === 'codes') && codes === undefined && raw.internal !== true && raw.selection?.mode !== 'series' && raw.fact !== 'systemicAgents') {
      problems.add(file, `a ${type} fact needs its codes`);
    }
    const sources = raw.referenceRange !== undefined ? [] : compileSources(ctx, config, dispatch, definition, file, codes);
    const sel = raw.selection ?? { mode: 'mostRecent' as const };
    const dependsOn: string[] = [];
    if (raw.sourcesFrom !== undefined) dependsOn.push(raw.sourcesFrom);
    if (raw.referenceRange !== undefined) dependsOn.push(raw.referenceRange.of);
    if (sel.mode === 'baseline') dependsOn.push('targetedImmuneStart');
    const whenAbsent = whenAbsentOf(sel, dependsOn);
    if (sel.whenUnidentified !== undefined && (!['exists', 'distinct', 'earliest'].includes(sel.mode) || sources.some((s) => !s.resourceType.startsWith('Medication')))) {
      problems.add(file, 'whenUnidentified applies to exists / distinct / earliest facts read from medication resources only');
    }
    let adverseEvent: CompiledMappedFact['adverseEvent'];
    if (raw.adverseEvent !== undefined) {
      const drugs = ctx.valueSet(raw.adverseEvent.drugValueSet, file);
      const procedures = ctx.valueSet(raw.adverseEvent.procedureValueSet, file);
      const endocrine = ctx.valueSet(raw.adverseEvent.endocrineValueSet, file);
      const organAtStake = raw.adverseEvent.organAtStakeValueSet === undefined ? undefined : ctx.valueSet(raw.adverseEvent.organAtStakeValueSet, file);
      if (drugs !== undefined && procedures !== undefined && endocrine !== undefined) adverseEvent = { drugs, procedures, endocrine, ...(organAtStake === undefined ? {} : { organAtStake }) };
    }
    const molarMass = definition.molarMass;
    const acceptUnits = definition.acceptUnits;
    // Data-quality limits (not clinical thresholds): every numeric reading needs them; baselines and reference
    // ranges use those of the fact they read.
    const plausible = raw.plausible ?? definition.plausible;
    if (plausible !== undefined && !(plausible.min <= plausible.max)) problems.add(file, `plausible.min ${plausible.min} is above plausible.max ${plausible.max}`);
    const numericKinds = sources.flatMap((s) => s.values).filter((v) => NUMERIC_KINDS.has(v.kind));
    if (plausible === undefined && (type === 'quantity' || type === 'number' || numericKinds.length > 0)) problems.add(file, `a numeric fact needs plausible limits (plausible: { min, max } in its canonical unit)`);
    if (raw.referenceRange !== undefined && plausible !== undefined && (raw.referenceRange.default < plausible.min || raw.referenceRange.default > plausible.max)) {
      problems.add(file, `default ${raw.referenceRange.default} is outside the plausible limits of '${raw.referenceRange.of}'`);
    }
    const of = raw.sourcesFrom ?? raw.referenceRange?.of;
    mapped.set(name, {
      name,
      type,
      ...(unit === undefined ? {} : { unit }),
      ...(codes === undefined ? {} : { codes }),
      internal: raw.internal ?? false,
      sources,
      mode: sel.mode,
      ...(sel.lookbackDays === undefined ? {} : { lookbackDays: sel.lookbackDays }),
      ...(sel.staleAfterDays === undefined ? {} : { staleAfterDays: sel.staleAfterDays }),
      ...(sel.baselineWindowDays === undefined ? {} : { baselineWindowDays: sel.baselineWindowDays }),
      ...(sel.episodeGapDays === undefined ? {} : { episodeGapDays: sel.episodeGapDays }),
      whenAbsent,
      unidentifiedIsUnknown: sel.whenUnidentified === 'unknown',
      ...(molarMass === undefined ? {} : { molarMass }),
      ...(acceptUnits === undefined ? {} : { acceptUnits }),
      unitAliases: aliasesFor(aliases, name, of),
      ...(plausible === undefined ? {} : { plausible: { min: plausible.min, max: plausible.max } }),
      ...(raw.sourcesFrom === undefined ? {} : { of: raw.sourcesFrom }),
      ...(raw.referenceRange === undefined ? {} : { referenceRange: raw.referenceRange, of: raw.referenceRange.of }),
      ...(adverseEvent === undefined ? {} : { adverseEvent }),
      dependsOn,
    });
  }
  for (const fact of mapped.values()) for (const dep of fact.dependsOn) if (!mapped.has(dep)) problems.add(`facts/${fact.name}.yaml`, `depends on unknown mapped fact '${dep}'`);
  return { mapped, raw: rawFacts, dispatchPairs: dispatch.pairs };
}

/** The mapped facts in dependency order (a cycle is a problem). */
export function dependencyOrder(ctx: CompileContext, mapped: ReadonlyMap<string, CompiledMappedFact>): CompiledMappedFact[] {
  const ordered: CompiledMappedFact[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, chain: string[]): void => {
    const fact = mapped.get(name);
    if (fact === undefined || state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      ctx.problems.add('facts', `dependency cycle ${[...chain, name].join(' → ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const dep of fact.dependsOn) visit(dep, [...chain, name]);
    state.set(name, 'done');
    ordered.push(fact);
  };
  for (const name of [...mapped.keys()].sort()) visit(name, []);
  return ordered;
}
