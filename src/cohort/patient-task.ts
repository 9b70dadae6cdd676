/**
 * One unit of work: a patient's record, either the NDJSON lines the partitioning pass grouped for them or one
 * Bundle file. Turned into resources here (in the worker), evaluated, and answered as a PatientOutcome plus any
 * problem of the input met on the way (with file and line).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { FhirResource } from 'fhir/r4';
import type { PatientEvaluator } from './patient-evaluator';
import type { PatientOutcome } from './patient-outcome';
import type { InputProblemDetail } from './report-types';
import { referencedShared } from './shared-resources';

/** A patient's lines from a Bulk Data export; `where[i]` is `file:line` of `lines[i]`. */
export interface LinesTask {
  readonly kind: 'lines';
  readonly lines: readonly string[];
  readonly where: readonly string[];
}

/** A patient Bundle file. */
export interface BundleTask {
  readonly kind: 'bundle';
  readonly path: string;
  readonly name: string;
}

/** A unit of work. */
export type PatientTask = LinesTask | BundleTask;

/** What a task answers: the outcome, or null when the input held no patient record at all. */
export interface TaskResult {
  readonly outcome: PatientOutcome | null;
  readonly problems: readonly InputProblemDetail[];
  /** Resources read from a Bundle file (0 for NDJSON lines, counted by the partitioning pass). */
  readonly resources: number;
}

const MAX_NAMED_INPUTS = 5;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bundleResources(task: BundleTask, problems: InputProblemDetail[]): FhirResource[] | undefined {
  let text: string;
  try {
    const bytes = readFileSync(task.path);
    text = (/\.gz$/i.test(task.path) ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    problems.push({ file: task.name, kind: 'unreadable-file', message: `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push({ file: task.name, kind: 'invalid-json', message: (error as Error).message.slice(0, 120) });
    return undefined;
  }
  if (!isObject(json) || json['resourceType'] !== 'Bundle') {
    problems.push({ file: task.name, kind: 'not-a-bundle', message: 'the file is not a FHIR Bundle' });
    return undefined;
  }
  const entries = Array.isArray(json['entry']) ? json['entry'] : [];
  const resources: FhirResource[] = [];
  entries.forEach((entry: unknown, i: number) => {
    const resource = isObject(entry) ? entry['resource'] : undefined;
    if (!isObject(resource) || typeof resource['resourceType'] !== 'string') {
      problems.push({ file: task.name, kind: 'not-a-resource', message: `entry[${i}] holds no FHIR resource` });
    } else if (typeof resource['id'] !== 'string' || resource['id'] === '') {
      problems.push({ file: task.name, kind: 'missing-id', message: `entry[${i}]: ${resource['resourceType']} without an id` });
    } else {
      resources.push(resource as unknown as FhirResource);
    }
  });
  return resources;
}

/** Evaluates one task with `evaluator`; `shared` holds the export's shared resources (Medication) by reference. */
export async function runPatientTask(evaluator: PatientEvaluator, task: PatientTask, shared: ReadonlyMap<string, FhirResource>): Promise<TaskResult> {
  const problems: InputProblemDetail[] = [];
  let resources: FhirResource[] | undefined;
  let inputs: string[];
  if (task.kind === 'lines') {
    resources = task.lines.map((line) => JSON.parse(line) as FhirResource);
    resources.push(...referencedShared(resources, shared));
    inputs = task.where.slice(0, MAX_NAMED_INPUTS).concat(task.where.length > MAX_NAMED_INPUTS ? [`… ${task.where.length - MAX_NAMED_INPUTS} more lines`] : []);
  } else {
    resources = bundleResources(task, problems);
    inputs = [task.name];
    if (resources === undefined) return { outcome: null, problems, resources: 0 };
  }
  const read = task.kind === 'bundle' ? resources.length : 0;
  try {
    return { outcome: await evaluator.evaluate(resources), problems, resources: read };
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'evaluation failed';
    return { outcome: { ok: false, reason, inputs }, problems, resources: read };
  }
}
