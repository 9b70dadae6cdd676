/**
 * Response facts from the series of response assessments (RECIST 1.1 / mRECIST, clinical.md §6): latest and best
 * response on the current line, stable-disease duration, and the progression type of clinical.md §2.4 (after a
 * CR/PR = after-response; otherwise primary; SD then PD configurable).
 */
import { isKnown, known, unknown, type Fact } from '../facts';
import { nonFinite } from './finite';
import type { FactLookup, SeriesEntry } from './types';

const DAY_MS = 86_400_000;
const RANK: Readonly<Record<string, number>> = { CR: 5, PR: 4, SD: 3, PD: 2, NE: 1 };

/** Response calculator options. */
export interface ResponseOptions {
  readonly sdThenPdIsAfterResponse: boolean;
}

type Out = Record<
  'latestResponse' | 'latestResponseDate' | 'responseCriteria' | 'bestResponse' | 'stableDiseaseDays' | 'progressionType' | 'progressionAfterLastTace',
  Fact
>;

/** Computes the response facts from the (unsorted) series. */
export function responseFacts(series: readonly SeriesEntry[], get: FactLookup, options: ResponseOptions): Out {
  // Each date is parsed once (undated entries are dropped), then the entries are sorted by it (stable).
  const times = new Map<SeriesEntry, number>();
  for (const e of series) {
    const t = Date.parse(e.date);
    if (Number.isFinite(t)) times.set(e, t);
  }
  const at = (e: SeriesEntry): number => times.get(e) as number;
  const entries = [...times.keys()].sort((a, b) => at(a) - at(b));
  const none = unknown('no-data', { detail: 'no tumour response assessment on record' });
  if (entries.length === 0) {
    return { latestResponse: none, latestResponseDate: none, responseCriteria: none, bestResponse: none, stableDiseaseDays: none, progressionType: none, progressionAfterLastTace: none };
  }
  const latest = entries[entries.length - 1] as SeriesEntry;
  const sameDay = entries.filter((e) => at(e) === at(latest));
  if (sameDay.some((e) => e.value !== latest.value)) {
    const c = unknown('conflicting', { detail: `different response categories on ${latest.date}`, sources: sameDay.map((e) => e.source) });
    return { latestResponse: c, latestResponseDate: c, responseCriteria: c, bestResponse: c, stableDiseaseDays: c, progressionType: c, progressionAfterLastTace: c };
  }
  const src = { effective: latest.date, sources: [latest.source] };
  const latestResponse = known(String(latest.value), src);
  const latestResponseDate = known(latest.date, src);
  const criteria = latest.extras['criteria'];
  const responseCriteria = criteria === undefined ? unknown('no-data', { detail: 'response criteria not recorded', sources: [latest.source] }) : known(String(criteria), src);

  const start = get('targetedImmuneStart');
  const startMs = isKnown(start) && typeof start.value === 'string' ? Date.parse(start.value.slice(0, 10)) : undefined;
  const line = startMs === undefined ? entries : entries.filter((e) => at(e) >= startMs);
  const lineNote = startMs === undefined ? 'all assessments (no current targeted/immune therapy start)' : `assessments since ${(start as { value: string }).value}`;
  const from = startMs === undefined ? ['responseHistory'] : ['responseHistory', 'targetedImmuneStart'];

  let bestResponse: Fact = unknown('no-data', { detail: 'no assessment on the current line' });
  if (line.length > 0) {
    const best = line.reduce((a, b) => ((RANK[String(b.value)] ?? 0) > (RANK[String(a.value)] ?? 0) ? b : a));
    bestResponse = known(String(best.value), { effective: best.date, sources: [best.source], derived: { from, method: 'best-response', detail: lineNote } });
  }

  let stableDiseaseDays: Fact;
  if (latest.value !== 'SD') stableDiseaseDays = known(0, { ...src, derived: { from, method: 'sd-duration', detail: `latest response ${String(latest.value)}` } });
  else {
    let first = latest;
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const e = entries[i] as SeriesEntry;
      if (e.value !== 'SD' || (startMs !== undefined && at(e) < startMs)) break;
      first = e;
    }
    const days = Math.round((at(latest) - at(first)) / DAY_MS);
    stableDiseaseDays = !Number.isFinite(days) ? nonFinite([first.source, latest.source]) : known(days, { effective: latest.date, sources: [...new Set([first.source, latest.source])], derived: { from, method: 'sd-duration', detail: `SD from ${first.date} to ${latest.date}` } });
  }

  let progressionType: Fact;
  const latestOnLine = line.length > 0 && line[line.length - 1] === latest;
  if (latest.value !== 'PD' || !latestOnLine) {
    progressionType = known('none', { ...src, derived: { from, method: 'progression-type', detail: latestOnLine ? `latest response ${String(latest.value)}` : 'no assessment on the current line' } });
  } else {
    const before = line.slice(0, -1).map((e) => String(e.value));
    const responded = before.includes('CR') || before.includes('PR');
    const stable = before.includes('SD');
    const type = responded || (stable && options.sdThenPdIsAfterResponse) ? 'after-response' : 'primary';
    const detail = responded
      ? 'PD after CR/PR on the current line'
      : stable
        ? `PD after SD (configured as ${type})`
        : 'PD without prior response on the current line';
    progressionType = known(type, { ...src, sources: line.map((e) => e.source), derived: { from, method: 'progression-type', detail } });
  }

  let progressionAfterLastTace: Fact;
  const tace = get('lastTaceDate');
  if (latest.value !== 'PD') progressionAfterLastTace = known(false, { ...src, derived: { from: ['latestResponse'], method: 'pd-after-tace' } });
  else if (!isKnown(tace)) {
    progressionAfterLastTace =
      tace.reason === 'no-data'
        ? known(false, { ...src, derived: { from: ['latestResponse', 'lastTaceDate'], method: 'pd-after-tace', detail: 'no TACE on record' } })
        : unknown('missing-inputs', { missing: ['lastTaceDate'] });
  } else {
    const after = at(latest) > Date.parse(String(tace.value));
    progressionAfterLastTace = known(after, { effective: latest.date, sources: [latest.source, ...tace.sources], derived: { from: ['latestResponse', 'latestResponseDate', 'lastTaceDate'], method: 'pd-after-tace', detail: `PD ${latest.date}, last TACE ${String(tace.value)}` } });
  }
  // The current line's start cannot be known (an unidentifiable drug may have begun it): what depends on the line is
  // Unknown too; a latest response other than SD / PD decides stableDiseaseDays / progressionType without it.
  if (!isKnown(start) && start.reason === 'unmappable-value') {
    const lineUnknown = unknown('unmappable-value', {
      missing: ['targetedImmuneStart'],
      detail: `start of the current line unknown${start.detail === undefined ? '' : ` (${start.detail})`}`,
      ...(start.sources === undefined ? {} : { sources: start.sources }),
    });
    bestResponse = lineUnknown;
    if (latest.value === 'SD') stableDiseaseDays = lineUnknown;
    if (latest.value === 'PD') progressionType = lineUnknown;
  }
  return { latestResponse, latestResponseDate, responseCriteria, bestResponse, stableDiseaseDays, progressionType, progressionAfterLastTace };
}
