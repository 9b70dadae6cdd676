/**
 * The playground's static files, read once at start-up from src/playground/assets (served straight from
 * the source tree, so there is no build step for the page; the compiled server finds them from dist/ too).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** One static file held in memory. */
export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

/** The directory holding the page's assets, whether running from src/ (ts) or dist/src/ (compiled). */
export function assetsDirectory(): string {
  const candidates = [join(__dirname, 'assets'), resolve(__dirname, '..', '..', '..', 'src', 'playground', 'assets')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (found === undefined) throw new Error(`playground assets not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Reads every asset of the directory into memory, keyed by file name. */
export function loadAssets(dir: string = assetsDirectory()): ReadonlyMap<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    assets.set(name, { body: readFileSync(join(dir, name)), contentType });
  }
  return assets;
}
