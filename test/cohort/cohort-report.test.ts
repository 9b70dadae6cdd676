/**
 * The cohort readiness report against figures computed by hand: a cohort of 6 HCC patients (scenario fixture,
 * plus two local lab results each), 2 copies of the same record without any Condition (HCC diagnosis unknown)
 * and 3 patients whose only Condition is a local code (no HCC), as a Bulk Data export with three malformed lines
 * and a Practitioner. Each patient's own answer is taken from a patient-view call (patient-truth.ts); every cohort
 * figure below is then derived by hand from those answers and the copy counts. Also: suppression, merge of two
 * sites versus the union cohort, gzip and Bundle-folder inputs, a file that fails part-way.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMappings } from '../../src/mapping/load-mappings';
import { listUnrecognisedCodes } from '../../src/mapping/unrecognised-codes';
import { mergeReports } from '../../src/cohort/merge-reports';
import type { CohortReport } from '../../src/cohort/report-types';
import { runCohort } from '../../src/cohort/run-cohort';
import { protectPartition, suppressReport } from '../../src/cohort/suppress-report';
import { reportProblems } from '../../src/cohort/validate-report';
import { AT, LOCAL_DX, LOCAL_LAB, appendMalformed, baseRecord, cohort, withCopyId, writeExport, type Kind } from './cohort-fixtures';
import { truthOf, type Truth } from './patient-truth';

const COUNTS: Record<Kind, number> = { hcc: 6, noCondition: 2, noHcc: 3 };
const KINDS: readonly Kind[] = ['hcc', 'noCondition', 'noHcc'];
const READ = 11;

let work: string;
let truth: Record<Kind, Truth>;
let internal: CohortReport;
let shareable: CohortReport;
let malformed: { file: string; line: number; kind: string }[];

const run = (input: string, out: string): ReturnType<typeof runCohort> => runCohort({ input, outDir: join(work, out), workers: 0, minCell: 5, at: AT });
const rate = (n: number): number => Math.round((n / READ) * 10_000) / 10_000;
const sum = (f: (kind: Kind) => number): number => KINDS.reduce((n, kind) => n + COUNTS[kind] * f(kind), 0);
const withoutTimes = (r: CohortReport): Omit<CohortReport, 'generatedAt' | 'input'> => {
  const { generatedAt: _g, input: _i, ...rest } = r;
  return rest;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hcc-cds-cohort-test-'));
  truth = { hcc: await truthOf(baseRecord('hcc'), AT), noCondition: await truthOf(baseRecord('noCondition'), AT), noHcc: await truthOf(baseRecord('noHcc'), AT) };
  writeExport(join(work, 'export'), cohort(COUNTS));
  malformed = appendMalformed(join(work, 'export'));
  const result = await run(join(work, 'export'), 'out');
  internal = result.internal;
  shareable = result.shareable;
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the per-patient answers the hand figures start from', () => {
  it('the HCC patient gets cards, the two others none; the scope is true, unknown and false', () => {
    expect(truth.hcc.scope).toBe(true);
    expect(truth.hcc.indicators.length).toBeGreaterThan(0);
    expect(truth.noCondition.scope).toBe('unknown');
    expect(truth.noCondition.indicators).toEqual([]);
    expect(truth.noHcc.scope).toBe(false);
    expect(truth.noHcc.indicators).toEqual([]);
    expect(Object.values(truth.noHcc.statuses).every((s) => s === 'notApplicable')).toBe(true);
  });
});

describe('the internal report equals the figures computed by hand', () => {
  it('patients read and by HCC diagnosis', () => {
    expect(internal.patients).toEqual({ read: 11, withHccDiagnosis: 6, withoutHccDiagnosis: 3, hccDiagnosisUnknown: 2, failed: 0 });
    expect(internal.complete).toBe(true);
    expect(internal.evaluatedAt).toBe('2025-06-01T00:00:00.000Z');
  });

  it('cards per patient: the 6 HCC patients in their bin, the 5 others at 0', () => {
    const k = truth.hcc.indicators.length;
    const bin = k >= 10 ? '10+' : String(k);
    const expected = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10+'].map((cards) => ({ cards, patients: cards === bin ? 6 : cards === '0' ? 5 : 0 }));
    expect(internal.cardsPerPatient).toEqual(expected);
  });

  it('cards by indicator: 6 × the HCC patient’s cards', () => {
    for (const indicator of ['critical', 'warning', 'info'] as const) {
      const perPatient = truth.hcc.indicators.filter((i) => i === indicator).length;
      expect(internal.cardsByIndicator.find((c) => c.indicator === indicator)).toEqual({ indicator, cards: 6 * perPatient, patients: perPatient > 0 ? 6 : 0 });
    }
  });

  it('every recommendation: fired / not evaluable / not applicable and both rates', () => {
    const ids = Object.keys(truth.hcc.statuses).sort();
    expect(internal.recommendations.map((r) => r.id).sort()).toEqual(ids);
    for (const id of ids) {
      const fired = sum((kind) => (truth[kind].statuses[id] === 'fires' ? 1 : 0));
      const notEvaluable = sum((kind) => (truth[kind].statuses[id] === 'notEvaluable' ? 1 : 0));
      expect(internal.recommendations.find((r) => r.id === id)).toEqual({
        id,
        fired,
        notEvaluable,
        notApplicable: READ - fired - notEvaluable,
        firingRate: rate(fired),
        notEvaluableRate: rate(notEvaluable),
      });
    }
    // Spot check with literal numbers: a recommendation firing for the HCC patients alone fires for 6 of 11.
    const firedForHcc = ids.find((id) => truth.hcc.statuses[id] === 'fires' && truth.noCondition.statuses[id] === 'notEvaluable');
    expect(internal.recommendations.find((r) => r.id === firedForHcc)).toMatchObject({ fired: 6, notEvaluable: 2, notApplicable: 3, firingRate: 0.5455, notEvaluableRate: 0.1818 });
  });

  it('missing inputs: blocked pairs, patients and the recommendations each fact blocks', () => {
    const facts = new Set(KINDS.flatMap((kind) => Object.values(truth[kind].missing).flat()));
    expect(internal.missingInputs.map((m) => m.fact).sort()).toEqual([...facts].sort());
    for (const fact of facts) {
      const blocks = (kind: Kind): string[] => Object.entries(truth[kind].missing).filter(([, f]) => f.includes(fact)).map(([id]) => id);
      expect(internal.missingInputs.find((m) => m.fact === fact)).toEqual({
        fact,
        recommendationIds: [...new Set(KINDS.flatMap(blocks))].sort(),
        blocked: sum((kind) => blocks(kind).length),
        patients: sum((kind) => (blocks(kind).length > 0 ? 1 : 0)),
      });
    }
    // hccDiagnosis blocks every recommendation the record without a Condition could not evaluate: 2 patients.
    expect(internal.missingInputs.find((m) => m.fact === 'hccDiagnosis')).toMatchObject({ patients: 2, blocked: 2 * Object.keys(truth.noCondition.missing).length });
  });

  it('data issues by code: the ALT without a value in the 5 records without HCC', () => {
    expect(internal.dataIssues.find((d) => d.code === 'no-value')).toEqual({ code: 'no-value', issues: 5, patients: 5 });
    const codes = new Set(KINDS.flatMap((kind) => truth[kind].issueCodes));
    expect(internal.dataIssues.map((d) => d.code).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const n = (kind: Kind): number => truth[kind].issueCodes.filter((c) => c === code).length;
      expect(internal.dataIssues.find((d) => d.code === code)).toEqual({ code, issues: sum(n), patients: sum((kind) => (n(kind) > 0 ? 1 : 0)) });
    }
  });

  it('unrecognised codes: the local lab code 12 times in 6 patients, the local diagnosis 3 times in 3, ranked by frequency', () => {
    const rows = internal.unrecognisedCodes.rows;
    expect(internal.unrecognisedCodes.available).toBe(true);
    expect(rows.find((r) => r.code === LOCAL_LAB.code)).toEqual({ ...LOCAL_LAB, resourceType: 'Observation', occurrences: 12, patients: 6 });
    expect(rows.find((r) => r.code === LOCAL_DX.code)).toEqual({ ...LOCAL_DX, resourceType: 'Condition', occurrences: 3, patients: 3 });
    // Every other row comes from the fixtures: per record, times the copies.
    const mappings = loadMappings();
    const expected = new Map<string, { occurrences: number; patients: number }>();
    for (const kind of KINDS) {
      for (const u of listUnrecognisedCodes(mappings, baseRecord(kind))) {
        const key = `${u.resourceType}|${u.system}|${u.code}`;
        const row = expected.get(key) ?? { occurrences: 0, patients: 0 };
        expected.set(key, { occurrences: row.occurrences + COUNTS[kind] * u.count, patients: row.patients + COUNTS[kind] });
      }
    }
    expect(new Map(rows.map((r) => [`${r.resourceType}|${r.system}|${r.code}`, { occurrences: r.occurrences, patients: r.patients }]))).toEqual(expected);
    const occurrences = rows.map((r) => r.occurrences as number);
    expect(occurrences).toEqual([...occurrences].sort((a, b) => b - a));
  });

  it('input: lines, resources, the three malformed lines with file and line, the Practitioner not patient data', () => {
    const resources = cohort(COUNTS).reduce((n, p) => n + p.resources.length, 0);
    expect(internal.input).toMatchObject({ kind: 'bulk-ndjson', lines: resources + 4, resources: resources + 1, failedInputs: [], ignoredResources: [{ resourceType: 'Practitioner', count: 1 }] });
    expect(internal.input.problems).toEqual([{ kind: 'invalid-json', count: 1 }, { kind: 'missing-id', count: 1 }, { kind: 'not-a-resource', count: 1 }]);
    expect(internal.input.problemDetails?.map((p) => ({ file: p.file, line: p.line, kind: p.kind }))).toEqual(malformed);
    expect(internal.input.files).toBe(readdirSync(join(work, 'export')).length);
  });
});

describe('the shareable report suppresses small counts exactly as the rule says', () => {
  it('patients: 3 without and 2 unknown are hidden, 6 with HCC and 11 read are shown', () => {
    expect(shareable.shareable).toBe(true);
    expect(shareable.patients).toEqual({ read: 11, withHccDiagnosis: 6, withoutHccDiagnosis: null, hccDiagnosisUnknown: null, failed: 0 });
  });

  it('a partition with one small cell loses its next-smallest cell too; two small cells are enough alone', () => {
    for (const r of internal.recommendations) {
      const small = (n: number | null): boolean => n !== null && n > 0 && n < 5;
      const cells = [r.fired, r.notEvaluable, r.notApplicable];
      const hidden = cells.map(small);
      if (hidden.filter(Boolean).length === 1) {
        const others = cells.map((c, i) => (hidden[i] || c === 0 ? Infinity : (c as number)));
        hidden[others.indexOf(Math.min(...others))] = true;
      }
      const s = shareable.recommendations.find((x) => x.id === r.id)!;
      expect([s.fired, s.notEvaluable, s.notApplicable]).toEqual(cells.map((c, i) => (hidden[i] ? null : c)));
      expect(s.firingRate).toBe(hidden[0] ? null : r.firingRate);
    }
  });

  it('literal case of the secondary rule: 6 / 5 / 2 shows as 6 / hidden / hidden (the 2 would be 13 − 6 − 5)', () => {
    const patients = { read: 13, withHccDiagnosis: 6, withoutHccDiagnosis: 5, hccDiagnosisUnknown: 2, failed: 0 };
    expect(suppressReport({ ...internal, patients }).patients).toEqual({ read: 13, withHccDiagnosis: 6, withoutHccDiagnosis: null, hccDiagnosisUnknown: null, failed: 0 });
    expect(protectPartition([0, null, 9])).toEqual([0, null, null]);
    expect(protectPartition([null, 7, null])).toEqual([null, 7, null]);
    expect(protectPartition([0, 0, 12])).toEqual([0, 0, 12]);
  });

  it('the local diagnosis row (3 patients) is left out and counted; the local lab row (6) stays', () => {
    expect(shareable.unrecognisedCodes.rows.find((r) => r.code === LOCAL_DX.code)).toBeUndefined();
    expect(shareable.unrecognisedCodes.rows.find((r) => r.code === LOCAL_LAB.code)).toMatchObject({ occurrences: 12, patients: 6 });
    expect(shareable.unrecognisedCodes.suppressedRows).toBe(internal.unrecognisedCodes.rows.filter((r) => (r.patients as number) < 5).length);
  });

  it('carries no file/line details, no cell below minCell, and both reports match the schema', () => {
    expect(shareable.input.problemDetails).toBeUndefined();
    expect(reportProblems(shareable)).toEqual([]);
    expect(reportProblems(internal)).toEqual([]);
    const written = JSON.parse(readFileSync(join(work, 'out', 'report.json'), 'utf8')) as CohortReport;
    expect(written).toEqual(shareable);
    expect(reportProblems({ ...shareable, patients: { ...shareable.patients, withoutHccDiagnosis: 3 } })).toEqual(['patients.withoutHccDiagnosis = 3 is below minCell 5 in a shareable report']);
  });
});

describe('merge of two sites equals the union cohort', () => {
  let siteA: CohortReport;
  let siteB: CohortReport;
  let union: CohortReport;
  beforeAll(async () => {
    const a = cohort({ hcc: 5, noCondition: 0, noHcc: 0 }, 'a-');
    const b = cohort({ hcc: 5, noCondition: 2, noHcc: 3 }, 'b-');
    writeExport(join(work, 'site-a'), a);
    writeExport(join(work, 'site-b'), b);
    writeExport(join(work, 'union'), [...a, ...b]);
    siteA = (await run(join(work, 'site-a'), 'out-a')).internal;
    siteB = (await run(join(work, 'site-b'), 'out-b')).internal;
    union = (await run(join(work, 'union'), 'out-union')).internal;
  }, 120_000);

  it('internal reports merge exactly', () => {
    const merged = mergeReports([siteA, siteB]);
    expect(merged.shareable).toBe(false);
    expect(withoutTimes(merged)).toEqual({ ...withoutTimes(union), reportsMerged: 2 });
    expect(merged.input.resources).toBe(union.input.resources);
    expect(merged.input.lines).toBe(union.input.lines);
    expect(reportProblems(merged)).toEqual([]);
  });

  it('shareable reports merge conservatively: every shown cell equals the union’s, suppressed ones stay suppressed', () => {
    const a = suppressReport(siteA);
    const b = suppressReport(siteB);
    const merged = mergeReports([a, b]);
    expect(merged.shareable).toBe(true);
    expect(reportProblems(merged)).toEqual([]);
    const cells = (r: CohortReport): Map<string, number | null> =>
      new Map<string, number | null>([
        ...Object.entries(r.patients),
        ...r.cardsPerPatient.map((x): [string, number | null] => [`bin ${x.cards}`, x.patients]),
        ...r.recommendations.flatMap((x): [string, number | null][] => [[`${x.id} fired`, x.fired], [`${x.id} nE`, x.notEvaluable], [`${x.id} nA`, x.notApplicable]]),
        ...r.dataIssues.map((x): [string, number | null] => [`issue ${x.code}`, x.patients]),
      ]);
    const unionCells = cells(union);
    for (const [name, value] of cells(merged)) {
      if (value !== null) expect([name, value]).toEqual([name, unionCells.get(name)]);
    }
    // Site B's 3 patients without HCC are hidden there, so the pooled cell stays hidden (site A's 0 is shown).
    expect(a.patients.withoutHccDiagnosis).toBe(0);
    expect(b.patients.withoutHccDiagnosis).toBeNull();
    expect(merged.patients).toEqual({ read: 15, withHccDiagnosis: 10, withoutHccDiagnosis: null, hccDiagnosisUnknown: null, failed: 0 });
    expect(union.patients).toEqual({ read: 15, withHccDiagnosis: 10, withoutHccDiagnosis: 3, hccDiagnosisUnknown: 2, failed: 0 });
  });
});

describe('other input shapes give the same figures', () => {
  it('a gzip-compressed export', async () => {
    const dir = join(work, 'gz');
    mkdirSync(dir);
    for (const name of readdirSync(join(work, 'export'))) writeFileSync(join(dir, `${name}.gz`), gzipSync(readFileSync(join(work, 'export', name))));
    const gz = (await run(dir, 'out-gz')).internal;
    expect(withoutTimes(gz)).toEqual(withoutTimes(internal));
    expect(gz.input.problemDetails?.map((p) => p.file)).toEqual(malformed.map((m) => `${m.file}.gz`));
  });

  it('a folder of patient Bundles', async () => {
    const dir = join(work, 'bundles');
    mkdirSync(dir);
    for (const p of cohort(COUNTS)) writeFileSync(join(dir, `${p.id}.json`), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: p.resources.map((resource) => ({ resource })) }));
    writeFileSync(join(dir, 'broken.json'), '{"resourceType": "Bundle", ');
    const bundles = (await run(dir, 'out-bundles')).internal;
    const { input: _i, generatedAt: _g, complete: _c, ...rest } = bundles;
    const { input: _i2, generatedAt: _g2, complete: _c2, ...expected } = internal;
    expect(rest).toEqual(expected);
    expect(bundles.input.problems).toEqual([{ kind: 'invalid-json', count: 1 }]);
    expect(bundles.input.failedInputs).toEqual(['broken.json']);
    expect(bundles.complete).toBe(false);
  });

  it('a gzip file that breaks part-way is named as a failed input; the other files are still read', async () => {
    const dir = join(work, 'truncated');
    mkdirSync(dir);
    for (const name of readdirSync(join(work, 'export'))) {
      const gz = gzipSync(readFileSync(join(work, 'export', name)));
      writeFileSync(join(dir, `${name}.gz`), name === 'Observation.ndjson' ? gz.subarray(0, Math.floor(gz.length / 2)) : gz);
    }
    const result = await run(dir, 'out-truncated');
    expect(result.failedInputs).toEqual(['Observation.ndjson.gz']);
    expect(result.internal.complete).toBe(false);
    expect(result.internal.patients.read).toBe(11);
    expect(result.internal.input.problems.find((p) => p.kind === 'unreadable-file')).toEqual({ kind: 'unreadable-file', count: 1 });
    expect(result.shareable.input.failedInputs).toEqual(['Observation.ndjson.gz']);
  });
});

describe('a site profile is applied as the service applies it', () => {
  const PROFILE = join(__dirname, '..', '..', 'examples', 'site-profiles', 'example-hospital');
  const TWINS = ['naive-iiia-pvtt', 'on-atezolizumab-bevacizumab-after-tace'];

  function writeTwins(dir: string, variant: 'local' | 'standard'): void {
    mkdirSync(dir, { recursive: true });
    for (const twin of TWINS) {
      const bundle = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'site-profile', `${twin}.${variant}.json`), 'utf8')) as { entry: { resource: import('fhir/r4').FhirResource }[] };
      for (let i = 1; i <= 5; i++) {
        const resources = withCopyId(bundle.entry.map((e) => e.resource), `${twin}-${i}`);
        writeFileSync(join(dir, `${twin}-${i}.json`), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) }));
      }
    }
  }

  it('records in local codes read with the example profile give the figures of their standard-coded twins; without it, their local codes are listed', async () => {
    writeTwins(join(work, 'twins-local'), 'local');
    writeTwins(join(work, 'twins-standard'), 'standard');
    const standard = (await run(join(work, 'twins-standard'), 'out-standard')).internal;
    const local = (
      await runCohort({ input: join(work, 'twins-local'), outDir: join(work, 'out-local'), workers: 0, minCell: 5, at: AT, siteProfileDir: PROFILE })
    ).internal;
    const bare = (await run(join(work, 'twins-local'), 'out-bare')).internal;
    const figures = (r: CohortReport): unknown => ({ patients: r.patients, cardsPerPatient: r.cardsPerPatient, cardsByIndicator: r.cardsByIndicator, recommendations: r.recommendations, missingInputs: r.missingInputs });
    expect(local.siteProfile).toMatchObject({ requested: true, applied: true });
    expect(standard.patients.withHccDiagnosis).toBe(10);
    expect(figures(local)).toEqual(figures(standard));
    expect(figures(bare)).not.toEqual(figures(standard));
    expect(bare.unrecognisedCodes.rows.length).toBeGreaterThan(local.unrecognisedCodes.rows.length);
  }, 120_000);
});

describe('a patient whose evaluation fails', () => {
  it('is counted as failed, named by its input in the internal report only, and makes the run incomplete', async () => {
    const dir = join(work, 'two-patients');
    mkdirSync(dir);
    const [one, two] = cohort({ hcc: 0, noCondition: 0, noHcc: 2 }, 'two-');
    writeFileSync(join(dir, 'merged-record.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [...one!.resources, ...two!.resources].map((resource) => ({ resource })) }));
    const result = await run(dir, 'out-two');
    expect(result.internal.patients).toEqual({ read: 1, withHccDiagnosis: 0, withoutHccDiagnosis: 0, hccDiagnosisUnknown: 0, failed: 1 });
    expect(result.internal.complete).toBe(false);
    expect(result.internal.input.problemDetails).toEqual([{ file: 'merged-record.json', kind: 'patient-failed', message: 'the Bundle holds more than one Patient; send one patient record' }]);
    expect(result.shareable.input.problemDetails).toBeUndefined();
    expect(result.shareable.patients.failed).toBe(1);
  });
});

describe('an interrupted run resumes from its checkpoint', () => {
  it('stopped after 5 patients, resumed: the same report as an uninterrupted run, no patient counted twice', async () => {
    const out = join(work, 'out-resume');
    const options = { input: join(work, 'export'), outDir: out, workers: 0, minCell: 5, at: AT, partitionBytes: 16 * 1024 };
    let ticks = 0;
    const stopping = { phase() {}, finish() {}, tick() { if (++ticks === 5) throw new Error('interrupted'); } };
    await expect(runCohort({ ...options, progress: stopping })).rejects.toThrow('interrupted');
    expect(readdirSync(join(out, '.cohort-work'))).toEqual(expect.arrayContaining(['checkpoint.json', 'partitions', 'shared.json']));
    const notices: string[] = [];
    const resumed = await runCohort({ ...options, resume: true, onNotice: (n) => notices.push(n) });
    expect(notices[0]).toMatch(/^resuming after [1-9]\d* of \d+ partitions$/);
    expect(withoutTimes(resumed.internal)).toEqual(withoutTimes(internal));
    expect(resumed.internal.input).toEqual(internal.input);
    expect(existsSync(join(out, '.cohort-work'))).toBe(false);
  }, 120_000);

  it('--resume without a checkpoint of this run starts over', async () => {
    const notices: string[] = [];
    const fresh = await runCohort({ input: join(work, 'export'), outDir: join(work, 'out-resume-none'), workers: 0, minCell: 5, at: AT, resume: true, onNotice: (n) => notices.push(n) });
    expect(notices).toEqual(['no checkpoint of this run to resume: starting over']);
    expect(withoutTimes(fresh.internal)).toEqual(withoutTimes(internal));
  }, 120_000);
});
