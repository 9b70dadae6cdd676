/** Whole days from a known date fact to "now" (daysSinceLastHaic, daysSinceContrastImaging). */
import { isKnown, known, unknown, type Fact } from '../facts';
import { nonFinite } from './finite';
import type { FactLookup } from './types';

const DAY_MS = 86_400_000;

/** floor((now − date) / 1 day) of the named date fact; Unknown no-data (missing) without it, data-error when unparsable. */
export function daysSince(get: FactLookup, name: string, now: Date): Fact {
  const date = get(name);
  if (isKnown(date) && typeof date.value === 'string' && Number.isFinite(Date.parse(date.value))) {
    const days = Math.floor((now.getTime() - Date.parse(date.value)) / DAY_MS);
    if (!Number.isFinite(days)) return nonFinite(date.sources);
    return known(days, { effective: date.value, sources: date.sources, derived: { from: [name], method: 'days-to-now' } });
  }
  return unknown(isKnown(date) ? 'data-error' : 'no-data', { missing: [name] });
}

/** daysSinceContrastImaging from contrastImagingDate. */
export function imagingRecency(get: FactLookup, now: Date): Record<'daysSinceContrastImaging', Fact> {
  return { daysSinceContrastImaging: daysSince(get, 'contrastImagingDate', now) };
}
