/** Selection of a fact's value among its candidates (fact-mapping.schema.json `selection`); values resolved lazily. */
import { isKnown, known, unknown, type Fact, type FactValue } from '../domain/facts';
import type { CompiledMappedFact } from './compiled';
import { reportOnce, resolve, type Candidate, type EvalState, type Resolved } from './candidates';

const DAY_MS = 86_400_000;

type Valued = { readonly c: Candidate; readonly r: Resolved };

function fromResolved({ c, r }: Valued, fact: CompiledMappedFact, now: number, checkStale = true): Fact {
  if ('error' in r) return unknown(r.error.reason, { detail: r.error.detail, sources: [c.ref] });
  if (checkStale && fact.staleAfterDays !== undefined && c.dateMs !== undefined && now - c.dateMs > fact.staleAfterDays * DAY_MS) {
    const age = Math.floor((now - c.dateMs) / DAY_MS);
    return unknown('stale', {
      detail: `last value ${String(r.value)}${r.unit === undefined ? '' : ` ${r.unit}`} on ${c.date ?? '?'} is ${age} days old (limit ${fact.staleAfterDays})`,
      sources: [c.ref],
    });
  }
  return known(r.value, { ...(r.unit === undefined ? {} : { unit: r.unit }), ...(c.date === undefined ? {} : { effective: c.date }), sources: [c.ref] });
}

/** Candidates with a date, in the lowest tier present, newest first (undated ones become data issues). */
function dated(candidates: readonly Candidate[], state: EvalState, fact: CompiledMappedFact, from?: number, to?: number): Candidate[] {
  const out: Candidate[] = [];
  for (const c of candidates) {
    if (c.dateMs === undefined) {
      state.issues.push({ code: 'no-date', message: `${fact.name}: resource has no usable date and was ignored`, location: c.ref });
      continue;
    }
    if ((from !== undefined && c.dateMs < from) || (to !== undefined && c.dateMs >= to)) continue;
    out.push(c);
  }
  if (out.length === 0) return out;
  const minTier = Math.min(...out.map((c) => c.tier));
  return out.filter((c) => c.tier === minTier).sort((a, b) => (b.dateMs as number) - (a.dateMs as number));
}

/** The valued candidates sharing the newest date (or newest calendar day) that has any value. */
function newest(list: readonly Candidate[], state: EvalState, fact: CompiledMappedFact, sameDay: boolean): Valued[] {
  const key = (c: Candidate): string | number => (sameDay ? (c.date as string).slice(0, 10) : (c.dateMs as number));
  let found: string | number | undefined;
  const out: Valued[] = [];
  for (const c of list) {
    if (found !== undefined && key(c) !== found) break;
    const r = resolve(state, fact, c);
    if (r === null) continue;
    found = key(c);
    out.push({ c, r });
  }
  return out;
}

function agree(list: readonly Valued[]): boolean {
  const values = list.filter((v) => !('error' in v.r)).map((v) => JSON.stringify((v.r as { value: FactValue }).value));
  return new Set(values).size <= 1;
}

function allValued(candidates: readonly Candidate[], state: EvalState, fact: CompiledMappedFact, from?: number): Valued[] {
  const out: Valued[] = [];
  for (const c of candidates) {
    if (from !== undefined && c.dateMs !== undefined && c.dateMs < from) continue;
    const r = resolve(state, fact, c);
    if (r !== null && !('error' in r)) out.push({ c, r });
  }
  return out;
}

function latestEffective(list: readonly Valued[]): { effective?: string } {
  let best: Candidate | undefined;
  for (const { c } of list) if (c.dateMs !== undefined && (best === undefined || c.dateMs > (best.dateMs as number))) best = c;
  return best?.date === undefined ? {} : { effective: best.date };
}

/** FHIR R4 MedicationRequest / MedicationStatement / MedicationAdministration statuses of a therapy still under way. */
const ONGOING = new Set(['active', 'on-hold', 'in-progress', 'intended']);

function agentOf(c: Candidate): string {
  return c.concept?.value === undefined ? '' : String(c.concept.value);
}

/**
 * The first dose of the current treatment episode. Orders, statements and administrations of the same agents that
 * follow each other within `gapDays` form one episode (per-cycle orders: each cycle completed, the latest active);
 * the current episode is the latest one still under way (an ongoing order or statement, or its last evidence no
 * more than `gapDays` before now), restricted to the agents of that current evidence, so an earlier line of other
 * drugs that ended just before is not part of it. No current episode: Unknown (no-data).
 */
function episodeStart(valued: readonly Valued[], gapDays: number, now: number): Fact {
  const gap = gapDays * DAY_MS;
  const current = valued.filter(({ c }) => ONGOING.has(String(c.resource['status'])) || now - (c.dateMs as number) <= gap);
  if (current.length === 0) {
    const last = valued.reduce((a, b) => ((b.c.dateMs as number) > (a.c.dateMs as number) ? b : a));
    return unknown('no-data', { detail: `no therapy under way: the last order or dose (${(last.c.date ?? '').slice(0, 10)}) is more than ${gapDays} days ago`, sources: [last.c.ref] });
  }
  const agents = new Set(current.map(({ c }) => agentOf(c)));
  const same = valued.filter(({ c }) => agents.has(agentOf(c))).sort((a, b) => (b.c.dateMs as number) - (a.c.dateMs as number));
  // Walk back from the newest evidence of a current episode while consecutive dates are no more than `gap` apart.
  const newestCurrent = Math.max(...current.map(({ c }) => c.dateMs as number));
  const episode: Valued[] = [];
  let previous = newestCurrent;
  for (const v of same) {
    const ms = v.c.dateMs as number;
    if (ms > newestCurrent) continue;
    if (previous - ms > gap) break;
    episode.push(v);
    previous = ms;
  }
  const first = episode[episode.length - 1] as Valued;
  return known(first.c.date as string, {
    effective: first.c.date as string,
    sources: episode.map((v) => v.c.ref),
    derived: { from: [], method: 'treatment-episode', detail: `first order or dose of the current treatment episode (gaps of at most ${gapDays} days between orders or doses: a local default of the mapping, not consensus content)` },
  });
}

/** Selects the fact from its candidates; `facts` holds the facts computed so far (for baseline / whenAbsent). */
export function select(fact: CompiledMappedFact, candidates: readonly Candidate[], state: EvalState, facts: Readonly<Record<string, Fact>>): Fact {
  const now = state.now;
  const lookbackFrom = fact.lookbackDays === undefined ? undefined : now - fact.lookbackDays * DAY_MS;
  const noData = (): Fact => {
    const old = lookbackFrom === undefined ? [] : candidates.filter((c) => c.dateMs !== undefined && c.dateMs < lookbackFrom);
    if (old.length === 0) return unknown('no-data');
    const latest = old.reduce((a, b) => ((b.dateMs as number) > (a.dateMs as number) ? b : a));
    const detail = `${old.length} result(s) older than the ${fact.lookbackDays ?? '?'}-day lookback${latest.date === undefined ? '' : `, the latest on ${latest.date.slice(0, 10)}`}`;
    reportOnce(state, { code: 'outside-lookback', message: `${fact.name}: the latest result (${(latest.date ?? '').slice(0, 10)}) is older than the ${fact.lookbackDays ?? '?'}-day lookback; not used`, location: latest.ref });
    return unknown('no-data', { detail, sources: old.map((c) => c.ref) });
  };
  switch (fact.mode) {
    case 'mostRecent': {
      const top = newest(dated(candidates, state, fact, lookbackFrom), state, fact, false);
      if (top.length === 0) return noData();
      if (!agree(top)) return unknown('conflicting', { detail: `different values recorded at ${top[0]?.c.date ?? '?'}`, sources: top.map((v) => v.c.ref) });
      return fromResolved(top.find((v) => !('error' in v.r)) ?? (top[0] as Valued), fact, now);
    }
    case 'maxOnMostRecentDate': {
      const day = newest(dated(candidates, state, fact, lookbackFrom), state, fact, true);
      if (day.length === 0) return noData();
      const ok = day.filter((v) => !('error' in v.r));
      if (ok.length === 0) return fromResolved(day[0] as Valued, fact, now);
      const best = ok.reduce((a, b) => (((b.r as { value: number }).value > (a.r as { value: number }).value) ? b : a));
      const result = fromResolved(best, fact, now);
      return isKnown(result) ? { ...result, sources: day.map((v) => v.c.ref) } : result;
    }
    case 'baseline': {
      const start = facts['targetedImmuneStart'];
      if (!isKnown(start) || typeof start.value !== 'string') {
        return unknown('missing-inputs', { missing: ['targetedImmuneStart'], detail: 'no current targeted/immune therapy start, so no baseline' });
      }
      const dayAfterStart = Date.parse(start.value.slice(0, 10)) + DAY_MS; // on or before the start day
      const from = fact.baselineWindowDays === undefined ? undefined : dayAfterStart - DAY_MS - fact.baselineWindowDays * DAY_MS;
      const top = newest(dated(candidates, state, fact, from, dayAfterStart), state, fact, false);
      if (top.length === 0) return unknown('no-data', { detail: `no value in the ${fact.baselineWindowDays ?? ''} days up to ${start.value}` });
      if (!agree(top)) return unknown('conflicting', { sources: top.map((v) => v.c.ref) });
      return fromResolved(top.find((v) => !('error' in v.r)) ?? (top[0] as Valued), fact, now, false);
    }
    case 'count': {
      const ok = allValued(candidates, state, fact, lookbackFrom);
      return known(ok.length, { ...latestEffective(ok), sources: ok.map((v) => v.c.ref) });
    }
    case 'exists': {
      const ok = allValued(candidates, state, fact, lookbackFrom);
      if (ok.length > 0) return known(true, { ...latestEffective(ok), sources: ok.map((v) => v.c.ref) });
      const absent = fact.whenAbsent;
      if (absent.kind === 'false') return known(false, { sources: [] });
      if (absent.kind === 'false-if-type-present') {
        const present = fact.sources.some((s) => (state.index.byType.get(s.resourceType)?.length ?? 0) > 0);
        return present ? known(false, { sources: [] }) : unknown('no-data', { detail: `no ${fact.sources.map((s) => s.resourceType).join('/')} on record` });
      }
      if (absent.kind === 'false-if-fact') {
        const gate = facts[absent.fact];
        if (isKnown(gate) && gate.value === true) {
          return known(false, { sources: [], derived: { from: [absent.fact], method: 'absent-with-diagnosis', detail: `no matching Condition while ${absent.fact} is on record` } });
        }
        return unknown('no-data', { detail: `no matching Condition, and ${absent.fact} is not established` });
      }
      return unknown('no-data');
    }
    case 'earliest': {
      const ok = allValued(candidates, state, fact, lookbackFrom).filter((v) => v.c.dateMs !== undefined);
      if (ok.length === 0) return unknown('no-data');
      if (fact.episodeGapDays !== undefined) return episodeStart(ok, fact.episodeGapDays, now);
      const first = ok.reduce((a, b) => ((b.c.dateMs as number) < (a.c.dateMs as number) ? b : a));
      return known(first.c.date as string, { effective: first.c.date as string, sources: ok.map((v) => v.c.ref) });
    }
    case 'distinct': {
      const ok = allValued(candidates, state, fact, lookbackFrom).filter((v) => typeof (v.r as { value: FactValue }).value === 'string');
      const values = [...new Set(ok.map((v) => (v.r as { value: string }).value))].sort();
      return known(values, { sources: ok.map((v) => v.c.ref) });
    }
    default:
      return unknown('data-error');
  }
}

/** Every valued, dated candidate of the lowest tier present (series facts). */
export function seriesOf(fact: CompiledMappedFact, candidates: readonly Candidate[], state: EvalState): { c: Candidate; value: FactValue; extras: Readonly<Record<string, FactValue>> }[] {
  const lookbackFrom = fact.lookbackDays === undefined ? undefined : state.now - fact.lookbackDays * DAY_MS;
  const ok = allValued(candidates, state, fact, lookbackFrom).filter((v) => v.c.dateMs !== undefined);
  if (ok.length === 0) return [];
  const minTier = Math.min(...ok.map((v) => v.c.tier));
  return ok.filter((v) => v.c.tier === minTier).map((v) => ({ c: v.c, value: (v.r as { value: FactValue }).value, extras: (v.r as { extras: Readonly<Record<string, FactValue>> }).extras }));
}
