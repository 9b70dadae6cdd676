/**
 * `hcc-cds cohort` and `hcc-cds cohort merge` through the real command (node bin/hcc-cds.js, the built CLI, worker
 * threads included): exit codes 0 / 2 / 3, the files written, the report on 2 worker threads equal to the report
 * evaluated on the main thread, and stderr naming the malformed lines and failed inputs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { projectRoot } from '../../src/config/project-root';
import type { CohortReport } from '../../src/cohort/report-types';
import { runCohort } from '../../src/cohort/run-cohort';
import { AT, appendMalformed, cohort, writeExport } from '../cohort/cohort-fixtures';

const ROOT = projectRoot();
const BIN = join(ROOT, 'bin', 'hcc-cds.js');

let work: string;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function read(path: string): CohortReport {
  return JSON.parse(readFileSync(path, 'utf8')) as CohortReport;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cohort', 'cohort-worker.js'))) throw new Error('dist/ is not built: npm run build');
  work = mkdtempSync(join(tmpdir(), 'hcc-cds-cohort-cli-'));
  writeExport(join(work, 'export'), cohort({ hcc: 6, noCondition: 2, noHcc: 3 }));
  appendMalformed(join(work, 'export'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('hcc-cds cohort', () => {
  it('exit 0: writes the three files; 2 worker threads give the main thread’s report; malformed lines named on stderr', async () => {
    const out = join(work, 'out');
    const r = cli('cohort', join(work, 'export'), '--out', out, '--workers', '2', '--at', AT);
    expect(r.stderr).toContain('input problem: Observation.ndjson:');
    expect(r.stderr).toMatch(/invalid-json/);
    expect(r.stderr).toContain('evaluating on 2 worker thread(s) (11 patients)');
    expect(r.stderr).toMatch(/patients 11\/11 · [\d.]+\/s/);
    expect(r.stdout).toContain('11 patients read, 6 with an HCC diagnosis, 0 failed; 3 input problems');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.internal.json', 'report.json']);
    const inProcess = await runCohort({ input: join(work, 'export'), outDir: join(work, 'in-process'), workers: 0, minCell: 5, at: AT });
    const strip = (x: CohortReport): unknown => ({ ...x, generatedAt: '' });
    expect(strip(read(join(out, 'report.internal.json')))).toEqual(strip(inProcess.internal));
    expect(strip(read(join(out, 'report.json')))).toEqual(strip(inProcess.shareable));
  }, 120_000);

  it('--min-cell changes the threshold', () => {
    const out = join(work, 'out-min');
    expect(cli('cohort', join(work, 'export'), '--out', out, '--workers', '1', '--at', AT, '--min-cell', '7').status).toBe(0);
    const report = read(join(out, 'report.json'));
    expect(report.minCell).toBe(7);
    expect(report.patients.withHccDiagnosis).toBeNull();
    expect(report.patients.read).toBe(11);
  }, 120_000);

  it('exit 3: an input that does not exist, a folder without NDJSON or Bundles', () => {
    const missing = cli('cohort', join(work, 'nope'), '--out', join(work, 'x'));
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain(`cannot read ${join(work, 'nope')} (ENOENT)`);
    mkdirSync(join(work, 'empty'));
    writeFileSync(join(work, 'empty', 'notes.txt'), 'nothing here');
    const empty = cli('cohort', join(work, 'empty'), '--out', join(work, 'x'));
    expect(empty.status).toBe(3);
    expect(empty.stderr).toContain('holds no .ndjson, .ndjson.gz, .json or .json.gz file');
  });

  it('exit 3 with the report written when a file fails part-way; the failed input is named', () => {
    const dir = join(work, 'truncated');
    mkdirSync(dir);
    for (const name of readdirSync(join(work, 'export'))) {
      const gz = gzipSync(readFileSync(join(work, 'export', name)));
      writeFileSync(join(dir, `${name}.gz`), name === 'Observation.ndjson' ? gz.subarray(0, 200) : gz);
    }
    const out = join(work, 'out-truncated');
    const r = cli('cohort', dir, '--out', out, '--workers', '1', '--at', AT);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('failed input: Observation.ndjson.gz');
    expect(read(join(out, 'report.json'))).toMatchObject({ complete: false, input: { failedInputs: ['Observation.ndjson.gz'] } });
  }, 120_000);

  it('--resume continues a run that stopped part-way (interrupted in this process), with the report of an uninterrupted one', async () => {
    const out = join(work, 'out-interrupted');
    let ticks = 0;
    const stopping = { phase() {}, finish() {}, tick() { if (++ticks === 4) throw new Error('interrupted'); } };
    await expect(runCohort({ input: join(work, 'export'), outDir: out, workers: 0, minCell: 5, at: AT, partitionBytes: 16 * 1024, progress: stopping })).rejects.toThrow('interrupted');
    const r = cli('cohort', join(work, 'export'), '--out', out, '--workers', '1', '--at', AT, '--resume');
    expect(r.stderr).toMatch(/hcc-cds cohort: resuming after \d+ of \d+ partitions/);
    expect(r.status).toBe(0);
    const clean = await runCohort({ input: join(work, 'export'), outDir: join(work, 'out-clean'), workers: 0, minCell: 5, at: AT });
    expect({ ...read(join(out, 'report.internal.json')), generatedAt: '' }).toEqual({ ...clean.internal, generatedAt: '' });
  }, 120_000);

  it('exit 2: a bad option value, an unknown option, no input', () => {
    expect(cli('cohort', join(work, 'export'), '--workers', 'many').status).toBe(2);
    expect(cli('cohort', join(work, 'export'), '--bogus', '1').status).toBe(2);
    expect(cli('cohort', join(work, 'export'), '--at', 'yesterday').status).toBe(2);
    const none = cli('cohort');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('missing <input>');
  });

  it('--site-profile: a folder that does not exist, or that is no valid profile, is exit 3 naming the problem; the example profile is applied', () => {
    expect(cli('cohort', join(work, 'export'), '--site-profile', join(work, 'no-profile')).status).toBe(3);
    mkdirSync(join(work, 'profile'));
    const bad = cli('cohort', join(work, 'export'), '--site-profile', join(work, 'profile'), '--out', join(work, 'x'));
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain('no site-profile.yaml');
    const out = join(work, 'out-profile');
    const good = cli('cohort', join(work, 'export'), '--site-profile', join(ROOT, 'examples', 'site-profiles', 'example-hospital'), '--out', out, '--workers', '1', '--at', AT);
    expect(good.status).toBe(0);
    expect(read(join(out, 'report.json')).siteProfile).toMatchObject({ requested: true, applied: true });
  }, 120_000);
});

describe('hcc-cds cohort merge', () => {
  beforeAll(async () => {
    await runCohort({ input: join(work, 'export'), outDir: join(work, 'site'), workers: 0, minCell: 5, at: AT });
  }, 120_000);

  it('exit 0: internal reports give an exact internal result and a shareable one; shareable inputs a shareable one', () => {
    const out = join(work, 'merged');
    const internal = join(work, 'site', 'report.internal.json');
    const r = cli('cohort', 'merge', internal, internal, '--out', out);
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.internal.json', 'report.json']);
    expect(read(join(out, 'report.internal.json')).patients).toEqual({ read: 22, withHccDiagnosis: 12, withoutHccDiagnosis: 6, hccDiagnosisUnknown: 4, failed: 0 });
    // 12 / 6 / 4: the 4 is hidden, and the 6 with it (else 22 − 12 − 6 gives it back).
    expect(read(join(out, 'report.json')).patients).toEqual({ read: 22, withHccDiagnosis: 12, withoutHccDiagnosis: null, hccDiagnosisUnknown: null, failed: 0 });
    const shared = join(work, 'merged-shared');
    const s = cli('cohort', 'merge', join(work, 'site', 'report.json'), join(work, 'site', 'report.json'), '--out', shared);
    expect(s.status).toBe(0);
    expect(readdirSync(shared).sort()).toEqual(['report.html', 'report.json']);
    expect(read(join(shared, 'report.json')).patients).toEqual({ read: 22, withHccDiagnosis: 12, withoutHccDiagnosis: null, hccDiagnosisUnknown: null, failed: 0 });
  });

  it('exit 3: a file that is not a cohort report, or missing; exit 2 without files', () => {
    writeFileSync(join(work, 'not-a-report.json'), JSON.stringify({ format: 'something else' }));
    const bad = cli('cohort', 'merge', join(work, 'not-a-report.json'), '--out', join(work, 'y'));
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain('is not a cohort report');
    expect(cli('cohort', 'merge', join(work, 'missing.json')).status).toBe(3);
    expect(cli('cohort', 'merge').status).toBe(2);
  });
});
