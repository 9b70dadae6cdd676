/** The problems a mappings load collects (each "where: message"), and the YAML readers every load stage shares. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every problem found during one load; the load throws one BootError listing them all. */
export class Problems {
  readonly list: string[] = [];
  /** Records a problem at `where` (a file, optionally with its line or element). */
  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }
}

/** The yaml package, required on the first YAML read (a boot from a fresh snapshot reads none). */
export function yamlModule(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}

/** Reads and parses one YAML file; undefined (with a problem) when it cannot be read or parsed. */
export function readYaml(file: string, problems: Problems, onBytes?: (bytes: Buffer) => void): unknown {
  try {
    const bytes = readFileSync(file);
    onBytes?.(bytes);
    return yamlModule().parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    problems.add(file, `cannot be read as YAML (${error instanceof Error ? (error.message.split('\n')[0] ?? 'error') : 'error'})`);
    return undefined;
  }
}

/** The .yaml / .yml files of a directory, sorted (none when it does not exist). */
export function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}
