/**
 * Reads fhir-mappings/, validates every file with ajv against fhir-mappings/schemas/, checks cross-references
 * (facts, value sets, code systems, UCUM units, calculators, score tables) and compiles FHIRPath, value-set maps and
 * unit conversions once. Anything wrong is a BootError (ARCHITECTURE.md principle 3: fail at boot, not at the bedside).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { BootError } from '../shared/errors';
import { CALCULATOR_IDS } from './calculators';
import { buildDispatch, isDispatched } from './code-dispatch';
import type {
  Compiled,
  CompiledCalculator,
  CompiledMappedFact,
  CompiledSource,
  CompiledValue,
  MappingConfig,
  SelectionMode,
  ValueKind,
  WhenAbsent,
} from './compiled';
import { compilePath, type CompiledPath } from './fhirpath-compiled';
import { MappingSchemas, SCHEMA_NAMES, type SchemaName } from './mapping-schemas';
import { defaultSnapshotPath, isYamlFile, mappingFiles, mappingsChecksum, readFreshSnapshot, SNAPSHOT_FORMAT, type MappingsSnapshot } from './mappings-snapshot';
import type { FactDefinition, FactType, Mappings } from './types';
import { isValidUcum, UnitConverter } from './units';
import { compileValueSet, type CompiledValueSet, type ValueSetFile } from './value-sets';

/** The default mappings directory: the nearest `fhir-mappings/` above this module (works from src/ and dist/). */
export function defaultMappingsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'fhir-mappings');
    if (existsSync(join(candidate, 'code-systems.yaml'))) return candidate;
    dir = resolve(dir, '..');
  }
  return resolve(__dirname, '../../fhir-mappings');
}

interface RawValue {
  path?: string;
  kind: ValueKind;
  map?: string;
  component?: string;
  booleanMap?: { true: string; false: string };
}
interface RawSource {
  resourceType: string;
  valueSet?: string;
  statuses?: string[];
  clinicalStatuses?: string[];
  clinicalStatusMayBeAbsent?: boolean;
  excludeVerificationStatuses?: string[];
  tags?: string[];
  where?: string;
  match?: { path: string; valueSet?: string; values?: string[]; allowAbsent?: boolean };
  date?: string;
  tier?: number;
  withinDays?: number;
  value: RawValue | RawValue[];
  extras?: Record<string, RawValue>;
}
interface RawFact {
  fact: string;
  type?: FactType;
  unit?: string;
  codes?: string[];
  description: string;
  internal?: boolean;
  sources?: RawSource[];
  sourcesFrom?: string;
  selection?: {
    mode: SelectionMode;
    lookbackDays?: number;
    staleAfterDays?: number;
    baselineWindowDays?: number;
    episodeGapDays?: number;
    whenAbsent?: string | boolean | { falseIfFact: string };
    whenUnidentified?: 'unknown';
  };
  molarMass?: number;
  acceptUnits?: string[];
  referenceRange?: { of: string; bound: 'high' | 'low'; default: number };
  plausible?: { min: number; max: number };
  adverseEvent?: { drugValueSet: string; procedureValueSet: string; endocrineValueSet: string };
}
interface RawDerived {
  calculators: { id: string; table?: string; inputs: string[]; produces: { name: string; type: FactType; unit?: string; codes?: string[]; description: string }[] }[];
}
interface RawConfig {
  datePaths: Record<string, string>;
  progression: { sdThenPdIsAfterResponse: boolean };
  adverseEvents: MappingConfig['adverseEvents'];
  orders: { drugValueSet: string; procedureValueSet: string };
}

/** Value kinds that read a number from the record (each needs the fact's plausible limits). */
const NUMERIC_KINDS: ReadonlySet<ValueKind> = new Set(['quantity', 'integer', 'decimal']);

class Problems {
  readonly list: string[] = [];
  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }
}

/** The yaml package's parse, required on the first YAML read (a boot from a fresh snapshot reads none). */
function parseYaml(text: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as typeof import('yaml')).parse(text) as unknown;
}

function readYaml(file: string, problems: Problems, onBytes?: (bytes: Buffer) => void): unknown {
  try {
    const bytes = readFileSync(file);
    onBytes?.(bytes);
    return parseYaml(bytes.toString('utf8'));
  } catch (error) {
    problems.add(file, `cannot be read as YAML (${error instanceof Error ? error.message.split('\n')[0] : 'error'})`);
    return undefined;
  }
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

/** Reads, validates and compiles the mappings (from a fresh snapshot when there is one); throws BootError listing every problem found. */
export function loadMappings(dir: string = defaultMappingsDir()): Mappings {
  return loadMappingsWith(dir, {});
}

/** Options of loadMappingsWith. */
export interface LoadOptions {
  /** Snapshot file to use when fresh (default defaultSnapshotPath()); false = always read the YAML. */
  readonly snapshot?: string | false;
}

/**
 * Writes the snapshot of a mappings directory after loading it from its YAML with full validation (throws BootError
 * when it does not load); returns the snapshot. Run at build time: `node dist/src/mapping/build-snapshot.js`.
 */
export function buildMappingsSnapshot(dir: string = defaultMappingsDir()): MappingsSnapshot {
  const root = resolve(dir);
  const checksum = mappingsChecksum(root);
  const { version } = loadMappingsWith(root, { snapshot: false });
  const problems = new Problems();
  const files: Record<string, unknown> = {};
  for (const rel of mappingFiles(root)) if (isYamlFile(rel)) files[rel] = readYaml(join(root, rel), problems);
  const text = JSON.stringify(files);
  if (problems.list.length > 0 || text !== JSON.stringify(JSON.parse(text))) throw new BootError('fhir-mappings snapshot', problems.list);
  if (mappingsChecksum(root) !== checksum) throw new BootError('fhir-mappings snapshot', [`${root}: changed while the snapshot was built`]);
  return { format: SNAPSHOT_FORMAT, checksum, version, files };
}

/** loadMappings with options (tests, the snapshot builder). */
export function loadMappingsWith(dir: string, options: LoadOptions): Mappings {
  const problems = new Problems();
  const hash = createHash('sha256');
  const root = resolve(dir);
  if (!existsSync(join(root, 'code-systems.yaml'))) throw new BootError('fhir-mappings', [`${root}: not a mappings directory (no code-systems.yaml)`]);
  // A fresh snapshot holds exactly these files' data, validated by the load that wrote it.
  const snapshot = options.snapshot === false ? undefined : readFreshSnapshot(root, options.snapshot ?? defaultSnapshotPath());

  const schemas = new MappingSchemas(root, (where, message) => problems.add(where, message));
  const check = (name: SchemaName, data: unknown, where: string): boolean => snapshot !== undefined || schemas.validate(name, data, where);
  const load = (file: string): unknown => {
    if (snapshot !== undefined) {
      const data = snapshot.files[relative(root, file).split(sep).join('/')];
      if (data === undefined) problems.add(file, 'not found');
      return data;
    }
    return readYaml(file, problems, (bytes) => hash.update(bytes));
  };

  // Code systems.
  const systems = new Map<string, ReadonlySet<string> | undefined>();
  const csFile = join(root, 'code-systems.yaml');
  const csRaw = load(csFile) as { systems: { uri: string; codes?: string[] }[] } | undefined;
  if (csRaw !== undefined && check('code-systems', csRaw, csFile)) {
    for (const s of csRaw.systems) systems.set(s.uri, s.codes === undefined ? undefined : new Set(s.codes));
  }

  // Value sets.
  const valueSets = new Map<string, CompiledValueSet>();
  const valueSetTags = new Map<string, Set<string>>();
  for (const file of yamlFiles(join(root, 'valuesets'))) {
    const raw = load(file) as ValueSetFile | undefined;
    if (raw === undefined || !check('value-set', raw, file)) continue;
    if (raw.id !== basename(file).replace(/\.ya?ml$/, '')) problems.add(file, `id '${raw.id}' must match the file name`);
    const tags = new Set<string>();
    for (const item of raw.include) {
      if (!systems.has(item.system)) problems.add(file, `unknown code system '${item.system}' (add it to code-systems.yaml)`);
      const closed = systems.get(item.system);
      for (const code of item.codes ?? (item.code === undefined ? [] : [item.code])) {
        if (closed !== undefined && !closed.has(code)) problems.add(file, `code '${code}' is not in local code system ${item.system}`);
      }
      for (const t of item.tags ?? []) tags.add(t);
    }
    for (const t of raw.texts ?? []) for (const tag of t.tags ?? []) tags.add(tag);
    valueSets.set(raw.id, compileValueSet(raw));
    valueSetTags.set(raw.id, tags);
  }

  const paths = new Map<string, CompiledPath>();
  const compile = (expression: string, where: string, base?: string): CompiledPath | undefined => {
    const key = `${base ?? ''}\u0000${expression}`;
    const known = paths.get(key);
    if (known !== undefined) return known;
    try {
      const path = compilePath(expression, base);
      paths.set(key, path);
      return path;
    } catch (error) {
      problems.add(where, `FHIRPath '${expression}' does not compile (${error instanceof Error ? error.message : 'error'})`);
      return undefined;
    }
  };
  const valueSetRef = (id: string | undefined, where: string): CompiledValueSet | undefined => {
    if (id === undefined) return undefined;
    const vs = valueSets.get(id);
    if (vs === undefined) problems.add(where, `unknown value set '${id}'`);
    return vs;
  };

  // Config.
  const labGradeFactsToCheck: string[] = [];
  const cfgFile = join(root, 'config.yaml');
  const cfgRaw = load(cfgFile) as RawConfig | undefined;
  let config: MappingConfig | undefined;
  if (cfgRaw !== undefined && check('config', cfgRaw, cfgFile)) {
    const datePaths: Record<string, CompiledPath> = {};
    for (const [type, expression] of Object.entries(cfgRaw.datePaths)) {
      const compiled = compile(expression, `${cfgFile} datePaths.${type}`);
      if (compiled !== undefined) datePaths[type] = compiled;
    }
    const drugs = valueSetRef(cfgRaw.orders.drugValueSet, `${cfgFile} orders`);
    const procedures = valueSetRef(cfgRaw.orders.procedureValueSet, `${cfgFile} orders`);
    if (drugs !== undefined && procedures !== undefined) {
      config = { datePaths, sdThenPdIsAfterResponse: cfgRaw.progression.sdThenPdIsAfterResponse, adverseEvents: cfgRaw.adverseEvents, orders: { drugs, procedures } };
    }
    for (const f of cfgRaw.adverseEvents.labGradeFacts) labGradeFactsToCheck.push(f);
  }

  // Mapped facts.
  const rawFacts = new Map<string, { raw: RawFact; file: string }>();
  for (const file of yamlFiles(join(root, 'facts'))) {
    const raw = load(file) as RawFact | undefined;
    if (raw === undefined || !check('fact-mapping', raw, file)) continue;
    if (raw.fact !== basename(file).replace(/\.ya?ml$/, '')) problems.add(file, `fact '${raw.fact}' must match the file name`);
    if (rawFacts.has(raw.fact)) problems.add(file, `fact '${raw.fact}' is defined twice`);
    rawFacts.set(raw.fact, { raw, file });
  }

  const compileValue = (v: RawValue, where: string, resourceType: string, codes: readonly string[] | undefined): CompiledValue | undefined => {
    const base = v.component === undefined ? undefined : `${resourceType}.component`;
    const path = v.path === undefined ? undefined : compile(v.path, where, base);
    if (v.path !== undefined && path === undefined) return undefined;
    if (['quantity', 'integer', 'decimal', 'boolean', 'coding', 'code'].includes(v.kind) && v.path === undefined) problems.add(where, `value kind '${v.kind}' needs a path`);
    if (v.kind === 'coding' && v.map === undefined) problems.add(where, `value kind 'coding' needs a map (value set)`);
    if (v.kind === 'code' && codes === undefined) problems.add(where, `value kind 'code' needs the fact's codes`);
    const map = valueSetRef(v.map, where);
    const component = valueSetRef(v.component, where);
    if (v.booleanMap !== undefined && codes !== undefined) {
      for (const c of [v.booleanMap.true, v.booleanMap.false]) if (!codes.includes(c)) problems.add(where, `booleanMap value '${c}' is not one of the fact's codes`);
    }
    if (map !== undefined && codes !== undefined) {
      for (const concept of map.exact.values()) {
        if (concept.value !== undefined && !codes.includes(String(concept.value))) problems.add(where, `value set '${map.id}' maps to '${String(concept.value)}', not one of the fact's codes`);
      }
    }
    return {
      kind: v.kind,
      ...(path === undefined ? {} : { path }),
      ...(map === undefined ? {} : { map }),
      ...(component === undefined ? {} : { component }),
      ...(v.booleanMap === undefined ? {} : { booleanMap: v.booleanMap }),
    };
  };

  const dispatchIds = new Map<string, number>();
  const dispatchPairs: { resourceType: string; valueSet: CompiledValueSet; dispatchId: number }[] = [];
  const dispatchIdOf = (resourceType: string, valueSet: CompiledValueSet): number => {
    const key = `${resourceType}|${valueSet.id}`;
    let id = dispatchIds.get(key);
    if (id === undefined) dispatchIds.set(key, (id = dispatchIds.size));
    return id;
  };
  const compileSources = (raw: RawFact, file: string, codes: readonly string[] | undefined): CompiledSource[] => {
    const out: CompiledSource[] = [];
    (raw.sources ?? []).forEach((s, i) => {
      const where = `${file} sources[${i}]`;
      const valueSet = valueSetRef(s.valueSet, where);
      if (s.tags !== undefined && s.valueSet !== undefined) {
        const known = valueSetTags.get(s.valueSet);
        for (const t of s.tags) if (known !== undefined && !known.has(t)) problems.add(where, `tag '${t}' is not used in value set '${s.valueSet}'`);
      }
      const date = s.date === undefined ? config?.datePaths[s.resourceType] : compile(s.date, `${where} date`);
      const values = (Array.isArray(s.value) ? s.value : [s.value]).map((v, j) => compileValue(v, `${where} value[${j}]`, s.resourceType, codes));
      const extras: (readonly [string, CompiledValue])[] = [];
      for (const [name, v] of Object.entries(s.extras ?? {})) {
        const compiled = compileValue(v, `${where} extras.${name}`, s.resourceType, undefined);
        if (compiled !== undefined) extras.push([name, compiled]);
      }
      const whereExpr = s.where === undefined ? undefined : compile(s.where, `${where} where`);
      const matchPath = s.match === undefined ? undefined : compile(s.match.path, `${where} match`);
      const matchSet = valueSetRef(s.match?.valueSet, `${where} match`);
      if (date === undefined) problems.add(where, `no date path for ${s.resourceType} (config.yaml datePaths or the source's date)`);
      if (date === undefined || values.some((v) => v === undefined)) return;
      const dispatchId = isDispatched(s.resourceType, valueSet) ? dispatchIdOf(s.resourceType, valueSet as CompiledValueSet) : undefined;
      const source: CompiledSource = {
        ...(dispatchId === undefined ? {} : { dispatchId }),
        resourceType: s.resourceType,
        ...(valueSet === undefined ? {} : { valueSet }),
        ...(s.statuses === undefined || s.statuses.length === 0 ? {} : { statuses: new Set(s.statuses) }),
        ...(s.clinicalStatuses === undefined ? {} : { clinicalStatuses: new Set(s.clinicalStatuses) }),
        clinicalStatusMayBeAbsent: s.clinicalStatusMayBeAbsent ?? false,
        excludeVerificationStatuses: new Set(s.excludeVerificationStatuses ?? []),
        ...(s.tags === undefined ? {} : { tags: s.tags }),
        ...(whereExpr === undefined ? {} : { where: whereExpr }),
        ...(s.match === undefined || matchPath === undefined
          ? {}
          : {
              match: {
                path: matchPath,
                ...(matchSet === undefined ? {} : { valueSet: matchSet }),
                ...(s.match.values === undefined ? {} : { values: new Set(s.match.values) }),
                allowAbsent: s.match.allowAbsent ?? false,
              },
            }),
        date,
        tier: s.tier ?? 0,
        ...(s.withinDays === undefined ? {} : { withinDays: s.withinDays }),
        values: values as CompiledValue[],
        extras,
      };
      if (dispatchId !== undefined) dispatchPairs.push({ resourceType: s.resourceType, valueSet: valueSet as CompiledValueSet, dispatchId });
      out.push(source);
    });
    return out;
  };

  const checkUnit = (unit: string | undefined, where: string): void => {
    if (unit !== undefined && !isValidUcum(unit)) problems.add(where, `unit '${unit}' is not valid UCUM`);
  };

  const mapped = new Map<string, CompiledMappedFact>();
  for (const [name, { raw, file }] of rawFacts) {
    const parent = raw.sourcesFrom !== undefined ? rawFacts.get(raw.sourcesFrom)?.raw : raw.referenceRange !== undefined ? rawFacts.get(raw.referenceRange.of)?.raw : undefined;
    if ((raw.sourcesFrom !== undefined || raw.referenceRange !== undefined) && parent === undefined) {
      problems.add(file, `refers to unknown fact '${raw.sourcesFrom ?? raw.referenceRange?.of ?? ''}'`);
      continue;
    }
    const definition = parent ?? raw;
    const type: FactType = raw.referenceRange !== undefined ? 'quantity' : (definition.type ?? 'quantity');
    const unit = raw.unit ?? definition.unit;
    const codes = raw.codes ?? definition.codes;
    checkUnit(unit, file);
    for (const u of definition.acceptUnits ?? []) checkUnit(u, file);
    if ((type === 'code' || type === 'codes') && codes === undefined && raw.internal !== true && raw.selection?.mode !== 'series' && raw.fact !== 'systemicAgents') {
      problems.add(file, `a ${type} fact needs its codes`);
    }
    const sources = raw.referenceRange !== undefined ? [] : compileSources(definition, file, codes);
    const sel = raw.selection ?? { mode: 'mostRecent' as const };
    const dependsOn: string[] = [];
    if (raw.sourcesFrom !== undefined) dependsOn.push(raw.sourcesFrom);
    if (raw.referenceRange !== undefined) dependsOn.push(raw.referenceRange.of);
    if (sel.mode === 'baseline') dependsOn.push('targetedImmuneStart');
    let whenAbsent: WhenAbsent = { kind: 'unknown' };
    const wa = sel.whenAbsent;
    if (wa === false || wa === 'false') whenAbsent = { kind: 'false' };
    else if (wa === 'false-if-type-present') whenAbsent = { kind: 'false-if-type-present' };
    else if (typeof wa === 'object') {
      whenAbsent = { kind: 'false-if-fact', fact: wa.falseIfFact };
      dependsOn.push(wa.falseIfFact);
    }
    if (sel.whenUnidentified !== undefined && (!['exists', 'distinct', 'earliest'].includes(sel.mode) || sources.some((s) => !s.resourceType.startsWith('Medication')))) {
      problems.add(file, 'whenUnidentified applies to exists / distinct / earliest facts read from medication resources only');
    }
    let adverseEvent: CompiledMappedFact['adverseEvent'];
    if (raw.adverseEvent !== undefined) {
      const drugs = valueSetRef(raw.adverseEvent.drugValueSet, file);
      const procedures = valueSetRef(raw.adverseEvent.procedureValueSet, file);
      const endocrine = valueSetRef(raw.adverseEvent.endocrineValueSet, file);
      if (drugs !== undefined && procedures !== undefined && endocrine !== undefined) adverseEvent = { drugs, procedures, endocrine };
    }
    const molarMass = definition.molarMass;
    const acceptUnits = definition.acceptUnits;
    // Data-quality limits (not clinical thresholds): every numeric reading needs them; baselines and reference
    // ranges use those of the fact they read.
    const plausible = raw.plausible ?? definition.plausible;
    if (plausible !== undefined && !(plausible.min <= plausible.max)) problems.add(file, `plausible.min ${plausible.min} is above plausible.max ${plausible.max}`);
    const numericKinds = sources.flatMap((s) => s.values).filter((v) => NUMERIC_KINDS.has(v.kind));
    if (plausible === undefined && (type === 'quantity' || type === 'number' || numericKinds.length > 0)) problems.add(file, `a numeric fact needs plausible limits (plausible: { min, max } in its canonical unit)`);
    if (raw.referenceRange !== undefined && plausible !== undefined && (raw.referenceRange.default < plausible.min || raw.referenceRange.default > plausible.max)) {
      problems.add(file, `default ${raw.referenceRange.default} is outside the plausible limits of '${raw.referenceRange.of}'`);
    }
    mapped.set(name, {
      name,
      type,
      ...(unit === undefined ? {} : { unit }),
      ...(codes === undefined ? {} : { codes }),
      internal: raw.internal ?? false,
      sources,
      mode: sel.mode,
      ...(sel.lookbackDays === undefined ? {} : { lookbackDays: sel.lookbackDays }),
      ...(sel.staleAfterDays === undefined ? {} : { staleAfterDays: sel.staleAfterDays }),
      ...(sel.baselineWindowDays === undefined ? {} : { baselineWindowDays: sel.baselineWindowDays }),
      ...(sel.episodeGapDays === undefined ? {} : { episodeGapDays: sel.episodeGapDays }),
      whenAbsent,
      unidentifiedIsUnknown: sel.whenUnidentified === 'unknown',
      ...(molarMass === undefined ? {} : { molarMass }),
      ...(acceptUnits === undefined ? {} : { acceptUnits }),
      ...(plausible === undefined ? {} : { plausible: { min: plausible.min, max: plausible.max } }),
      ...(raw.sourcesFrom === undefined ? {} : { of: raw.sourcesFrom }),
      ...(raw.referenceRange === undefined ? {} : { referenceRange: raw.referenceRange, of: raw.referenceRange.of }),
      ...(adverseEvent === undefined ? {} : { adverseEvent }),
      dependsOn,
    });
  }
  for (const fact of mapped.values()) for (const dep of fact.dependsOn) if (!mapped.has(dep)) problems.add(`facts/${fact.name}.yaml`, `depends on unknown mapped fact '${dep}'`);

  // Derived facts and score tables.
  const derivedFile = join(root, 'derived-facts.yaml');
  const derivedRaw = load(derivedFile) as RawDerived | undefined;
  const calculators: CompiledCalculator[] = [];
  const derivedDefs = new Map<string, RawDerived['calculators'][number]['produces'][number] & { inputs: string[] }>();
  if (derivedRaw !== undefined && check('derived-facts', derivedRaw, derivedFile)) {
    const available = new Set(mapped.keys());
    for (const calc of derivedRaw.calculators) {
      const where = `${derivedFile} ${calc.id}`;
      if (!CALCULATOR_IDS.includes(calc.id)) problems.add(where, `unknown calculator '${calc.id}' (known: ${CALCULATOR_IDS.join(', ')})`);
      for (const input of calc.inputs) if (!available.has(input)) problems.add(where, `input '${input}' is not a fact computed before this calculator`);
      let table: unknown;
      if (calc.table !== undefined) {
        const tableFile = join(root, calc.table);
        const schemaName = basename(calc.table).replace(/\.ya?ml$/, '') as SchemaName;
        table = load(tableFile);
        if (!SCHEMA_NAMES.includes(schemaName)) problems.add(where, `no schema for score table '${calc.table}'`);
        else if (table !== undefined) check(schemaName, table, tableFile);
      }
      for (const p of calc.produces) {
        if (available.has(p.name)) problems.add(where, `fact '${p.name}' is already defined`);
        checkUnit(p.unit, where);
        available.add(p.name);
        derivedDefs.set(p.name, { ...p, inputs: calc.inputs });
      }
      calculators.push({ id: calc.id, inputs: calc.inputs, produces: calc.produces.map((p) => p.name), ...(table === undefined ? {} : { table }) });
    }
  }

  for (const f of labGradeFactsToCheck) if (!derivedDefs.has(f)) problems.add(cfgFile, `adverseEvents.labGradeFacts: unknown fact '${f}'`);

  // Score-table units must be the canonical units of their input facts.
  const unitOf = (name: string): string | undefined => mapped.get(name)?.unit ?? derivedDefs.get(name)?.unit;
  for (const calc of calculators) {
    const t = calc.table as Record<string, unknown> | undefined;
    if (t === undefined) continue;
    const expect = (fact: string, unit: unknown, where: string): void => {
      if (typeof unit === 'string' && unitOf(fact) !== undefined && unitOf(fact) !== unit) problems.add(where, `unit '${unit}' differs from ${fact}'s canonical unit '${unitOf(fact) ?? ''}'`);
    };
    if (calc.id === 'child-pugh') {
      const params = (t['parameters'] ?? {}) as Record<string, { unit?: string }>;
      for (const [fact, p] of Object.entries(params)) expect(fact, p.unit, `scores/child-pugh.yaml ${fact}`);
    }
    if (calc.id === 'albi') {
      expect('totalBilirubin', t['bilirubinUnit'], 'scores/albi.yaml');
      expect('albumin', t['albuminUnit'], 'scores/albi.yaml');
    }
    if (calc.id === 'cnlc-stage') expect('maxTumorDiameter', t['diameterUnit'], 'scores/cnlc.yaml');
    if (calc.id === 'ctcae') {
      const terms = (t['terms'] ?? {}) as Record<string, { value: string; baseline?: string; limit?: string; columns: { unit?: string }[] }>;
      for (const [grade, term] of Object.entries(terms)) {
        if (!calc.produces.includes(grade)) problems.add('scores/ctcae-v5.yaml', `term '${grade}' is not produced by the ctcae calculator`);
        for (const f of [term.value, term.baseline, term.limit]) if (f !== undefined && !calc.inputs.includes(f)) problems.add('scores/ctcae-v5.yaml', `'${f}' is not an input of the ctcae calculator`);
        for (const col of term.columns) expect(term.value, col.unit, `scores/ctcae-v5.yaml ${grade}`);
      }
      for (const grade of calc.produces) if (terms[grade] === undefined) problems.add('scores/ctcae-v5.yaml', `no term for '${grade}'`);
    }
  }

  // Dependency order of the mapped facts.
  const ordered: CompiledMappedFact[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, chain: string[]): void => {
    const fact = mapped.get(name);
    if (fact === undefined || state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      problems.add('facts', `dependency cycle ${[...chain, name].join(' → ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const dep of fact.dependsOn) visit(dep, [...chain, name]);
    state.set(name, 'done');
    ordered.push(fact);
  };
  for (const name of [...mapped.keys()].sort()) visit(name, []);

  if (config === undefined) problems.add(cfgFile, 'missing or invalid');
  if (problems.list.length > 0 || config === undefined) throw new BootError('fhir-mappings invalid', problems.list);

  // Public fact definitions (internal helper facts are not part of the catalogue).
  const definitions = new Map<string, FactDefinition>();
  const resourceTypesOf = (name: string, seen: Set<string>): string[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const m = mapped.get(name);
    if (m !== undefined) {
      const direct = m.sources.map((s) => s.resourceType);
      const via = m.of !== undefined ? resourceTypesOf(m.of, seen) : [];
      return [...direct, ...via];
    }
    const d = derivedDefs.get(name);
    return d === undefined ? [] : d.inputs.flatMap((i) => resourceTypesOf(i, seen));
  };
  const uniqueSorted = (xs: string[]): string[] => [...new Set(xs)].sort();
  for (const m of [...mapped.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (m.internal) continue;
    const raw = rawFacts.get(m.name)?.raw;
    definitions.set(m.name, {
      name: m.name,
      type: m.type,
      ...(m.unit === undefined ? {} : { unit: m.unit }),
      ...(m.codes === undefined ? {} : { codes: m.codes }),
      resourceTypes: uniqueSorted(resourceTypesOf(m.name, new Set())),
      ...(raw === undefined ? {} : { description: raw.description }),
    });
  }
  for (const d of derivedDefs.values()) {
    definitions.set(d.name, {
      name: d.name,
      type: d.type,
      ...(d.unit === undefined ? {} : { unit: d.unit }),
      ...(d.codes === undefined ? {} : { codes: d.codes }),
      resourceTypes: uniqueSorted(resourceTypesOf(d.name, new Set())),
      derivedFrom: d.inputs.filter((i) => mapped.get(i)?.internal !== true),
      description: d.description,
    });
  }

  const compiled: Compiled = {
    mapped: ordered,
    mappedByName: mapped,
    calculators,
    valueSets,
    config,
    units: new UnitConverter(),
    dispatch: buildDispatch(dispatchPairs),
  };
  return { dir: root, version: snapshot?.version ?? hash.digest('hex').slice(0, 16), factDefinitions: definitions, compiled };
}
