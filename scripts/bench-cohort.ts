/**
 * `npm run bench:cohort` (issue 14; a measurement, not a timed test): generates cohorts of N patients with the
 * project's record generator (60–160 resources each) as a Bulk Data export, runs the built CLI
 * (`hcc-cds cohort`) on 1 and on 2 worker threads in a fresh process each, and prints patients per second (wall
 * clock, partitioning and engine start included) and the process's peak RSS (main thread + workers). Target:
 * under 500 MiB and not growing with the cohort (1 000 vs 10 000).
 *
 * Options: --patients=1000,10000  --workers=1,2  --keep (keep the generated exports in bench-results/cohort-data).
 * Writes bench-results/cohort.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeBulkCohort } from './lib/bulk-cohort';
import { repoRoot } from './lib/repo-root';

interface Row {
  readonly patients: number;
  readonly resources: number;
  readonly workers: number;
  readonly seconds: number;
  readonly patientsPerSecond: number;
  readonly peakRssMiB: number;
  readonly exitCode: number | null;
}

function listArg(name: string, fallback: number[]): number[] {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3).split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

// Runs the CLI in this child and reports its own peak RSS (worker threads live in the same process).
const CHILD = `
const { main } = require(process.argv[1]);
const started = process.hrtime.bigint();
main(process.argv.slice(2), { out: () => {}, err: () => {} }).then((code) => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ code, seconds, maxRssKiB: process.resourceUsage().maxRSS }));
});
`;

function main(): void {
  const root = repoRoot(__dirname);
  const sizes = listArg('patients', [1000, 10_000]);
  const workerCounts = listArg('workers', [1, 2]);
  const keep = process.argv.includes('--keep');
  const base = keep ? path.join(root, 'bench-results', 'cohort-data') : mkdtempSync(path.join(os.tmpdir(), 'hcc-cds-bench-cohort-'));
  const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
  const at = '2026-01-01T00:00:00Z';
  const rows: Row[] = [];
  try {
    for (const patients of sizes) {
      const dir = path.join(base, `bulk-${patients}`);
      rmSync(dir, { recursive: true, force: true });
      const started = Date.now();
      const { resources } = writeBulkCohort(dir, { patients, now: new Date(at) });
      process.stderr.write(`generated ${patients} patients (${resources} resources) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      for (const workers of workerCounts) {
        const out = path.join(base, `out-${patients}-${workers}`);
        const run = spawnSync(process.execPath, ['-e', CHILD, cli, 'cohort', dir, '--out', out, '--workers', String(workers), '--at', at], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const result = JSON.parse(run.stdout || '{}') as { code?: number; seconds?: number; maxRssKiB?: number };
        const seconds = result.seconds ?? NaN;
        rows.push({
          patients,
          resources,
          workers,
          seconds: Math.round(seconds * 10) / 10,
          patientsPerSecond: Math.round((patients / seconds) * 10) / 10,
          peakRssMiB: Math.round((result.maxRssKiB ?? NaN) / 1024),
          exitCode: result.code ?? run.status,
        });
        process.stderr.write(`  ${workers} worker(s): ${JSON.stringify(rows[rows.length - 1])}${run.stderr ? `\n${run.stderr}` : ''}\n`);
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    if (!keep) rmSync(base, { recursive: true, force: true });
  }
  const table = [
    '| patients | resources | workers | wall s | patients/s | peak RSS MiB | exit |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.patients} | ${r.resources} | ${r.workers} | ${r.seconds} | ${r.patientsPerSecond} | ${r.peakRssMiB} | ${String(r.exitCode)} |`),
  ].join('\n');
  process.stdout.write(`${table}\n\nmachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; target peak RSS < 500 MiB, flat from 1 000 to 10 000 patients\n`);
  mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  writeFileSync(path.join(root, 'bench-results', 'cohort.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rows }, null, 2)}\n`);
}

main();
