/**
 * The loading stages of src/mapping/load/, one by one on the shipped fhir-mappings/ (and small inputs of their own):
 * gather → validate → overlay a site profile → compile code systems, value sets, config, unit aliases, facts,
 * derived facts → fact definitions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileCodeSystems } from '../../src/mapping/load/compile-code-systems';
import { compileConfig } from '../../src/mapping/load/compile-config';
import { compileDerived } from '../../src/mapping/load/compile-derived';
import { compileFacts, dependencyOrder } from '../../src/mapping/load/compile-facts';
import { aliasesFor, compileUnitAliases } from '../../src/mapping/load/compile-unit-aliases';
import { compileValueSets } from '../../src/mapping/load/compile-value-sets';
import { CompileContext } from '../../src/mapping/load/context';
import { factDefinitions } from '../../src/mapping/load/fact-definitions';
import { gatherMappingFiles, type GatheredMappings, type MappingDoc } from '../../src/mapping/load/gather';
import { overlaySiteProfile } from '../../src/mapping/load/overlay-site-profile';
import { Problems } from '../../src/mapping/load/problems';
import { gatherSiteProfile } from '../../src/mapping/load/site-profile';
import { validateMappingFiles } from '../../src/mapping/load/validate';
import { defaultMappingsDir, loadMappingsWith } from '../../src/mapping/load-mappings';
import { MappingSchemas } from '../../src/mapping/mapping-schemas';
import { BootError } from '../../src/shared/errors';

const root = defaultMappingsDir();
const doc = (file: string, schema: MappingDoc['schema'], data: unknown): MappingDoc => ({ file, schema, data });

function gathered(): { g: GatheredMappings; problems: Problems; schemas: MappingSchemas } {
  const problems = new Problems();
  const schemas = new MappingSchemas(root, (w, m) => problems.add(w, m));
  const g = gatherMappingFiles(root, undefined, problems);
  return { g, problems, schemas };
}

describe('gather', () => {
  it('reads every shipped file by role, with the score tables derived-facts.yaml names, and a content version', () => {
    const { g, problems } = gathered();
    expect(problems.list).toEqual([]);
    expect(g.fromSnapshot).toBe(false);
    expect(g.valueSets.length).toBeGreaterThan(50);
    expect(g.facts.length).toBeGreaterThan(60);
    expect([...g.tables.keys()].sort()).toEqual(['scores/albi.yaml', 'scores/child-pugh.yaml', 'scores/cnlc.yaml', 'scores/ctcae-v5.yaml']);
    expect(g.unitAliases?.schema).toBe('unit-aliases');
    expect(g.version).toMatch(/^[0-9a-f]{16}$/);
    expect(loadMappingsWith(root, { snapshot: false }).version).toBe(g.version);
  });

  it('takes the data from a snapshot when given one, reading no file', () => {
    const problems = new Problems();
    const g = gatherMappingFiles(root, { format: 'x', checksum: 'x', version: 'v-snap', files: { 'code-systems.yaml': { systems: [] } } }, problems);
    expect(g.version).toBe('v-snap');
    expect(g.codeSystems.data).toEqual({ systems: [] });
    expect(problems.list).toContain(`${join(root, 'config.yaml')}: not found`);
  });

  it('refuses a directory that is no mappings directory', () => {
    expect(() => gatherMappingFiles(tmpdir(), undefined, new Problems())).toThrow(BootError);
  });
});

describe('validate', () => {
  it('keeps valid files and drops an invalid one with its problems', () => {
    const { g, problems, schemas } = gathered();
    const alt = g.facts.find((d) => d.file.endsWith('alt.yaml')) as MappingDoc;
    alt.data = { ...(alt.data as object), colour: 'red' };
    validateMappingFiles(g, schemas);
    expect(alt.data).toBeUndefined();
    expect(problems.list).toEqual([expect.stringMatching(/alt\.yaml: \/ must NOT have additional properties/)]);
    expect(g.config.data).toBeDefined();
  });

  it('validates nothing for snapshot data (validated when the snapshot was written)', () => {
    const { g, problems, schemas } = gathered();
    const snap = { ...g, fromSnapshot: true };
    (snap.facts[0] as MappingDoc).data = { nonsense: true };
    validateMappingFiles(snap, schemas);
    expect(problems.list).toEqual([]);
  });
});

describe('overlay-site-profile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hcc-overlay-'));
    writeFileSync(join(dir, 'site-profile.yaml'), 'name: Overlay test\nparameters: { taceSessionsBeforeRefractory: 3 }\n');
    writeFileSync(join(dir, 'code-systems.yaml'), 'systems:\n  - { uri: "http://lis.test/item", name: LIS }\n');
    mkdirSync(join(dir, 'valuesets'));
    writeFileSync(join(dir, 'valuesets', 'alt.yaml'), 'valueSet: lab-alt\ninclude:\n  - { system: "http://lis.test/item", code: "ALT" }\n');
    writeFileSync(join(dir, 'unit-aliases.yaml'), 'aliases:\n  - { alias: "克/升", unit: "g/L" }\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('without a profile, passes the shipped files through', () => {
    const { g, problems } = gathered();
    const o = overlaySiteProfile(g, undefined, problems);
    expect(o.valueSets).toBe(g.valueSets);
    expect(o.codeSystems).toEqual([g.codeSystems]);
    expect(o.profile).toBeUndefined();
  });

  it('appends codes to the named value set (a copy: the shipped data is untouched), systems and aliases after the shipped ones', () => {
    const { g, problems, schemas } = gathered();
    const profile = gatherSiteProfile(dir, schemas, problems);
    const before = JSON.stringify(g.valueSets.find((d) => d.file.endsWith('lab-alt.yaml'))?.data);
    const o = overlaySiteProfile(g, profile, problems);
    expect(problems.list).toEqual([]);
    const alt = o.valueSets.find((d) => d.file.endsWith('lab-alt.yaml'))?.data as { include: { system: string }[] };
    expect(alt.include.map((i) => i.system)).toEqual(['http://loinc.org', 'http://lis.test/item']);
    expect(JSON.stringify(g.valueSets.find((d) => d.file.endsWith('lab-alt.yaml'))?.data)).toBe(before);
    expect(o.codeSystems).toHaveLength(2);
    expect(o.unitAliases).toHaveLength(2);
    expect(o.opened).toEqual([]);
    expect(o.profile).toMatchObject({ name: 'Overlay test', parameters: { taceSessionsBeforeRefractory: 3 }, parameterWhere: { taceSessionsBeforeRefractory: `${join(dir, 'site-profile.yaml')}:2` } });
  });
});

describe('compile-code-systems', () => {
  it('open and closed systems; a profile redefining a shipped URI is a problem', () => {
    const problems = new Problems();
    const systems = compileCodeSystems(
      [doc('a.yaml', 'code-systems', { systems: [{ uri: 'http://loinc.org', name: 'LOINC' }, { uri: 'urn:local', name: 'L', codes: ['x'] }] }), doc('b.yaml', 'code-systems', { systems: [{ uri: 'http://loinc.org', name: 'again' }] })],
      problems,
    );
    expect(systems.get('http://loinc.org')).toBeUndefined();
    expect(systems.has('http://loinc.org')).toBe(true);
    expect([...(systems.get('urn:local') ?? [])]).toEqual(['x']);
    expect(problems.list).toEqual(["b.yaml: code system 'http://loinc.org' is already defined by the shipped mappings"]);
  });
});

describe('compile-value-sets', () => {
  it('compiles lookups and tags; reports unknown systems, codes outside closed systems and an id not matching its file', () => {
    const problems = new Problems();
    const systems = new Map([['http://loinc.org', undefined], ['urn:local', new Set(['a'])]]);
    const { valueSets, tags } = compileValueSets(
      [
        doc('vs/good.yaml', 'value-set', { id: 'good', title: 't', include: [{ system: 'http://loinc.org', code: '1-1', tags: ['t1'] }], texts: [{ text: 'name', tags: ['t2'] }] }),
        doc('vs/bad.yaml', 'value-set', { id: 'wrong', title: 't', include: [{ system: 'urn:nope', code: 'z' }, { system: 'urn:local', code: 'b' }] }),
      ],
      systems,
      problems,
    );
    expect(valueSets.get('good')?.exact.has('http://loinc.org|1-1')).toBe(true);
    expect([...(tags.get('good') ?? [])].sort()).toEqual(['t1', 't2']);
    expect(problems.list).toEqual([
      "vs/bad.yaml: id 'wrong' must match the file name",
      "vs/bad.yaml: unknown code system 'urn:nope' (add it to code-systems.yaml)",
      "vs/bad.yaml: code 'b' is not in local code system urn:local",
    ]);
  });
});

function shippedContext(): { g: GatheredMappings; ctx: CompileContext; problems: Problems } {
  const { g, problems, schemas } = gathered();
  validateMappingFiles(g, schemas);
  const systems = compileCodeSystems([g.codeSystems], problems);
  const { valueSets, tags } = compileValueSets(g.valueSets, systems, problems);
  return { g, ctx: new CompileContext(problems, valueSets, tags), problems };
}

describe('compile-config', () => {
  it('compiles date paths and order value sets of the shipped config', () => {
    const { g, ctx, problems } = shippedContext();
    const { config, labGradeFacts } = compileConfig(g.config, ctx);
    expect(problems.list).toEqual([]);
    expect(Object.keys(config?.datePaths ?? {})).toContain('Observation');
    expect(config?.orders.drugs.id).toBe('systemic-drugs');
    expect(labGradeFacts).toContain('altCtcaeGrade');
  });

  it('no config without its order value sets', () => {
    const { g, ctx, problems } = shippedContext();
    const raw = g.config.data as { orders: { drugValueSet: string } };
    const broken = doc('config.yaml', 'config', { ...raw, orders: { ...raw.orders, drugValueSet: 'nope' } });
    expect(compileConfig(broken, ctx).config).toBeUndefined();
    expect(problems.list).toEqual(["config.yaml orders: unknown value set 'nope'"]);
  });
});

describe('compile-unit-aliases', () => {
  it('global and per-fact aliases (the latter win, also for the facts that read from them); unknown facts and non-UCUM units are problems', () => {
    const problems = new Problems();
    const aliases = compileUnitAliases(
      [
        doc('u.yaml', 'unit-aliases', { aliases: [{ alias: 'IU/L', unit: '[IU]/L' }, { alias: 'IU/L', unit: 'U/L', facts: ['alt'] }] }),
        doc('p.yaml', 'unit-aliases', { aliases: [{ alias: 'x', unit: 'not ucum' }, { alias: 'y', unit: 'g/L', facts: ['nope'] }] }),
      ],
      new Set(['alt', 'ast']),
      problems,
    );
    expect(aliasesFor(aliases, 'ast').get('IU/L')).toBe('[IU]/L');
    expect(aliasesFor(aliases, 'alt').get('IU/L')).toBe('U/L');
    expect(aliasesFor(aliases, 'altBaseline', 'alt').get('IU/L')).toBe('U/L');
    expect(problems.list).toEqual(["p.yaml aliases[0]: unit 'not ucum' is not valid UCUM", "p.yaml aliases[1]: unknown fact 'nope'"]);
  });
});

describe('compile-facts and compile-derived', () => {
  it('compile the shipped facts in dependency order, with dispatch pairs, unit aliases and the calculators', () => {
    const { g, ctx, problems } = shippedContext();
    const { config, labGradeFacts } = compileConfig(g.config, ctx);
    const facts = compileFacts(ctx, g.facts, g.unitAliases === undefined ? [] : [g.unitAliases], config);
    const ordered = dependencyOrder(ctx, facts.mapped);
    const derived = compileDerived(ctx, g, facts.mapped, labGradeFacts, g.config.file);
    expect(problems.list).toEqual([]);
    expect(facts.mapped.get('inr')?.unitAliases.get('')).toBe('{INR}');
    expect(facts.mapped.get('albumin')?.unitAliases.has('')).toBe(false);
    expect(facts.dispatchPairs.length).toBeGreaterThan(10);
    const position = (name: string): number => ordered.findIndex((f) => f.name === name);
    expect(position('targetedImmuneStart')).toBeLessThan(position('altBaseline'));
    expect(derived.calculators.map((c) => c.id)).toContain('child-pugh');
    expect(derived.definitions.get('childPughClass')?.inputs).toContain('totalBilirubin');
    const definitions = factDefinitions(facts.mapped, facts.raw, derived.definitions);
    expect(definitions.get('alt')).toMatchObject({ type: 'quantity', unit: 'U/L', resourceTypes: ['Observation'] });
    expect(definitions.get('childPughClass')?.derivedFrom).toContain('albumin');
  });

  it('report a fact file whose name differs, an unknown parent fact and a cycle', () => {
    const { ctx, problems } = shippedContext();
    const base = { description: 'd', type: 'boolean', sources: [] };
    const facts = compileFacts(
      ctx,
      [doc('facts/a.yaml', 'fact-mapping', { ...base, fact: 'b' }), doc('facts/c.yaml', 'fact-mapping', { fact: 'c', description: 'd', sourcesFrom: 'zz' }), doc('facts/x.yaml', 'fact-mapping', { ...base, fact: 'x', selection: { mode: 'exists', whenAbsent: { falseIfFact: 'y' } } }), doc('facts/y.yaml', 'fact-mapping', { ...base, fact: 'y', selection: { mode: 'exists', whenAbsent: { falseIfFact: 'x' } } })],
      [],
      undefined,
    );
    dependencyOrder(ctx, facts.mapped);
    expect(problems.list).toEqual(["facts/a.yaml: fact 'b' must match the file name", "facts/c.yaml: refers to unknown fact 'zz'", 'facts: dependency cycle x → y → x']);
  });
});
