/**
 * Build step: `node dist/src/mapping/build-snapshot.js [mappings-dir] [--out file]` loads fhir-mappings/ from its YAML
 * with full validation and writes the JSON snapshot loadMappings() boots from while it is fresh (./mappings-snapshot).
 * Exit status 1, listing the problems, when the mappings do not load.
 */
import { BootError } from '../shared/errors';
import { buildMappingsSnapshot, defaultMappingsDir } from './load-mappings';
import { defaultSnapshotPath, writeSnapshot } from './mappings-snapshot';

/** Parses the arguments, builds and writes the snapshot; returns the exit status. */
export function main(args: readonly string[]): number {
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (outAt >= 0 && out === undefined) {
    process.stderr.write('build-snapshot: --out needs a file\n');
    return 2;
  }
  const dir = args.filter((_, i) => i !== outAt && i !== outAt + 1)[0] ?? defaultMappingsDir();
  try {
    const snapshot = buildMappingsSnapshot(dir);
    const path = out ?? defaultSnapshotPath();
    writeSnapshot(path, snapshot);
    process.stdout.write(`fhir-mappings snapshot ${snapshot.version}: ${Object.keys(snapshot.files).length} files → ${path}\n`);
    return 0;
  } catch (error) {
    const problems = error instanceof BootError ? error.problems : [error instanceof Error ? error.message : String(error)];
    process.stderr.write(`build-snapshot: ${problems.join('\n')}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
