/**
 * Site profiles merged over the shipped mappings (src/mapping/load/site-profile.ts, overlay-site-profile.ts):
 * validated at boot like fhir-mappings/ — every problem names the profile's file and line — and reflected in the
 * generated prefetch, saying so when display texts make a query lose its code filter.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngine } from '../../src/knowledge/load-engine';
import { extractFacts, loadMappings, prefetchTemplates } from '../../src/mapping';
import type { Compiled } from '../../src/mapping/compiled';
import { buildMappingsSnapshot, defaultMappingsDir, loadMappingsWith } from '../../src/mapping/load-mappings';
import { readFreshSnapshot, writeSnapshot } from '../../src/mapping/mappings-snapshot';
import { BootError } from '../../src/shared/errors';
import { projectRoot } from '../../src/config/project-root';
import { NOW } from './support';

const EXAMPLE = join(projectRoot(), 'examples', 'site-profiles', 'example-hospital');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hcc-profile-'));
  writeFileSync(join(dir, 'site-profile.yaml'), 'name: Test site\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text: string): void => {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
const problems = (profile: string = dir): string[] => {
  try {
    loadMappings(undefined, { siteProfile: profile });
  } catch (error) {
    expect(error).toBeInstanceOf(BootError);
    return [...(error as BootError).problems];
  }
  throw new Error('expected a BootError');
};
const LOCAL = 'http://lis.test-hospital.cn/item';

describe('the example profile', () => {
  const shipped = loadMappings();
  const profiled = loadMappings(undefined, { siteProfile: EXAMPLE });

  it('loads, changes the version, and leaves the shipped mappings as they were', () => {
    expect(profiled.siteProfile).toMatchObject({ name: '示例医院 Example Hospital', parameters: { taceSessionsBeforeRefractory: 3 }, notices: [] });
    expect(profiled.version).not.toBe(shipped.version);
    const again = loadMappings();
    expect(again.version).toBe(shipped.version);
    const alt = (again.compiled as Compiled).valueSets.get('lab-alt');
    expect([...(alt?.exact.keys() ?? [])].some((k) => k.includes('example-hospital'))).toBe(false);
    expect([...((profiled.compiled as Compiled).valueSets.get('lab-alt')?.exact.keys() ?? [])]).toContain('http://lis.example-hospital.cn/fhir/CodeSystem/test-item|ALT');
  });

  it('merges over a snapshot boot as over a YAML boot (the snapshot itself is left as it was)', () => {
    const file = join(dir, 'snapshot.json');
    writeSnapshot(file, buildMappingsSnapshot(defaultMappingsDir()));
    const before = readFileSync(file, 'utf8');
    expect(readFreshSnapshot(defaultMappingsDir(), file)).toBeDefined();
    const fromSnapshot = loadMappingsWith(defaultMappingsDir(), { snapshot: file, siteProfile: EXAMPLE });
    const fromYaml = loadMappingsWith(defaultMappingsDir(), { snapshot: false, siteProfile: EXAMPLE });
    expect(fromSnapshot.version).toBe(fromYaml.version);
    expect([...((fromSnapshot.compiled as Compiled).valueSets.get('lab-alt')?.exact.keys() ?? [])]).toEqual([...((fromYaml.compiled as Compiled).valueSets.get('lab-alt')?.exact.keys() ?? [])]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    const shippedAlt = [...((loadMappingsWith(defaultMappingsDir(), { snapshot: false }).compiled as Compiled).valueSets.get('lab-alt')?.exact.keys() ?? [])];
    expect([...((loadMappingsWith(defaultMappingsDir(), { snapshot: file }).compiled as Compiled).valueSets.get('lab-alt')?.exact.keys() ?? [])]).toEqual(shippedAlt);
    expect(shippedAlt.some((k) => k.includes('example-hospital'))).toBe(false);
  });

  it('adds its unit alias (克/升 → g/L) to the shipped ones', () => {
    const record = [
      { resourceType: 'Patient', id: 'p' },
      { resourceType: 'Observation', id: 'alb', status: 'final', subject: { reference: 'Patient/p' }, code: { coding: [{ system: 'http://loinc.org', code: '1751-7' }] }, effectiveDateTime: '2025-05-20', valueQuantity: { value: 38, unit: '克/升' } },
    ];
    expect(extractFacts(profiled, record as never, { patientId: 'p', now: NOW }).facts['albumin']).toMatchObject({ known: true, value: 38, unit: 'g/L' });
    expect(extractFacts(shipped, record as never, { patientId: 'p', now: NOW }).facts['albumin']).toMatchObject({ known: false, reason: 'unmappable-unit' });
  });

  it('keeps every code filter of the prefetch and adds its codes to it', () => {
    const names = [...profiled.factDefinitions.keys()];
    const before = prefetchTemplates(shipped, names);
    const after = prefetchTemplates(profiled, names);
    for (const [key, query] of Object.entries(before)) if (query.includes('&code=')) expect(Object.values(after).some((q) => q.startsWith(query.slice(0, query.indexOf('&code='))) && q.includes('&code='))).toBe(true);
    const observation = Object.values(after).filter((q) => q.startsWith('Observation?'));
    expect(observation.every((q) => q.includes('&code='))).toBe(true);
    expect(observation.join(',')).toContain('test-item|TBIL');
  });

  it('its parameter override reaches the engine, and the configuration wins over it', () => {
    expect(loadEngine().compiled.parameters['taceSessionsBeforeRefractory']).toBe(2);
    expect(loadEngine({ siteProfile: EXAMPLE }).compiled.parameters['taceSessionsBeforeRefractory']).toBe(3);
    expect(loadEngine({ siteProfile: EXAMPLE, parameters: { taceSessionsBeforeRefractory: 2 } }).compiled.parameters['taceSessionsBeforeRefractory']).toBe(2);
  });
});

describe('boot validation names the file and line', () => {
  it('an unknown value set', () => {
    write('valuesets/alt.yaml', `valueSet: lab-altt\ninclude:\n  - { system: "http://loinc.org", code: "1742-6" }\n`);
    expect(problems()).toEqual([`${join(dir, 'valuesets', 'alt.yaml')}:1: unknown value set 'lab-altt' (the shipped value sets are fhir-mappings/valuesets/*.yaml)`]);
  });

  it('an unknown fact in a unit alias', () => {
    write('unit-aliases.yaml', `aliases:\n  - { alias: "克/升", unit: "g/L" }\n  - { alias: "INR值", unit: "{INR}", facts: [inrr] }\n`);
    expect(problems()).toEqual([`${join(dir, 'unit-aliases.yaml')}:3: unknown fact 'inrr'`]);
  });

  it('an alias to something that is not UCUM', () => {
    write('unit-aliases.yaml', `aliases:\n  - { alias: "克/升", unit: "grams per litre" }\n`);
    expect(problems()).toEqual([`${join(dir, 'unit-aliases.yaml')}:2: unit 'grams per litre' is not valid UCUM`]);
  });

  it('YAML that does not parse', () => {
    write('valuesets/alt.yaml', `valueSet: lab-alt\ninclude:\n  - { system: "http://loinc.org", code: "1742-6"\n`);
    const [problem, ...rest] = problems();
    expect(rest).toEqual([]);
    expect(problem).toMatch(new RegExp(`^${join(dir, 'valuesets', 'alt.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: cannot be read as YAML \\(`));
  });

  it('a member the schema does not know, at its line', () => {
    write('valuesets/alt.yaml', `valueSet: lab-alt\ninclude:\n  - system: "http://loinc.org"\n    code: "1742-6"\n    colour: red\n`);
    expect(problems()).toEqual([`${join(dir, 'valuesets', 'alt.yaml')}:3: /include/0 must NOT have additional properties`]);
  });

  it('a code system neither shipped nor in the profile', () => {
    write('valuesets/alt.yaml', `valueSet: lab-alt\ninclude:\n  - { system: "${LOCAL}", code: "ALT" }\n`);
    expect(problems()).toEqual([`${join(dir, 'valuesets', 'alt.yaml')}:3: unknown code system '${LOCAL}' (add it to the profile's code-systems.yaml)`]);
  });

  it('a code outside a closed local code system, and a code system the shipped mappings define already', () => {
    write('code-systems.yaml', `systems:\n  - { uri: "${LOCAL}", name: LIS, codes: [ALT] }\n  - { uri: "http://loinc.org", name: LOINC again }\n`);
    write('valuesets/alt.yaml', `valueSet: lab-alt\ninclude:\n  - { system: "${LOCAL}", code: "ALT" }\n  - { system: "${LOCAL}", codes: ["AST"] }\n`);
    expect(problems()).toEqual([
      `${join(dir, 'valuesets', 'alt.yaml')}:4: code 'AST' is not in local code system ${LOCAL}`,
      `${join(dir, 'code-systems.yaml')}:3: code system 'http://loinc.org' is already defined by the shipped mappings`,
    ]);
  });

  it('a value that is not one of the fact\'s codes', () => {
    write('code-systems.yaml', `systems:\n  - { uri: "${LOCAL}", name: LIS }\n`);
    write('valuesets/stage.yaml', `valueSet: cnlc-stage\ninclude:\n  - { system: "${LOCAL}", code: "S5", value: V }\n`);
    expect(problems().join('\n')).toContain("value set 'cnlc-stage' maps to 'V', not one of the fact's codes");
  });

  it('a parameter kb.yaml does not declare, or of the wrong type', () => {
    writeFileSync(join(dir, 'site-profile.yaml'), 'name: Test site\nparameters:\n  taceSessionsBeforeRefractory: three\n  noSuchParameter: 1\n');
    let caught: unknown;
    try {
      loadEngine({ siteProfile: dir });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BootError);
    const file = join(dir, 'site-profile.yaml');
    expect((caught as BootError).problems).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: parameter override 'taceSessionsBeforeRefractory': `)),
      `${file}:4: parameter override 'noSuchParameter': no such parameter in kb.yaml`,
    ]);
  });

  it('no site-profile.yaml, or no folder at all', () => {
    rmSync(join(dir, 'site-profile.yaml'));
    expect(problems()).toEqual([`${dir}: site profile: no site-profile.yaml`]);
    expect(problems(join(dir, 'missing'))).toEqual([`${join(dir, 'missing')}: site profile: not a directory`]);
  });
});

describe('display texts and prefetch', () => {
  it('texts on a code-only value set drop its query\'s code filter, and the boot says so', () => {
    write('valuesets/alt.yaml', `valueSet: lab-alt\ntexts:\n  - { text: 谷丙转氨酶 }\n`);
    const m = loadMappings(undefined, { siteProfile: dir });
    expect(m.siteProfile?.notices).toEqual([
      `site profile ${join(dir, 'valuesets', 'alt.yaml')}:3: display texts added to value set 'lab-alt' are matched by name, so the Observation prefetch queries are no longer restricted by code (every resource of the type is fetched)`,
    ]);
    const templates = prefetchTemplates(m, ['alt']);
    expect(templates['observation']).toBe('Observation?patient={{context.patientId}}');
    const notices: string[] = [];
    loadEngine({ siteProfile: dir, onNotice: (n) => notices.push(n) });
    expect(notices).toEqual(m.siteProfile?.notices);
    // The name is read: a local ALT without any known code.
    const record = [
      { resourceType: 'Patient', id: 'p' },
      { resourceType: 'Observation', id: 'alt', status: 'final', subject: { reference: 'Patient/p' }, code: { coding: [{ system: 'http://lis.x/item', code: '9' }], text: '谷丙转氨酶(ALT)' }, effectiveDateTime: '2025-05-20', valueQuantity: { value: 45, unit: 'U/L' } },
    ];
    expect(extractFacts(m, record as never, { patientId: 'p', now: NOW }).facts['alt']).toMatchObject({ known: true, value: 45 });
  });

  it('texts on a value set that is open already change no query and give no notice', () => {
    write('valuesets/drugs.yaml', `valueSet: systemic-drugs\ntexts:\n  - { text: 某某单抗, value: atezolizumab, tags: [ici, pd-l1] }\n`);
    expect(loadMappings(undefined, { siteProfile: dir }).siteProfile?.notices).toEqual([]);
  });
});
