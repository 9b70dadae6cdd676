/** The fast navigation compiler gives the same collections as fhirpath.js for every path the mappings use. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { parse } from 'yaml';
import { compilePath } from '../../src/mapping/fhirpath-compiled';
import { defaultMappingsDir } from '../../src/mapping/load-mappings';

const dir = defaultMappingsDir();
const paths = new Set<string>(Object.values((parse(readFileSync(join(dir, 'config.yaml'), 'utf8')) as { datePaths: Record<string, string> }).datePaths));
for (const f of readdirSync(join(dir, 'facts'))) {
  const text = readFileSync(join(dir, 'facts', f), 'utf8');
  for (const m of text.matchAll(/path: "([^"]+)"/g)) if (m[1] !== undefined) paths.add(m[1]);
}
const fixtures = join(__dirname, '..', 'fixtures', 'fhir', 'mapping');
const resources: Record<string, unknown>[] = readdirSync(fixtures).flatMap(
  (f) => (JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as { entry: { resource: Record<string, unknown> }[] }).entry.map((e) => e.resource),
);

it('covers several fast paths', () => {
  expect([...paths].filter((p) => compilePath(p).fast).length).toBeGreaterThan(8);
});

it.each([...paths])('%s', (path) => {
  const compiled = compilePath(path);
  const reference = fhirpath.compile(path, r4 as never);
  for (const r of resources) expect(compiled.evaluate(structuredClone(r))).toEqual(reference(structuredClone(r) as never, {}));
});

it.each([...paths])('firstString of %s is the first string fhirpath.js yields', (path) => {
  const compiled = compilePath(path);
  const reference = fhirpath.compile(path, r4 as never);
  for (const r of resources) {
    const expected = (reference(structuredClone(r) as never, {}) as unknown[]).find((v) => typeof v === 'string');
    expect([path, r['id'], compiled.firstString(structuredClone(r))]).toEqual([path, r['id'], expected]);
  }
});
