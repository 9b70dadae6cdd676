/**
 * A cohort run end to end: recognise the input, group it by patient (partition-by-patient.ts for a Bulk Data
 * export; one file per patient for Bundles), evaluate every patient on the worker pool, tally, and write
 * report.internal.json (exact, stays at the hospital), report.json (suppressed, shareable; schema-validated) and
 * report.html (from the shareable report). Temporary partition files are removed at the end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Called with what the site profile's boot says (e.g. a prefetch query that loses its code filter). */
  readonly onNotice?: (notice: string) => void;
  /** Where partition files go (default: the system temporary directory). */
  readonly workDir?: string;
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
  for (const notice of profile?.notices ?? []) options.onNotice?.(notice);
  mkdirSync(options.outDir, { recursive: true });
  const problems = new InputProblems(options.onProblem);
  const shared = new SharedResources();
  const workRoot = mkdtempSync(join(options.workDir ?? tmpdir(), 'hcc-cds-cohort-'));
  try {
    let summary: Omit<InputSummary, 'problems' | 'problemDetails' | 'problemDetailsOmitted'>;
    let partitions: readonly string[] = [];
    let expected: number | undefined;
    if (input.kind === 'bulk-ndjson') {
      progress.phase(`partitioning ${input.files.length} NDJSON file(s) by patient`);
      const parted = await partitionByPatient(input, workRoot, problems, shared);
      partitions = parted.partitions;
      expected = parted.patientResources;
      summary = {
        kind: input.kind,
        files: input.files.length,
        lines: parted.lines,
        resources: parted.resources,
        ignoredResources: Object.entries(parted.ignoredByType).sort(([a], [b]) => (a < b ? -1 : 1)).map(([resourceType, count]) => ({ resourceType, count })),
        failedInputs: parted.failedInputs,
      };
    } else {
      expected = input.files.length;
      summary = { kind: input.kind, files: input.files.length, lines: 0, resources: 0, ignoredResources: [], failedInputs: [] };
    }

    const evaluatorOptions = { ...(options.at !== undefined ? { at: options.at } : {}), ...(options.siteProfileDir !== undefined ? { siteProfileDir: options.siteProfileDir } : {}) };
    const pool = await openPatientPool(options.workers, evaluatorOptions, shared.entries());
    const tally = emptyTally(pool.findsUnrecognisedCodes);
    const failedBundles: string[] = [];
    let resources = summary.resources;
    const onResult = (result: TaskResult, task: PatientTask): void => {
      for (const problem of result.problems) problems.add(problem);
      if (task.kind === 'bundle' && result.outcome === null) failedBundles.push(task.name);
      if (result.outcome !== null) addOutcome(tally, result.outcome);
      resources += result.resources;
      progress.tick();
    };
    try {
      progress.phase(`evaluating on ${pool.threads === 0 ? 'the main thread' : `${pool.threads} worker thread(s)`}`, expected);
      if (input.kind === 'bulk-ndjson') {
        for (const partition of partitions) {
          const tasks = readPartition(partition, input.files);
          rmSync(partition, { force: true });
          await pool.run(tasks, onResult);
        }
      } else {
        const tasks: BundleTask[] = input.files.map((f) => ({ kind: 'bundle', path: f.path, name: f.name }));
        for (let i = 0; i < tasks.length; i += BUNDLE_CHUNK) await pool.run(tasks.slice(i, i + BUNDLE_CHUNK), onResult);
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
    return { internal, shareable, files, failedInputs };
  } finally {
    rmSync(workRoot, { recursive: true, force: true });
  }
}
