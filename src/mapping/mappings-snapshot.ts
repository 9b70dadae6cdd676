/**
 * A JSON snapshot of the parsed fhir-mappings/ YAML, written after the directory loaded and validated in full, so a
 * boot can skip YAML parsing and schema validation. It is used only when its checksum (format, relative path and
 * bytes of every YAML and JSON file under the directory) equals the directory's; otherwise the loader reads the YAML.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Format tag; a snapshot of another format is ignored. */
export const SNAPSHOT_FORMAT = 'hcc-cds/mappings-snapshot/1';

/** The snapshot file's content. */
export interface MappingsSnapshot {
  readonly format: string;
  readonly checksum: string;
  /** Mappings.version of the load that validated these files. */
  readonly version: string;
  /** Every YAML file under the directory, parsed: relative path ('/'-separated) → data. */
  readonly files: Readonly<Record<string, unknown>>;
}

/** Where the build writes the snapshot and the loader looks for it: beside the compiled tree (dist/). */
export function defaultSnapshotPath(): string {
  return resolve(__dirname, '..', '..', 'fhir-mappings.snapshot.json');
}

/** True for the files a snapshot covers (YAML data) and the checksum covers (YAML data and JSON schemas). */
export function isYamlFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/** Relative paths of the YAML and JSON files under root, sorted, '/'-separated (dot-entries skipped). */
export function mappingFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && (isYamlFile(entry.name) || entry.name.endsWith('.json'))) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

/** The checksum of a mappings directory: format, then each file's relative path and bytes. */
export function mappingsChecksum(root: string): string {
  const hash = createHash('sha256').update(SNAPSHOT_FORMAT).update('\0');
  for (const rel of mappingFiles(root)) hash.update(rel).update('\0').update(readFileSync(join(root, rel))).update('\0');
  return hash.digest('hex');
}

/** The snapshot at `path` when it is one of this format whose checksum equals root's; undefined otherwise (never throws). */
export function readFreshSnapshot(root: string, path: string = defaultSnapshotPath()): MappingsSnapshot | undefined {
  let snapshot: Partial<MappingsSnapshot>;
  try {
    snapshot = JSON.parse(readFileSync(path, 'utf8')) as Partial<MappingsSnapshot>;
  } catch {
    return undefined;
  }
  try {
    if (snapshot === null || typeof snapshot !== 'object' || snapshot.format !== SNAPSHOT_FORMAT) return undefined;
    if (typeof snapshot.version !== 'string' || snapshot.files === null || typeof snapshot.files !== 'object') return undefined;
    return snapshot.checksum === mappingsChecksum(root) ? (snapshot as MappingsSnapshot) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the snapshot atomically (temporary file, then rename). */
export function writeSnapshot(path: string, snapshot: MappingsSnapshot): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshot));
  renameSync(tmp, path);
}
