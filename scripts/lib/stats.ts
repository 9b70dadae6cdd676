/**
 * Latency statistics over nanosecond samples (process.hrtime.bigint), reported in microseconds.
 */

/** Summary of one run. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Summarises nanosecond samples in microseconds (rounded to 1 µs). */
export function summarise(samplesNs: readonly bigint[]): LatencySummary {
  const us = samplesNs.map((n) => Number(n) / 1000).sort((a, b) => a - b);
  const mean = us.reduce((s, v) => s + v, 0) / Math.max(1, us.length);
  const r = (v: number): number => Math.round(v);
  return {
    count: us.length,
    p50Us: r(percentile(us, 50)),
    p90Us: r(percentile(us, 90)),
    p99Us: r(percentile(us, 99)),
    maxUs: r(us[us.length - 1] ?? Number.NaN),
    meanUs: r(mean),
  };
}
