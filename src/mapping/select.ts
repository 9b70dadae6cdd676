/** Selection of a fact's value among its candidates (fact-mapping.schema.json `selection`). */
import { isKnown, known, unknown, type Fact, type FactValue } from '../domain/facts';
import type { CompiledMappedFact } from './compiled';
import type { Candidate, EvalState } from './candidates';

const DAY_MS = 86_400_000;

function dated(candidates: readonly Candidate[], state: EvalState, fact: CompiledMappedFact): Candidate[] {
  const out = candidates.filter((c) => c.dateMs !== undefined);
  for (const c of candidates) if (c.dateMs === undefined) state.issues.push({ code: 'no-date', message: `${fact.name}: resource has no usable date and was ignored`, location: c.ref });
  const minTier = Math.min(...out.map((c) => c.tier));
  return out.filter((c) => c.tier === minTier);
}

function fromCandidate(c: Candidate, fact: CompiledMappedFact, now: number, checkStale = true): Fact {
  if (c.error !== undefined) return unknown(c.error.reason, { detail: c.error.detail, sources: [c.ref] });
  const value = c.value as FactValue;
  if (checkStale && fact.staleAfterDays !== undefined && c.dateMs !== undefined && now - c.dateMs > fact.staleAfterDays * DAY_MS) {
    const age = Math.floor((now - c.dateMs) / DAY_MS);
    return unknown('stale', {
      detail: `last value ${String(value)}${c.unit === undefined ? '' : ` ${c.unit}`} on ${c.date ?? '?'} is ${age} days old (limit ${fact.staleAfterDays})`,
      sources: [c.ref],
    });
  }
  return known(value, { ...(c.unit === undefined ? {} : { unit: c.unit }), ...(c.date === undefined ? {} : { effective: c.date }), sources: [c.ref] });
}

function noData(fact: CompiledMappedFact, tooOld: number): Fact {
  return unknown('no-data', tooOld > 0 ? { detail: `${tooOld} result(s) older than the ${fact.lookbackDays ?? '?'}-day lookback` } : {});
}

function latestOf(list: readonly Candidate[]): Candidate[] {
  const maxMs = Math.max(...list.map((c) => c.dateMs as number));
  return list.filter((c) => c.dateMs === maxMs);
}

function agree(list: readonly Candidate[]): boolean {
  const values = list.filter((c) => c.error === undefined).map((c) => JSON.stringify(c.value));
  return new Set(values).size <= 1;
}

/** Selects the fact from its candidates; `facts` holds the facts computed so far (for baseline / whenAbsent). */
export function select(
  fact: CompiledMappedFact,
  candidates: readonly Candidate[],
  tooOld: number,
  state: EvalState,
  facts: Readonly<Record<string, Fact>>,
): Fact {
  const now = state.now;
  switch (fact.mode) {
    case 'mostRecent': {
      const list = dated(candidates, state, fact);
      if (list.length === 0) return noData(fact, tooOld);
      const top = latestOf(list);
      if (!agree(top)) return unknown('conflicting', { detail: `different values recorded at ${top[0]?.date ?? '?'}`, sources: top.map((c) => c.ref) });
      return fromCandidate(top.find((c) => c.error === undefined) ?? (top[0] as Candidate), fact, now);
    }
    case 'maxOnMostRecentDate': {
      const list = dated(candidates, state, fact);
      if (list.length === 0) return noData(fact, tooOld);
      const day = (c: Candidate): string => (c.date as string).slice(0, 10);
      const latestDay = day(latestOf(list)[0] as Candidate);
      const sameDay = list.filter((c) => day(c) === latestDay);
      const ok = sameDay.filter((c) => c.error === undefined);
      if (ok.length === 0) return fromCandidate(sameDay[0] as Candidate, fact, now);
      const best = ok.reduce((a, b) => ((b.value as number) > (a.value as number) ? b : a));
      const result = fromCandidate(best, fact, now);
      return isKnown(result) ? { ...result, sources: sameDay.map((c) => c.ref) } : result;
    }
    case 'baseline': {
      const start = facts['targetedImmuneStart'];
      if (!isKnown(start) || typeof start.value !== 'string') {
        return unknown('missing-inputs', { missing: ['targetedImmuneStart'], detail: 'no current targeted/immune therapy start, so no baseline' });
      }
      const startMs = Date.parse(start.value.slice(0, 10)) + DAY_MS; // on or before the start day
      const windowMs = fact.baselineWindowDays === undefined ? undefined : startMs - DAY_MS - fact.baselineWindowDays * DAY_MS;
      const list = dated(candidates, state, fact).filter((c) => (c.dateMs as number) < startMs && (windowMs === undefined || (c.dateMs as number) >= windowMs));
      if (list.length === 0) return unknown('no-data', { detail: `no value in the ${fact.baselineWindowDays ?? ''} days up to ${start.value}` });
      const top = latestOf(list);
      if (!agree(top)) return unknown('conflicting', { sources: top.map((c) => c.ref) });
      const c = top.find((x) => x.error === undefined) ?? (top[0] as Candidate);
      return fromCandidate(c, fact, now, false);
    }
    case 'count': {
      const ok = candidates.filter((c) => c.error === undefined);
      const dates = ok.map((c) => c.date).filter((d): d is string => d !== undefined).sort();
      return known(ok.length, { ...(dates.length === 0 ? {} : { effective: dates[dates.length - 1] as string }), sources: ok.map((c) => c.ref) });
    }
    case 'exists': {
      const ok = candidates.filter((c) => c.error === undefined);
      if (ok.length > 0) {
        const dates = ok.map((c) => c.date).filter((d): d is string => d !== undefined).sort();
        return known(true, { ...(dates.length === 0 ? {} : { effective: dates[dates.length - 1] as string }), sources: ok.map((c) => c.ref) });
      }
      const absent = fact.whenAbsent;
      if (absent.kind === 'false') return known(false, { sources: [] });
      if (absent.kind === 'false-if-type-present') {
        const present = fact.sources.some((s) => (state.index.byType.get(s.resourceType)?.length ?? 0) > 0);
        return present ? known(false, { sources: [] }) : unknown('no-data', { detail: `no ${fact.sources.map((s) => s.resourceType).join('/')} on record` });
      }
      if (absent.kind === 'false-if-fact') {
        const gate = facts[absent.fact];
        if (isKnown(gate) && gate.value === true) return known(false, { sources: [], derived: { from: [absent.fact], method: 'absent-with-diagnosis', detail: `no matching Condition while ${absent.fact} is on record` } });
        return unknown('no-data', { detail: `no matching Condition, and ${absent.fact} is not established` });
      }
      return unknown('no-data');
    }
    case 'earliest': {
      const list = candidates.filter((c) => c.error === undefined && c.dateMs !== undefined);
      if (list.length === 0) return unknown('no-data');
      const first = list.reduce((a, b) => ((b.dateMs as number) < (a.dateMs as number) ? b : a));
      return known(first.date as string, { effective: first.date as string, sources: list.map((c) => c.ref) });
    }
    case 'distinct': {
      const ok = candidates.filter((c) => c.error === undefined && typeof c.value === 'string');
      const values = [...new Set(ok.map((c) => c.value as string))].sort();
      return known(values, { sources: ok.map((c) => c.ref) });
    }
    case 'series':
      return unknown('no-data', { detail: 'series facts are internal' });
    default:
      return unknown('data-error');
  }
}
