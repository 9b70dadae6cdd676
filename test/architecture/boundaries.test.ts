/**
 * Architecture rules that code review alone would miss (ARCHITECTURE.md "Principles"):
 * knowledge lives in data, and the core never imports the HTTP adapter.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

const SRC_FILES = sourceFiles(join(ROOT, 'src')).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));

describe('knowledge is data (ARCHITECTURE principle 2)', () => {
  it('finds source files to check', () => {
    expect(SRC_FILES.length).toBeGreaterThan(20);
  });

  it('no file under src/ names a recommendation ID or a DR rule number', () => {
    const pattern = /\b(R-(PRE|ELIG|MGMT|AE|TACE|HAIC|RT|CONV|ABL|PROG)-\d+|DR-\d{2})\b/;
    const offenders = SRC_FILES.filter((file) => pattern.test(file.text)).map((file) => file.path);
    expect(offenders).toEqual([]);
  });
});

describe('the core is a library; HTTP is an adapter (ARCHITECTURE principle 1)', () => {
  const CORE_DIRS = ['src/domain/', 'src/mapping/', 'src/knowledge/', 'src/pipeline/'];

  it('nothing under domain, mapping, knowledge or pipeline imports express or the http layer', () => {
    const importsHttp = /from ['"](express|.*\/http\/[^'"]*)['"]|require\(['"]express['"]\)/;
    const offenders = SRC_FILES.filter(
      (file) => CORE_DIRS.some((dir) => file.path.startsWith(dir)) && importsHttp.test(file.text),
    ).map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('only src/server.ts (and the CLI entry points) read process.env', () => {
    const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const offenders = SRC_FILES.filter(
      (file) => /process\.env/.test(withoutComments(file.text)) && file.path !== join('src', 'server.ts') && !file.path.startsWith(join('src', 'cli')),
    ).map((file) => file.path);
    expect(offenders).toEqual([]);
  });
});
