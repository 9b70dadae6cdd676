/**
 * Locates the repository root (the directory whose package.json is named hcc-cds), from source or from dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The absolute path of the hcc-cds repository root. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'hcc-cds') return dir;
      } catch {
        // not the file we look for; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`hcc-cds package.json not found above ${from}`);
    dir = parent;
  }
}
