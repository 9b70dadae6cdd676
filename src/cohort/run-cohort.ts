/**
 * A cohort run end to end: recognise the input, group it by patient (partition-by-patient.ts for a Bulk Data
 * export; one file per patient for Bundles), evaluate every patient on the worker pool, tally, and write
 * report.internal.json (exact, stays at the hospital), report.json (suppressed, shareable; schema-validated) and
 * report.html (from the shareable report). The work folder (partitions, checkpoint.ts) is removed after a
 * complete run and kept after an interrupted one, for --resume.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FhirResource } from 'fhir/r4';
import { readCheckpoint, readShared, runFingerprint, writeCheckpoint, writeShared, type Checkpoint } from './checkpoint';
import { buildReport } from './build-report';
import { recogniseInput } from './cohort-input';
import { addOutcome, emptyTally } from './cohort-tally';
import { InputProblems } from './input-problems';
import { partitionByPatient } from './partition-by-patient';
import type { BundleTask, PatientTask, TaskResult } from './patient-task';
import { silentProgress, type Progress } from './progress';
import { readPartition } from './read-partition';
import { renderReportHtml } from './render-report-html';
import type { CohortReport, InputProblemDetail, InputSummary } from './report-types';
import { SharedResources } from './shared-resources';
import { checkSiteProfile } from './site-profile-support';
import { suppressReport } from './suppress-report';
import { reportProblems } from './validate-report';
import { openPatientPool } from './worker-pool';

/** Options of a run. */
export interface CohortRunOptions {
  readonly input: string;
  readonly outDir: string;
  /** Evaluate every patient at this instant (ISO 8601); default: now. */
  readonly at?: string;
  readonly siteProfileDir?: string;
  /** Worker threads; 0 evaluates in the calling thread. */
  readonly workers: number;
  readonly minCell: number;
  readonly progress?: Progress;
  /** Called for each of the first input problems (file and line), e.g. to print them. */
  readonly onProblem?: (problem: InputProblemDetail) => void;
  /** Called with what the site profile's boot says (e.g. a prefetch query that loses its code filter) and whether a run resumes. */
  readonly onNotice?: (notice: string) => void;
  /** The work folder (partition files, checkpoint); default `<outDir>/.cohort-work`, removed after a complete run. */
  readonly workDir?: string;
  /** Continue an interrupted run of the same input from its checkpoint. */
  readonly resume?: boolean;
  /** NDJSON bytes per partition (default PARTITION_BYTES). */
  readonly partitionBytes?: number;
  readonly now?: () => Date;
}

/** What a run produced. */
export interface CohortRunResult {
  readonly internal: CohortReport;
  readonly shareable: CohortReport;
  readonly files: { readonly json: string; readonly internalJson: string; readonly html: string };
  /** Input files that failed part-way (named in both reports). */
  readonly failedInputs: readonly string[];
}

const BUNDLE_CHUNK = 512;

/** Runs the cohort; throws UnreadableInputError (exit 3) when the input cannot be read at all. */
export async function runCohort(options: CohortRunOptions): Promise<CohortRunResult> {
  const now = options.now ?? (() => new Date());
  const progress = options.progress ?? silentProgress;
  const input = recogniseInput(options.input);
  // A bad profile is one error before any work (the workers would each fail the same way).
  const profile = options.siteProfileDir !== undefined ? checkSiteProfile(options.siteProfileDir) : undefined;
  for (const notice of profile?.notices ?? []) options.onNotice?.(`site profile: ${notice}`);
  mkdirSync(options.outDir, { recursive: true });
  const problems = new InputProblems(options.onProblem);
  const shared = new SharedResources();
  const workRoot = options.workDir ?? join(options.outDir, '.cohort-work');
  const fingerprint = runFingerprint(input, options);
  const resumed = options.resume === true ? readCheckpoint(workRoot, fingerprint) : undefined;
  if (options.resume === true) options.onNotice?.(resumed === undefined ? 'no checkpoint of this run to resume: starting over' : `resuming after ${resumed.unitsDone} of ${input.kind === 'bulk-ndjson' ? `${resumed.partitions.length} partitions` : `${Math.ceil(input.files.length / BUNDLE_CHUNK)} chunks of Bundles`}`);
  if (resumed === undefined) {
    rmSync(workRoot, { recursive: true, force: true });
    mkdirSync(workRoot, { recursive: true });
  }
  let summary: Checkpoint['summary'];
  let partitions: readonly string[] = [];
  let expected: number | undefined;
  let sharedEntries: [string, FhirResource][];
  if (resumed !== undefined) {
    ({ summary, partitions } = resumed);
    expected = resumed.expected;
    problems.restore(resumed.problems);
    sharedEntries = readShared(workRoot);
  } else if (input.kind === 'bulk-ndjson') {
    progress.phase(`partitioning ${input.files.length} NDJSON file(s) by patient`);
    const parted = await partitionByPatient(input, workRoot, problems, shared, options.partitionBytes);
    partitions = parted.partitions.map((p) => basename(p));
    expected = parted.patientResources;
    summary = {
      kind: input.kind,
      files: input.files.length,
      lines: parted.lines,
      resources: parted.resources,
      ignoredResources: Object.entries(parted.ignoredByType).sort(([a], [b]) => (a < b ? -1 : 1)).map(([resourceType, count]) => ({ resourceType, count })),
      failedInputs: parted.failedInputs,
    };
    sharedEntries = shared.entries();
    writeShared(workRoot, sharedEntries);
  } else {
    expected = input.files.length;
    summary = { kind: input.kind, files: input.files.length, lines: 0, resources: 0, ignoredResources: [], failedInputs: [] };
    sharedEntries = [];
  }

  const evaluatorOptions = { ...(options.at !== undefined ? { at: options.at } : {}), ...(options.siteProfileDir !== undefined ? { siteProfileDir: options.siteProfileDir } : {}) };
  const pool = await openPatientPool(options.workers, evaluatorOptions, sharedEntries);
  const tally = resumed?.tally ?? emptyTally(pool.findsUnrecognisedCodes);
  const failedBundles: string[] = [...(resumed?.failedBundles ?? [])];
  let resources = resumed?.resources ?? summary.resources;
  const onResult = (result: TaskResult, task: PatientTask): void => {
    for (const problem of result.problems) problems.add(problem);
    if (task.kind === 'bundle' && result.outcome === null) failedBundles.push(task.name);
    if (result.outcome !== null) addOutcome(tally, result.outcome);
    resources += result.resources;
    progress.tick();
  };
  const checkpoint = (unitsDone: number): void =>
    writeCheckpoint(workRoot, { fingerprint, summary, ...(expected !== undefined ? { expected } : {}), partitions, unitsDone, tally, problems: problems.state(), resources, failedBundles });
  try {
    progress.phase(`evaluating on ${pool.threads === 0 ? 'the main thread' : `${pool.threads} worker thread(s)`}`, expected);
    if (resumed !== undefined) progress.tick(tally.read);
    if (input.kind === 'bulk-ndjson') {
      for (let i = resumed?.unitsDone ?? 0; i < partitions.length; i++) {
        const path = join(workRoot, 'partitions', partitions[i]!);
        await pool.run(readPartition(path, input.files), onResult);
        checkpoint(i + 1);
        rmSync(path, { force: true });
      }
    } else {
      const tasks: BundleTask[] = input.files.map((f) => ({ kind: 'bundle', path: f.path, name: f.name }));
      for (let chunk = resumed?.unitsDone ?? 0; chunk * BUNDLE_CHUNK < tasks.length; chunk++) {
        await pool.run(tasks.slice(chunk * BUNDLE_CHUNK, (chunk + 1) * BUNDLE_CHUNK), onResult);
        checkpoint(chunk + 1);
      }
    }
    progress.finish();
  } finally {
    await pool.close();
  }

  for (const failure of tally.failures) problems.add({ file: failure.inputs.join(', '), kind: 'patient-failed', message: failure.reason });
  const kept = problems.kept();
  const failedInputs = [...summary.failedInputs, ...failedBundles];
  const internal = buildReport(tally, {
    minCell: options.minCell,
    generatedAt: now(),
    evaluatedAt: options.at !== undefined ? new Date(options.at).toISOString() : null,
    complete: failedInputs.length === 0,
    siteProfile: profile === undefined ? { requested: false, applied: false } : { requested: true, applied: true, note: `site profile "${profile.name}"` },
    kbVersion: pool.kbVersion,
    input: { ...summary, resources, failedInputs, problems: problems.byKind(), problemDetails: kept.details, problemDetailsOmitted: kept.omitted },
  });
  const shareable = suppressReport(internal);
  for (const [name, report] of [['internal', internal], ['shareable', shareable]] as const) {
    const found = reportProblems(report);
    if (found.length > 0) throw new Error(`the ${name} report does not match its schema: ${found.join('; ')}`);
  }
  const files = { json: join(options.outDir, 'report.json'), internalJson: join(options.outDir, 'report.internal.json'), html: join(options.outDir, 'report.html') };
  writeFileSync(files.internalJson, `${JSON.stringify(internal, null, 2)}\n`);
  writeFileSync(files.json, `${JSON.stringify(shareable, null, 2)}\n`);
  writeFileSync(files.html, renderReportHtml(shareable));
  rmSync(workRoot, { recursive: true, force: true });
  return { internal, shareable, files, failedInputs };
}
