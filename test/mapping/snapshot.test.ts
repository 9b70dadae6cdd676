/**
 * Boot from the JSON snapshot of fhir-mappings/ (src/mapping/mappings-snapshot.ts): used only while its checksum
 * matches the directory, giving the same mappings as the YAML; stale, corrupt or foreign snapshots fall back to the
 * YAML with full validation. Also: every schema problem of a bad file is still listed (lean + allErrors Ajv), and
 * identical FHIRPath expressions are compiled once.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInput } from '../../src/cli/load-input';
import { extractFacts } from '../../src/mapping';
import { main } from '../../src/mapping/build-snapshot';
import type { Compiled } from '../../src/mapping/compiled';
import { buildMappingsSnapshot, defaultMappingsDir, loadMappingsWith } from '../../src/mapping/load-mappings';
import { mappingsChecksum, readFreshSnapshot, SNAPSHOT_FORMAT, writeSnapshot, type MappingsSnapshot } from '../../src/mapping/mappings-snapshot';
import type { Mappings } from '../../src/mapping/types';
import { BootError } from '../../src/shared/errors';
import { NOW } from './support';

let work: string;
let dir: string;
let snapshotFile: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'hcc-snapshot-'));
  dir = join(work, 'fhir-mappings');
  cpSync(defaultMappingsDir(), dir, { recursive: true });
  snapshotFile = join(work, 'snapshot.json');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const edit = (file: string, from: string, to: string): void => {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
};
/** A snapshot whose albumin description is marked, to tell whether the loader took its data from the snapshot. */
const markedSnapshot = (): MappingsSnapshot => {
  const snapshot = buildMappingsSnapshot(dir);
  const albumin = snapshot.files['facts/albumin.yaml'] as { description: string };
  const files = { ...snapshot.files, 'facts/albumin.yaml': { ...albumin, description: 'FROM SNAPSHOT' } };
  writeSnapshot(snapshotFile, { ...snapshot, files });
  return snapshot;
};
const description = (m: Mappings): string | undefined => m.factDefinitions.get('albumin')?.description;
const fixtureFacts = (m: Mappings): ReturnType<typeof extractFacts> => {
  const input = loadInput(join(__dirname, '..', 'fixtures', 'fhir', 'patient-cnlc-iiia-pvtt-child-pugh-a-naive.json'));
  return extractFacts(m, input.resources, { patientId: input.patientId, now: NOW });
};

describe('a fresh snapshot', () => {
  it('is used, and gives the same mappings, version and facts as the YAML', () => {
    const built = buildMappingsSnapshot(dir);
    writeSnapshot(snapshotFile, built);
    const fromSnapshot = loadMappingsWith(dir, { snapshot: snapshotFile });
    const fromYaml = loadMappingsWith(dir, { snapshot: false });
    expect(built).toMatchObject({ format: SNAPSHOT_FORMAT, checksum: mappingsChecksum(dir), version: fromYaml.version });
    expect(Object.keys(built.files)).toContain('facts/albumin.yaml');
    expect(fromSnapshot.version).toBe(fromYaml.version);
    expect([...fromSnapshot.factDefinitions]).toEqual([...fromYaml.factDefinitions]);
    expect(fixtureFacts(fromSnapshot)).toEqual(fixtureFacts(fromYaml));
  });

  it('is where the data comes from (a marked snapshot shows through)', () => {
    markedSnapshot();
    expect(description(loadMappingsWith(dir, { snapshot: snapshotFile }))).toBe('FROM SNAPSHOT');
    expect(description(loadMappingsWith(dir, { snapshot: false }))).not.toBe('FROM SNAPSHOT');
  });
});

describe('falls back to the YAML', () => {
  it('when any mapping file changed after the snapshot (stale)', () => {
    markedSnapshot();
    edit('facts/albumin.yaml', 'description: "Albumin', 'description: "Edited albumin');
    expect(readFreshSnapshot(dir, snapshotFile)).toBeUndefined();
    expect(description(loadMappingsWith(dir, { snapshot: snapshotFile }))).toMatch(/^Edited albumin/);
  });

  it('when a schema changed, so a stale snapshot cannot hide a now-invalid file', () => {
    markedSnapshot();
    edit('schemas/fact-mapping.schema.json', '"description": {\n      "type": "string"\n    }', '"description": {\n      "type": "string",\n      "maxLength": 3\n    }');
    expect(() => loadMappingsWith(dir, { snapshot: snapshotFile })).toThrow(/must NOT have more than 3 characters/);
  });

  it('when a file is added', () => {
    markedSnapshot();
    writeFileSync(join(dir, 'valuesets', 'zz-extra.yaml'), 'id: zz-extra\ntitle: extra\ninclude:\n  - { system: "http://loinc.org", codes: [1-8] }\n');
    expect(readFreshSnapshot(dir, snapshotFile)).toBeUndefined();
  });

  it('when the snapshot is corrupt, of another format, or missing', () => {
    const snapshot = markedSnapshot();
    writeFileSync(snapshotFile, '{"format":');
    expect(description(loadMappingsWith(dir, { snapshot: snapshotFile }))).not.toBe('FROM SNAPSHOT');
    writeFileSync(snapshotFile, JSON.stringify({ ...snapshot, format: 'other/1' }));
    expect(readFreshSnapshot(dir, snapshotFile)).toBeUndefined();
    writeFileSync(snapshotFile, JSON.stringify({ ...snapshot, files: null }));
    expect(readFreshSnapshot(dir, snapshotFile)).toBeUndefined();
    expect(readFreshSnapshot(dir, join(work, 'absent.json'))).toBeUndefined();
  });
});

describe('building a snapshot', () => {
  it('refuses mappings that do not load', () => {
    edit('facts/alt.yaml', 'unit: "U/L"', 'unit: "units per litre"');
    expect(() => buildMappingsSnapshot(dir)).toThrow(BootError);
  });

  it('the build-snapshot command writes the file (exit 0), or lists the problems (exit 1)', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(main([dir, '--out', snapshotFile])).toBe(0);
      expect(readFreshSnapshot(dir, snapshotFile)?.checksum).toBe(mappingsChecksum(dir));
      edit('facts/alt.yaml', 'unit: "U/L"', 'unit: "units per litre"');
      expect(main([dir, '--out', join(work, 'other.json')])).toBe(1);
      expect(String(err.mock.calls.at(-1)?.[0])).toContain("unit 'units per litre' is not valid UCUM");
      expect(main(['--out'])).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});

describe('YAML load', () => {
  it('still lists every schema problem of a bad file (the lean validator stops at the first)', () => {
    edit('facts/alt.yaml', 'description:', 'colour: red\nshade: dark\ndescription:');
    let problems: readonly string[] = [];
    try {
      loadMappingsWith(dir, { snapshot: false });
    } catch (error) {
      problems = (error as BootError).problems;
    }
    const alt = problems.filter((p) => p.includes('alt.yaml') && p.includes('must NOT have additional properties'));
    expect(alt.length).toBeGreaterThanOrEqual(2);
  });

  it('compiles identical FHIRPath expressions once', () => {
    const compiled = loadMappingsWith(dir, { snapshot: false }).compiled as Compiled;
    const byExpression = new Map<string, Set<unknown>>();
    for (const fact of compiled.mapped) {
      for (const source of fact.sources) {
        for (const path of [source.date, ...source.values.map((v) => v.path)]) {
          if (path === undefined || source.values.some((v) => v.component !== undefined && v.path === path)) continue;
          const set = byExpression.get(path.expression) ?? new Set();
          set.add(path);
          byExpression.set(path.expression, set);
        }
      }
    }
    expect(byExpression.get('value.ofType(Quantity)')?.size).toBe(1);
    for (const [expression, objects] of byExpression) expect([expression, objects.size]).toEqual([expression, 1]);
  });
});
