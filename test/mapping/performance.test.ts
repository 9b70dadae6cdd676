/**
 * Hot-path cost of extractFacts (RULES.md: p50 ≤ 3 ms per hook call with 500 resources). Measures the median over
 * repeated runs on generated records of 500 and 5 000 resources and checks the cost grows about linearly.
 * Bounds use the fastest run (robust to CPU contention on shared machines) and are loose; the numbers are printed.
 */
import { generateRecord } from '../../scripts/lib/generate-record';
import { extractFacts } from '../../src/mapping';
import { mappings } from './support';

const NOW = new Date('2025-06-01T08:00:00Z');

function timings(size: number, runs: number, warmup: number): { median: number; min: number } {
  const { resources } = generateRecord({ size, patientId: 'perf-1', seed: 7, now: NOW });
  // Warm-up lets the JIT optimise the hot path, as in a long-running server.
  for (let i = 0; i < warmup; i += 1) extractFacts(mappings(), resources, { patientId: 'perf-1', now: NOW });
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    extractFacts(mappings(), resources, { patientId: 'perf-1', now: NOW });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] as number, min: times[0] as number };
}

it('500 resources in a few milliseconds; 5 000 scale about linearly', () => {
  mappings();
  const t500 = timings(500, 200, 300);
  const t5000 = timings(5000, 20, 20);
  process.stdout.write(
    `extractFacts: 500 resources median ${t500.median.toFixed(3)} ms (min ${t500.min.toFixed(3)}); 5000 resources median ${t5000.median.toFixed(3)} ms (min ${t5000.min.toFixed(3)})\n`,
  );
  expect(t500.min).toBeLessThan(10);
  expect(t5000.min / t500.min).toBeLessThan(25);
});
