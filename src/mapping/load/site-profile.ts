/**
 * Stage 1b of loading: gather and validate a site profile — a hospital's folder of additions to the shipped
 * mappings (README "Deploying at a hospital"): site-profile.yaml (name, knowledge-base parameter overrides),
 * code-systems.yaml (extra code systems), valuesets/*.yaml (extra codes and display texts for a shipped value set)
 * and unit-aliases.yaml. Always read from its YAML (never from the snapshot), keeping positions so that every
 * problem names the file and line.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { MappingSchemas, SchemaName } from '../mapping-schemas';
import type { MappingDoc } from './gather';
import { yamlFiles, yamlModule, type Problems } from './problems';
import { validateDoc } from './validate';

/** A profile file with the positions of its elements. */
export interface LocatedDoc extends MappingDoc {
  /** "file:line" of the element at a path (the nearest existing parent when the path is absent). */
  readonly where: (path: readonly (string | number)[]) => string;
}

/** site-profile.yaml as written. */
export interface RawSiteProfile {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** The gathered files of one site profile. */
export interface SiteProfileFiles {
  readonly dir: string;
  readonly manifest: LocatedDoc;
  readonly codeSystems?: LocatedDoc;
  readonly valueSets: readonly LocatedDoc[];
  readonly unitAliases?: LocatedDoc;
  /** Content hash of every file read (joins Mappings.version). */
  readonly hash: string;
}

function readLocated(file: string, rel: string, schema: SchemaName, problems: Problems, hash: ReturnType<typeof createHash>): LocatedDoc {
  const yaml = yamlModule();
  const lines = new yaml.LineCounter();
  let data: unknown;
  let document: ReturnType<typeof yaml.parseDocument> | undefined;
  try {
    const bytes = readFileSync(file);
    hash.update(rel).update('\0').update(bytes).update('\0');
    document = yaml.parseDocument(bytes.toString('utf8'), { lineCounter: lines });
    const error = document.errors[0];
    if (error !== undefined) {
      const line = error.linePos?.[0].line;
      problems.add(line === undefined ? file : `${file}:${line}`, `cannot be read as YAML (${error.message.split('\n')[0] ?? 'error'})`);
      document = undefined;
    } else data = document.toJS() as unknown;
  } catch (error) {
    problems.add(file, `cannot be read (${error instanceof Error ? (error.message.split('\n')[0] ?? 'error') : 'error'})`);
  }
  const where = (path: readonly (string | number)[]): string => {
    if (document === undefined) return file;
    for (let n = path.length; n >= 0; n -= 1) {
      const node = document.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      const range = n === 0 ? (document.contents as { range?: [number, number, number] } | null)?.range : node?.range;
      if (range !== undefined) return `${file}:${lines.linePos(range[0]).line}`;
    }
    return file;
  };
  return { file, schema, data, where };
}

/** "/include/0/code" → ['include', 0, 'code']. */
function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Reads and schema-validates the profile at dir; problems carry file and line. Undefined when dir is no profile folder. */
export function gatherSiteProfile(dir: string, schemas: MappingSchemas, problems: Problems): SiteProfileFiles | undefined {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    problems.add(root, 'site profile: not a directory');
    return undefined;
  }
  const manifestFile = join(root, 'site-profile.yaml');
  if (!existsSync(manifestFile)) {
    problems.add(root, 'site profile: no site-profile.yaml');
    return undefined;
  }
  const hash = createHash('sha256');
  const located = (file: string, schema: SchemaName): LocatedDoc => {
    const doc = readLocated(file, relative(root, file).split(sep).join('/'), schema, problems, hash);
    validateDoc(schemas, doc, (instancePath) => doc.where(pathOf(instancePath)));
    return doc;
  };
  const optional = (name: string, schema: SchemaName): LocatedDoc | undefined => (existsSync(join(root, name)) ? located(join(root, name), schema) : undefined);
  const manifest = located(manifestFile, 'site-profile');
  const codeSystems = optional('code-systems.yaml', 'code-systems');
  const valueSets = yamlFiles(join(root, 'valuesets')).map((f) => located(f, 'value-set-addition'));
  const unitAliases = optional('unit-aliases.yaml', 'unit-aliases');
  return {
    dir: root,
    manifest,
    ...(codeSystems === undefined ? {} : { codeSystems }),
    valueSets,
    ...(unitAliases === undefined ? {} : { unitAliases }),
    hash: hash.digest('hex').slice(0, 16),
  };
}
