/**
 * Stage 1 of loading: gather the shipped mapping files of fhir-mappings/ — parsed from their YAML (hashed for
 * Mappings.version), or taken from a fresh JSON snapshot, which holds exactly these files' data already validated.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { BootError } from '../../shared/errors';
import type { MappingsSnapshot } from '../mappings-snapshot';
import type { SchemaName } from '../mapping-schemas';
import { readYaml, yamlFiles, type Problems } from './problems';

/** One parsed mapping file and the schema it must satisfy. */
export interface MappingDoc {
  readonly file: string;
  readonly schema: SchemaName;
  /** Parsed content; undefined when unreadable or (after validation) invalid. */
  data: unknown;
  /** "file:line" of an element (site-profile files, which keep positions). */
  readonly where?: (path: readonly (string | number)[]) => string;
}

/** The shipped mapping files, by role. */
export interface GatheredMappings {
  readonly root: string;
  readonly codeSystems: MappingDoc;
  readonly valueSets: MappingDoc[];
  readonly config: MappingDoc;
  readonly facts: MappingDoc[];
  readonly derived: MappingDoc;
  /** Score tables named by derived-facts.yaml, by their relative path (schema: the file's base name). */
  readonly tables: ReadonlyMap<string, MappingDoc>;
  /** unit-aliases.yaml, when present. */
  readonly unitAliases?: MappingDoc;
  /** True when the data came from a fresh snapshot (already validated). */
  readonly fromSnapshot: boolean;
  /** Mappings.version: the snapshot's, else the content hash of the files read. */
  readonly version: string;
}

/** Reads the shipped mappings of root (from `snapshot` when given); throws BootError when root is no mappings directory. */
export function gatherMappingFiles(root: string, snapshot: MappingsSnapshot | undefined, problems: Problems): GatheredMappings {
  if (!existsSync(join(root, 'code-systems.yaml'))) throw new BootError('fhir-mappings', [`${root}: not a mappings directory (no code-systems.yaml)`]);
  const hash = createHash('sha256');
  const load = (file: string): unknown => {
    if (snapshot !== undefined) {
      const data = snapshot.files[relative(root, file).split(sep).join('/')];
      if (data === undefined) problems.add(file, 'not found');
      return data;
    }
    return readYaml(file, problems, (bytes) => hash.update(bytes));
  };
  const doc = (file: string, schema: MappingDoc['schema']): MappingDoc => ({ file, schema, data: load(file) });
  // Read order = hash order (unchanged, so versions stay comparable).
  const codeSystems = doc(join(root, 'code-systems.yaml'), 'code-systems');
  const valueSets = yamlFiles(join(root, 'valuesets')).map((f) => doc(f, 'value-set'));
  const config = doc(join(root, 'config.yaml'), 'config');
  const facts = yamlFiles(join(root, 'facts')).map((f) => doc(f, 'fact-mapping'));
  const derived = doc(join(root, 'derived-facts.yaml'), 'derived-facts');
  const tables = new Map<string, MappingDoc>();
  const calculators = (derived.data as { calculators?: unknown } | undefined)?.calculators;
  if (Array.isArray(calculators)) {
    for (const calc of calculators) {
      const table = (calc as { table?: unknown } | null)?.table;
      if (typeof table !== 'string' || tables.has(table)) continue;
      tables.set(table, doc(join(root, table), basename(table).replace(/\.ya?ml$/, '') as SchemaName));
    }
  }
  const aliasesFile = join(root, 'unit-aliases.yaml');
  const unitAliases = existsSync(aliasesFile) || snapshot?.files['unit-aliases.yaml'] !== undefined ? doc(aliasesFile, 'unit-aliases') : undefined;
  return {
    root,
    codeSystems,
    valueSets,
    config,
    facts,
    derived,
    tables,
    ...(unitAliases === undefined ? {} : { unitAliases }),
    fromSnapshot: snapshot !== undefined,
    version: snapshot?.version ?? hash.digest('hex').slice(0, 16),
  };
}
