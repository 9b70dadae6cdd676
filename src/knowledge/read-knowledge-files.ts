/**
 * Reads the YAML files of one knowledge base (kb.yaml, suggestions.yaml, fact-labels.yaml,
 * recommendations/*.yaml) without interpreting them; parse errors become problems, not exceptions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** The raw documents of a knowledge base, keyed by file name relative to its directory. */
export interface KnowledgeFiles {
  readonly dir: string;
  readonly manifest: unknown;
  readonly suggestions: unknown;
  readonly factLabels: unknown;
  readonly recommendations: readonly { readonly file: string; readonly doc: unknown }[];
  readonly problems: readonly string[];
}

/** The repository root: the nearest ancestor of this module holding cds-services/. */
export function repositoryRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'cds-services', 'knowledge'))) return dir;
    const parent = resolve(dir, '..');
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}

/** The default knowledge base directory (cds-services/knowledge/hcc-consensus). */
export function defaultKnowledgeDir(): string {
  return join(repositoryRoot(), 'cds-services', 'knowledge', 'hcc-consensus');
}

/** Accepts either a knowledge base directory or a parent holding exactly one. */
export function resolveKnowledgeDir(dir: string | undefined): string {
  const base = resolve(dir ?? defaultKnowledgeDir());
  if (existsSync(join(base, 'kb.yaml'))) return base;
  const children = existsSync(base)
    ? readdirSync(base).filter((name) => existsSync(join(base, name, 'kb.yaml')) && statSync(join(base, name)).isDirectory())
    : [];
  return children.length === 1 && children[0] !== undefined ? join(base, children[0]) : base;
}

function readYaml(path: string, label: string, problems: string[]): unknown {
  if (!existsSync(path)) {
    problems.push(`${label}: file not found`);
    return undefined;
  }
  try {
    return parse(readFileSync(path, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    problems.push(`${label}: YAML error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}

/** Reads every file of the knowledge base in `dir`. */
export function readKnowledgeFiles(dir: string): KnowledgeFiles {
  const problems: string[] = [];
  const recDir = join(dir, 'recommendations');
  const recFiles = existsSync(recDir) ? readdirSync(recDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  if (recFiles.length === 0) problems.push('recommendations/: no recommendation files');
  return {
    dir,
    manifest: readYaml(join(dir, 'kb.yaml'), 'kb.yaml', problems),
    suggestions: readYaml(join(dir, 'suggestions.yaml'), 'suggestions.yaml', problems),
    factLabels: readYaml(join(dir, 'fact-labels.yaml'), 'fact-labels.yaml', problems),
    recommendations: recFiles.map((file) => ({ file: `recommendations/${file}`, doc: readYaml(join(recDir, file), `recommendations/${file}`, problems) })),
    problems,
  };
}
