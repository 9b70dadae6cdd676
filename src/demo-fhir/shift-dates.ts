/**
 * Moves a synthetic record in time by whole days, so that a vignette written for a fixed moment reads as
 * "today" to a service running on the wall clock (the playground and the demo FHIR server; the engine's
 * lookback windows would otherwise see every lab as stale). Dates keep their precision and time zone.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;
/** Members whose string values are identifiers, never dates. */
const SKIP = new Set(['id', 'reference', 'url', 'system', 'code', 'fullUrl', 'div', 'uuid', 'hookInstance']);
const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function shiftDay(y: number, m: number, d: number, days: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** Shifts one FHIR date or dateTime string by whole days; other strings are returned unchanged. */
export function shiftDateString(value: string, days: number): string {
  const date = DATE.exec(value);
  if (date !== null) {
    const [y, m, d] = shiftDay(Number(date[1]), Number(date[2]), Number(date[3]), days);
    return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
  }
  const dt = DATE_TIME.exec(value);
  if (dt !== null) {
    const [y, m, d] = shiftDay(Number(dt[1]), Number(dt[2]), Number(dt[3]), days);
    return `${pad(y, 4)}-${pad(m)}-${pad(d)}T${dt[4]}:${dt[5]}${dt[6] ?? ''}${dt[7] ?? ''}`;
  }
  return value;
}

/** Returns a deep copy of a JSON value with every date and dateTime string moved by `days`. */
export function shiftDates<T>(value: T, days: number): T {
  if (days === 0) return value;
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') return key !== undefined && SKIP.has(key) ? node : shiftDateString(node, days);
    if (Array.isArray(node)) return node.map((item) => walk(item, key));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = walk(v, k);
      return out;
    }
    return node;
  };
  return walk(value, undefined) as T;
}

/** Whole days from `from` to `to` (rounded down), the shift that maps a vignette's moment onto `to`. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}
