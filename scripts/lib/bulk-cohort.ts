/**
 * Writes a generated cohort as a FHIR Bulk Data export: one NDJSON file per resource type (Patient.ndjson,
 * Observation.ndjson, …), each record from generate-record.ts, one patient at a time (memory flat in the cohort
 * size). Used by `npm run bench:cohort` and the cohort tests.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SIZE, generateRecord } from './generate-record';
import { createRng } from './random';

/** Options of writeBulkCohort. */
export interface BulkCohortOptions {
  readonly patients: number;
  readonly seed?: number;
  readonly now?: Date;
  /** Smallest and largest record size in resources (default 60 … 160). */
  readonly minSize?: number;
  readonly maxSize?: number;
}

/** Writes the export into `dir`; resolves with the number of resources written. */
export function writeBulkCohort(dir: string, options: BulkCohortOptions): { resources: number; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(options.seed ?? 14);
  const fds = new Map<string, number>();
  let resources = 0;
  try {
    for (let i = 0; i < options.patients; i++) {
      const size = rng.int(Math.max(CORE_SIZE, options.minSize ?? 60), Math.max(CORE_SIZE, options.maxSize ?? 160));
      const record = generateRecord({ size, patientId: `bulk-${i}`, seed: (options.seed ?? 14) * 100_003 + i, ...(options.now !== undefined ? { now: options.now } : {}) });
      const byType = new Map<string, string[]>();
      for (const resource of record.resources) {
        let lines = byType.get(resource.resourceType);
        if (lines === undefined) byType.set(resource.resourceType, (lines = []));
        lines.push(JSON.stringify(resource));
      }
      for (const [type, lines] of byType) {
        let fd = fds.get(type);
        if (fd === undefined) fds.set(type, (fd = openSync(join(dir, `${type}.ndjson`), 'w')));
        writeSync(fd, `${lines.join('\n')}\n`);
        resources += lines.length;
      }
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
  }
  return { resources, files: [...fds.keys()].sort().map((t) => `${t}.ndjson`) };
}
