/**
 * extractFacts: one patient's FHIR resources → the FactSet of docs/fact-catalogue.md. The record is indexed once;
 * each mapped fact gathers and selects its candidates; the calculators of derived-facts.yaml then run in order.
 * Never throws on clinical data: odd resources become Unknown facts and data issues.
 */
import { isKnown, known, unknown, type DataIssue, type Fact, type FactSet } from '../domain/facts';
import type { AdverseEventEntry, SeriesEntry } from '../domain/derived/types';
import { readAdverseEvents } from './adverse-event-reader';
import { gather, IMPLAUSIBLE_DETAIL, plausible, reportOnce, unitOf, type Candidate, type EvalState, type GatherSink, type Unusable } from './candidates';
import { runCalculator } from './calculators';
import type { Compiled, CompiledMappedFact } from './compiled';
import { indexRecord } from './record-index';
import { select, seriesOf } from './select';
import type { ExtractOptions, FhirResource, Mappings } from './types';

function referenceRangeFact(state: EvalState, fact: CompiledMappedFact, selected: Candidate | undefined, of: CompiledMappedFact): Fact {
  const rr = fact.referenceRange as NonNullable<CompiledMappedFact['referenceRange']>;
  const unit = of.unit as string;
  if (selected !== undefined) {
    const ranges = Array.isArray(selected.resource['referenceRange']) ? (selected.resource['referenceRange'] as unknown[]) : [];
    for (const range of ranges) {
      const q = range !== null && typeof range === 'object' ? (range as Record<string, unknown>)[rr.bound] : undefined;
      if (q === null || typeof q !== 'object' || typeof (q as { value?: unknown }).value !== 'number') continue;
      const chosen = selected.resolved;
      const given = unitOf(of, q as Record<string, unknown>) ?? (chosen !== null && chosen !== undefined && 'unit' in chosen ? chosen.unit : undefined);
      const converted = typeof given === 'string' ? state.compiled.units.convert((q as { value: number }).value, given, unit, of.molarMass) : undefined;
      if (converted === undefined) {
        state.issues.push({ code: 'unmappable-unit', message: `${fact.name}: referenceRange.${rr.bound} unit cannot be converted to ${unit}`, location: selected.ref });
        break;
      }
      const value = Number(converted.toPrecision(12));
      if (!plausible(of, value)) {
        state.issues.push({ code: 'implausible-value', message: `${fact.name}: referenceRange.${rr.bound} is an ${IMPLAUSIBLE_DETAIL}`, location: selected.ref });
        return unknown('unmappable-value', { detail: IMPLAUSIBLE_DETAIL, sources: [selected.ref] });
      }
      return known(value, { unit, ...(selected.date === undefined ? {} : { effective: selected.date }), sources: [selected.ref] });
    }
  }
  return known(rr.default, {
    unit,
    sources: [],
    derived: { from: [], method: 'mapping-default', detail: `no referenceRange.${rr.bound} on the ${of.name} result; default of fhir-mappings/facts/${fact.name}.yaml` },
  });
}

const UNIDENTIFIED = 'medication not identifiable';

/**
 * selection.whenUnidentified: an order whose drug cannot be identified (or is coded only by an antineoplastic class)
 * might be the drug the fact asks about, so the fact is Unknown unless an identified order already makes it true
 * (exists); a list (distinct) cannot be complete and an earliest date cannot be trusted at all.
 */
function withUnidentified(state: EvalState, fact: CompiledMappedFact, result: Fact, unusable: readonly Unusable[]): Fact {
  for (const u of unusable) reportOnce(state, { code: 'unmappable-value', message: u.detail, location: u.ref });
  if (fact.mode === 'exists' && isKnown(result) && result.value === true) return result;
  const detail = unusable.every((u) => u.detail.startsWith(UNIDENTIFIED)) ? UNIDENTIFIED : 'medication not classified';
  return unknown('unmappable-value', { detail, sources: unusable.map((u) => u.ref) });
}

/**
 * Resources matched only by a name the value set does not trust without a code (e.g. a Condition whose text names
 * HCC under an unknown code): each is a data issue, and an `exists` fact not otherwise true becomes Unknown.
 */
function withUnconfirmed(state: EvalState, fact: CompiledMappedFact, result: Fact, unconfirmed: readonly Unusable[]): Fact {
  for (const u of unconfirmed) reportOnce(state, { code: 'unrecognised-code', message: `${fact.name}: ${u.detail}`, location: u.ref });
  if (fact.mode !== 'exists' || (isKnown(result) && result.value === true)) return result;
  return unknown('unmappable-value', { detail: 'only a text names it; its code is not recognised', sources: unconfirmed.map((u) => u.ref) });
}

/** Modes whose answer a left-out resource could change from "none" or a count or list into something else. */
const COMPLETENESS_MODES: ReadonlySet<string> = new Set(['exists', 'count', 'distinct', 'earliest']);

/**
 * Resources the fact would have read but that carry a modifierExtension (FHIR R4 §2.4.1.1: not to be ignored): a
 * fact that needs every matching resource (exists, count, distinct, earliest) is Unknown unless already true.
 */
function withModified(fact: CompiledMappedFact, result: Fact, modified: readonly Unusable[]): Fact {
  if (!COMPLETENESS_MODES.has(fact.mode) || (fact.mode === 'exists' && isKnown(result) && result.value === true)) return result;
  return unknown('unmappable-value', { detail: 'a matching resource carries a modifierExtension the service does not understand', sources: modified.map((u) => u.ref) });
}

/** Results left out because they are not final yet: a data issue each when the fact found no usable value. */
function reportNotFinal(state: EvalState, fact: CompiledMappedFact, result: Fact, notFinal: readonly Unusable[]): void {
  if (isKnown(result)) return;
  for (const u of notFinal) reportOnce(state, { code: 'not-final', message: `${fact.name}: result has status '${u.detail}' and was not used (only final, amended or corrected results are)`, location: u.ref });
}

/** Extracts every fact of the catalogue from one patient's resources. */
export function extractFacts(mappings: Mappings, resources: readonly FhirResource[], options: ExtractOptions): FactSet {
  const compiled = mappings.compiled as Compiled;
  const index = indexRecord(resources, options.patientId, compiled.dispatch);
  const issues: DataIssue[] = [...index.issues];
  const state: EvalState = { index, compiled, now: options.now.getTime(), issues, clones: new Map(), concepts: new Map(), reported: new Set() };
  const facts: Record<string, Fact> = {};
  const selectedCandidate = new Map<string, Candidate>();
  const gathered = new Map<string, Candidate[]>();
  const series = new Map<string, SeriesEntry[]>();
  let adverseEvents: AdverseEventEntry[] = [];

  for (const fact of compiled.mapped) {
    try {
      if (fact.referenceRange !== undefined) {
        const of = compiled.mappedByName.get(fact.referenceRange.of) as CompiledMappedFact;
        facts[fact.name] = referenceRangeFact(state, fact, selectedCandidate.get(of.name), of);
        continue;
      }
      // A baseline reuses the candidates of the fact it is the baseline of (same sources, unit and molar mass).
      const reuse = fact.of === undefined ? undefined : gathered.get(fact.of);
      const sink: GatherSink = { ...(fact.unidentifiedIsUnknown ? { unidentified: [] } : {}), unconfirmed: [], notFinal: [], modified: [] };
      const candidates = reuse ?? gather(state, fact, fact.sources, sink);
      gathered.set(fact.name, candidates);
      if (fact.mode === 'series') {
        if (fact.adverseEvent !== undefined) adverseEvents = readAdverseEvents(state, fact, candidates, compiled.config);
        else series.set(fact.name, seriesOf(fact, candidates, state).map((e) => ({ date: e.c.date as string, value: e.value, source: e.c.ref, extras: e.extras })));
        continue;
      }
      let result = select(fact, candidates, state, facts);
      if (sink.unidentified !== undefined && sink.unidentified.length > 0) result = withUnidentified(state, fact, result, sink.unidentified);
      if (sink.unconfirmed.length > 0) result = withUnconfirmed(state, fact, result, sink.unconfirmed);
      if (sink.notFinal.length > 0) reportNotFinal(state, fact, result, sink.notFinal);
      if (sink.modified !== undefined && sink.modified.length > 0) result = withModified(fact, result, sink.modified);
      facts[fact.name] = result;
      if (isKnown(result) && fact.mode === 'mostRecent') {
        const chosen = candidates.find((c) => c.ref === result.sources[0]);
        if (chosen !== undefined) selectedCandidate.set(fact.name, chosen);
      }
    } catch (error) {
      facts[fact.name] = unknown('data-error', { detail: 'the record could not be read for this fact' });
      issues.push({ code: 'mapping-error', message: `${fact.name}: ${error instanceof Error ? error.message : 'error'}` });
    }
  }

  const get = (name: string): Fact => facts[name] ?? unknown('no-data');
  for (const calc of compiled.calculators) {
    try {
      const out = runCalculator(calc.id, {
        get,
        table: calc.table,
        now: options.now,
        series,
        adverseEvents,
        config: compiled.config,
        sdThenPdIsAfterResponse: options.progressionSdThenPdIsAfterResponse ?? compiled.config.sdThenPdIsAfterResponse,
        report: (issue) => issues.push(issue),
      });
      for (const name of calc.produces) facts[name] = out[name] ?? unknown('data-error');
    } catch (error) {
      for (const name of calc.produces) facts[name] = unknown('data-error', { detail: `calculator ${calc.id} failed` });
      issues.push({ code: 'calculator-error', message: `${calc.id}: ${error instanceof Error ? error.message : 'error'}` });
    }
  }

  const out: Record<string, Fact> = {};
  for (const name of mappings.factDefinitions.keys()) out[name] = facts[name] ?? unknown('no-data');
  return { facts: out, issues };
}
