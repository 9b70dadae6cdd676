/**
 * Grouping strategy for a Bulk Data export (README "Cohort readiness report"): one streaming pass over every
 * NDJSON file (gunzipped on the fly) spills each resource line into one of K temporary partition files chosen by a
 * hash of its patient id, so all of one patient's lines land in the same partition whatever file and order they
 * came in. K is chosen from the input size so that one partition (~8 MiB of NDJSON) fits in memory; the second
 * pass loads one partition at a time and groups it by patient. Memory is bounded by the partition size, not by
 * the number of patients, and gzip needs no random access. Malformed lines are counted with file and line here.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CohortInput } from './cohort-input';
import { forEachLine, InputReadError } from './line-reader';
import { InputProblems } from './input-problems';
import { patientIdOf, SHARED_TYPES } from './patient-reference';
import { SharedResources } from './shared-resources';

/** Target NDJSON bytes per partition. */
export const PARTITION_BYTES = 8 * 1024 * 1024;
const MAX_PARTITIONS = 256;
/** Assumed expansion of gzip-compressed NDJSON when sizing partitions. */
const GZIP_RATIO = 8;
const FLUSH_BYTES = 256 * 1024;

/** The result of the partitioning pass. */
export interface Partitioned {
  readonly dir: string;
  readonly partitions: readonly string[];
  /** Patient resources seen (the progress total). */
  readonly patientResources: number;
  readonly lines: number;
  readonly resources: number;
  /** Resources of types that are neither patient data nor shared by reference (Practitioner, Organization…), per type. */
  readonly ignoredByType: Readonly<Record<string, number>>;
  readonly failedInputs: readonly string[];
}

/** FNV-1a, 32 bit: a stable, fast string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The number of partitions for an input. */
export function partitionCount(input: CohortInput, targetBytes: number = PARTITION_BYTES): number {
  const bytes = input.files.reduce((sum, f) => sum + f.bytes * (f.gzip ? GZIP_RATIO : 1), 0);
  return Math.min(MAX_PARTITIONS, Math.max(1, Math.ceil(bytes / targetBytes)));
}

class PartitionWriter {
  private readonly fds: number[];
  private readonly pending: string[][];
  private readonly pendingBytes: number[];
  constructor(readonly paths: readonly string[]) {
    this.fds = paths.map((p) => openSync(p, 'w'));
    this.pending = paths.map(() => []);
    this.pendingBytes = paths.map(() => 0);
  }
  write(index: number, record: string): void {
    this.pending[index]!.push(record);
    this.pendingBytes[index]! += record.length;
    if (this.pendingBytes[index]! >= FLUSH_BYTES) this.flush(index);
  }
  private flush(index: number): void {
    if (this.pending[index]!.length === 0) return;
    writeSync(this.fds[index]!, this.pending[index]!.join(''));
    this.pending[index] = [];
    this.pendingBytes[index] = 0;
  }
  close(): void {
    this.paths.forEach((_p, i) => this.flush(i));
    for (const fd of this.fds) closeSync(fd);
  }
}

/**
 * Spills every resource line of `input` into partition files under `workDir`. A partition line is
 * `<patient id>\t<file index>\t<line number>\t<NDJSON line>` (an id holds no tab, an NDJSON line no raw newline).
 */
export async function partitionByPatient(input: CohortInput, workDir: string, problems: InputProblems, shared: SharedResources, targetBytes: number = PARTITION_BYTES): Promise<Partitioned> {
  const dir = join(workDir, 'partitions');
  mkdirSync(dir, { recursive: true });
  const count = partitionCount(input, targetBytes);
  const paths = Array.from({ length: count }, (_v, i) => join(dir, `p${String(i).padStart(3, '0')}.tsv`));
  const writer = new PartitionWriter(paths);
  let patientResources = 0;
  let lines = 0;
  let resources = 0;
  const ignoredByType: Record<string, number> = {};
  const failedInputs: string[] = [];
  try {
    for (const [fileIndex, file] of input.files.entries()) {
      try {
        lines += await forEachLine(file, (text, line) => {
          if (text.trim() === '') return;
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch (error) {
            problems.add({ file: file.name, line, kind: 'invalid-json', message: (error as Error).message.slice(0, 120) });
            return;
          }
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || typeof (parsed as { resourceType?: unknown }).resourceType !== 'string') {
            problems.add({ file: file.name, line, kind: 'not-a-resource', message: 'the line is JSON but not a FHIR resource (no resourceType)' });
            return;
          }
          const resource = parsed as Record<string, unknown>;
          const type = resource['resourceType'] as string;
          if (typeof resource['id'] !== 'string' || resource['id'] === '') {
            problems.add({ file: file.name, line, kind: 'missing-id', message: `${type} without an id` });
            return;
          }
          resources += 1;
          if (SHARED_TYPES.has(type)) {
            shared.add(resource, `${file.name}:${line}`, problems);
            return;
          }
          const patientId = patientIdOf(resource);
          if (patientId === undefined) {
            if (resource['subject'] !== undefined || resource['patient'] !== undefined) {
              problems.add({ file: file.name, line, kind: 'unresolvable-patient', message: `${type}/${String(resource['id']).slice(0, 64)}: subject/patient is not a Patient reference` });
            } else {
              ignoredByType[type] = (ignoredByType[type] ?? 0) + 1;
            }
            return;
          }
          if (type === 'Patient') patientResources += 1;
          writer.write(hash(patientId) % count, `${patientId}\t${fileIndex}\t${line}\t${text}\n`);
        });
      } catch (error) {
        if (!(error instanceof InputReadError)) throw error;
        failedInputs.push(file.name);
        problems.add({ file: file.name, line: error.afterLine + 1, kind: 'unreadable-file', message: error.message });
      }
    }
  } finally {
    writer.close();
  }
  return { dir, partitions: paths, patientResources, lines, resources, ignoredByType, failedInputs };
}
