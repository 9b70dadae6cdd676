/**
 * extractFacts: one patient's FHIR resources → the FactSet of docs/fact-catalogue.md. The record is indexed once;
 * each mapped fact gathers and selects its candidates; the calculators of derived-facts.yaml then run in order.
 * Never throws on clinical data: odd resources become Unknown facts and data issues.
 */
import { isKnown, known, unknown, type DataIssue, type Fact, type FactSet } from '../domain/facts';
import type { AdverseEventEntry, SeriesEntry } from '../domain/derived/types';
import { readAdverseEvents } from './adverse-event-reader';
import { gather, IMPLAUSIBLE_DETAIL, plausible, type Candidate, type EvalState } from './candidates';
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
      const given = (q as { code?: unknown; unit?: unknown }).code ?? (q as { unit?: unknown }).unit ?? (chosen !== null && chosen !== undefined && 'unit' in chosen ? chosen.unit : undefined);
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
 * selection.whenUnidentified: an order whose drug cannot be identified might be the drug the fact asks about, so the
 * fact is Unknown unless an identified order already makes it true (exists); a list (distinct) cannot be complete
 * and an earliest date cannot be trusted at all.
 */
function withUnidentified(fact: CompiledMappedFact, result: Fact, refs: readonly string[], reported: Set<string>, issues: DataIssue[]): Fact {
  for (const ref of refs) {
    if (reported.has(ref)) continue;
    reported.add(ref);
    issues.push({ code: 'unmappable-value', message: `${UNIDENTIFIED} (no code, text or display; reference not in the record)`, location: ref });
  }
  if (fact.mode === 'exists' && isKnown(result) && result.value === true) return result;
  return unknown('unmappable-value', { detail: UNIDENTIFIED, sources: [...refs] });
}

/** Extracts every fact of the catalogue from one patient's resources. */
export function extractFacts(mappings: Mappings, resources: readonly FhirResource[], options: ExtractOptions): FactSet {
  const compiled = mappings.compiled as Compiled;
  const index = indexRecord(resources, options.patientId, compiled.dispatch);
  const issues: DataIssue[] = [...index.issues];
  const state: EvalState = { index, compiled, now: options.now.getTime(), issues, clones: new Map(), concepts: new Map() };
  const facts: Record<string, Fact> = {};
  const selectedCandidate = new Map<string, Candidate>();
  const gathered = new Map<string, Candidate[]>();
  const series = new Map<string, SeriesEntry[]>();
  let adverseEvents: AdverseEventEntry[] = [];
  const reported = new Set<string>();

  for (const fact of compiled.mapped) {
    try {
      if (fact.referenceRange !== undefined) {
        const of = compiled.mappedByName.get(fact.referenceRange.of) as CompiledMappedFact;
        facts[fact.name] = referenceRangeFact(state, fact, selectedCandidate.get(of.name), of);
        continue;
      }
      // A baseline reuses the candidates of the fact it is the baseline of (same sources, unit and molar mass).
      const reuse = fact.of === undefined ? undefined : gathered.get(fact.of);
      const unidentified: string[] | undefined = fact.unidentifiedIsUnknown ? [] : undefined;
      const candidates = reuse ?? gather(state, fact, fact.sources, unidentified);
      gathered.set(fact.name, candidates);
      if (fact.mode === 'series') {
        if (fact.adverseEvent !== undefined) adverseEvents = readAdverseEvents(state, fact, candidates, compiled.config);
        else series.set(fact.name, seriesOf(fact, candidates, state).map((e) => ({ date: e.c.date as string, value: e.value, source: e.c.ref, extras: e.extras })));
        continue;
      }
      let result = select(fact, candidates, state, facts);
      if (unidentified !== undefined && unidentified.length > 0) result = withUnidentified(fact, result, unidentified, reported, issues);
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
