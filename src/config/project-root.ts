import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The directory holding package.json, cds-services/ and fhir-mappings/, found from this file (works from src/ and dist/src/). */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'cds-services'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('hcc-cds: cannot locate the project root (package.json + cds-services/)');
    dir = parent;
  }
}
