/** Band lookup for cut-off tables (bounds inclusive or exclusive exactly as the table says). */
import type { Band } from './types';

/** The result of the first band whose bounds all hold for `value`; undefined when none does. */
export function bandFor<R extends number | string>(bands: readonly Band<R>[], value: number, limit?: number): R | undefined {
  const bound = (b: number | 'limit' | undefined): number | undefined => (b === 'limit' ? limit : b);
  for (const band of bands) {
    if ([band.gt, band.gte, band.lt, band.lte].includes('limit') && limit === undefined) continue;
    const gt = bound(band.gt);
    const gte = bound(band.gte);
    const lt = bound(band.lt);
    const lte = bound(band.lte);
    if (gt !== undefined && !(value > gt)) continue;
    if (gte !== undefined && !(value >= gte)) continue;
    if (lt !== undefined && !(value < lt)) continue;
    if (lte !== undefined && !(value <= lte)) continue;
    return band.result;
  }
  return undefined;
}

/** Latest ISO date of the given (possibly undefined) dates. */
export function latestDate(dates: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  let bestMs = -Infinity;
  for (const d of dates) {
    if (d === undefined) continue;
    const ms = Date.parse(d);
    if (Number.isFinite(ms) && ms > bestMs) {
      best = d;
      bestMs = ms;
    }
  }
  return best;
}
