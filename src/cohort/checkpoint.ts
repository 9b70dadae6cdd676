/**
 * Resuming an interrupted cohort run: after every partition (or chunk of Bundles) the run writes its state — the
 * tally, the input problems, the partitioning pass's summary and how many units are done — to checkpoint.json in
 * its work folder (atomically: write, then rename). `--resume` continues from there when the input, the instant and
 * the site profile are the same (a fingerprint of file names, sizes and modification times); otherwise it starts
 * over. A unit counted in the checkpoint is never evaluated twice.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { FhirResource } from 'fhir/r4';
import type { CohortInput } from './cohort-input';
import type { CohortTally } from './cohort-tally';
import type { ProblemsState } from './input-problems';
import type { InputSummary } from './report-types';

/** The saved state of a run. */
export interface Checkpoint {
  readonly fingerprint: string;
  readonly summary: Omit<InputSummary, 'problems' | 'problemDetails' | 'problemDetailsOmitted'>;
  readonly expected?: number;
  /** Partition file names (Bulk Data); empty for Bundles. */
  readonly partitions: readonly string[];
  /** Partitions (or Bundle chunks) fully evaluated and counted. */
  readonly unitsDone: number;
  readonly tally: CohortTally;
  readonly problems: ProblemsState;
  readonly resources: number;
  readonly failedBundles: readonly string[];
}

const FILE = 'checkpoint.json';
const SHARED = 'shared.json';

/** What identifies a run: the input's files (name, size, mtime), the instant and the site profile. */
export function runFingerprint(input: CohortInput, options: { readonly at?: string; readonly siteProfileDir?: string }): string {
  const files = input.files.map((f) => {
    const stat = statSync(f.path);
    return [resolve(f.path), stat.size, stat.mtimeMs];
  });
  return createHash('sha256').update(JSON.stringify({ kind: input.kind, files, at: options.at ?? null, profile: options.siteProfileDir === undefined ? null : resolve(options.siteProfileDir) })).digest('hex');
}

/** The checkpoint in `workDir` when it belongs to the run of `fingerprint`. */
export function readCheckpoint(workDir: string, fingerprint: string): Checkpoint | undefined {
  const path = join(workDir, FILE);
  if (!existsSync(path)) return undefined;
  try {
    const checkpoint = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
    return checkpoint.fingerprint === fingerprint ? checkpoint : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the checkpoint atomically. */
export function writeCheckpoint(workDir: string, checkpoint: Checkpoint): void {
  const path = join(workDir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(checkpoint));
  renameSync(`${path}.tmp`, path);
}

/** Saves the shared resources the partitioning pass kept (needed again on resume). */
export function writeShared(workDir: string, entries: readonly [string, FhirResource][]): void {
  writeFileSync(join(workDir, SHARED), JSON.stringify(entries));
}

/** The saved shared resources. */
export function readShared(workDir: string): [string, FhirResource][] {
  const path = join(workDir, SHARED);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as [string, FhirResource][]) : [];
}
