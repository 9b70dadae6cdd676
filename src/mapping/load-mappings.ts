/**
 * Loads the mappings in stages, each a module of ./load/: gather the shipped files (./load/gather, YAML or a fresh
 * snapshot) and a site profile's (./load/site-profile) → validate against fhir-mappings/schemas/ (./load/validate)
 * → overlay the profile (./load/overlay-site-profile) → compile code systems, value sets, config, facts (with unit
 * aliases) and derived facts (./load/compile-*). Anything wrong is one BootError listing every problem
 * (ARCHITECTURE.md principle 3: fail at boot, not at the bedside).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BootError } from '../shared/errors';
import { buildDispatch } from './code-dispatch';
import type { Compiled } from './compiled';
import { compileCodeSystems } from './load/compile-code-systems';
import { compileConfig } from './load/compile-config';
import { compileDerived } from './load/compile-derived';
import { compileFacts, dependencyOrder } from './load/compile-facts';
import { compileValueSets } from './load/compile-value-sets';
import { CompileContext } from './load/context';
import { factDefinitions } from './load/fact-definitions';
import { gatherMappingFiles } from './load/gather';
import { overlaySiteProfile } from './load/overlay-site-profile';
import { Problems, readYaml } from './load/problems';
import { gatherSiteProfile } from './load/site-profile';
import { validateMappingFiles } from './load/validate';
import { MappingSchemas } from './mapping-schemas';
import { defaultSnapshotPath, isYamlFile, mappingFiles, mappingsChecksum, readFreshSnapshot, SNAPSHOT_FORMAT, type MappingsSnapshot } from './mappings-snapshot';
import type { Mappings, SiteProfileSummary } from './types';
import { UnitConverter } from './units';

/** Resource types whose prefetch query is restricted by code (see ./prefetch). */
const CODE_FILTERED = new Set(['Observation', 'Condition', 'Procedure', 'DiagnosticReport']);

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

/** Options of loadMappings / loadMappingsWith. */
export interface LoadOptions {
  /** Snapshot file to use when fresh (default defaultSnapshotPath()); false = always read the YAML. */
  readonly snapshot?: string | false;
  /** A site-profile folder merged over the shipped mappings (README "Deploying at a hospital"). */
  readonly siteProfile?: string;
}

/** Reads, validates and compiles the mappings (from a fresh snapshot when there is one), with a site profile when given; throws BootError listing every problem found. */
export function loadMappings(dir: string = defaultMappingsDir(), options: { readonly siteProfile?: string } = {}): Mappings {
  return loadMappingsWith(dir, options.siteProfile === undefined ? {} : { siteProfile: options.siteProfile });
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
  const root = resolve(dir);
  // A fresh snapshot holds exactly the shipped files' data, validated by the load that wrote it.
  const snapshot = options.snapshot === false || !existsSync(join(root, 'code-systems.yaml')) ? undefined : readFreshSnapshot(root, options.snapshot ?? defaultSnapshotPath());
  const schemas = new MappingSchemas(root, (where, message) => problems.add(where, message));

  // 1. Gather, 2. validate.
  const shipped = gatherMappingFiles(root, snapshot, problems);
  validateMappingFiles(shipped, schemas);
  const profileFiles = options.siteProfile === undefined ? undefined : gatherSiteProfile(options.siteProfile, schemas, problems);

  // 3. Overlay the site profile.
  const overlaid = overlaySiteProfile(shipped, profileFiles, problems);

  // 4. Compile.
  const systems = compileCodeSystems(overlaid.codeSystems, problems);
  const { valueSets, tags } = compileValueSets(overlaid.valueSets, systems, problems);
  const ctx = new CompileContext(problems, valueSets, tags);
  const { config, labGradeFacts } = compileConfig(shipped.config, ctx);
  const facts = compileFacts(ctx, shipped.facts, overlaid.unitAliases, config);
  const derived = compileDerived(ctx, shipped, facts.mapped, labGradeFacts, shipped.config.file);
  const ordered = dependencyOrder(ctx, facts.mapped);

  if (config === undefined) problems.add(shipped.config.file, 'missing or invalid');
  if (problems.list.length > 0 || config === undefined) throw new BootError(profileFiles === undefined ? 'fhir-mappings invalid' : 'fhir-mappings or site profile invalid', problems.list);

  const compiled: Compiled = {
    mapped: ordered,
    mappedByName: facts.mapped,
    calculators: derived.calculators,
    valueSets,
    config,
    units: new UnitConverter(),
    dispatch: buildDispatch(facts.dispatchPairs),
  };
  let siteProfile: SiteProfileSummary | undefined;
  let version = shipped.version;
  if (overlaid.profile !== undefined && profileFiles !== undefined) {
    const notices = overlaid.opened.map(({ valueSet, where }) => {
      const types = new Set<string>();
      for (const fact of ordered) for (const s of fact.sources) if (s.valueSet?.id === valueSet && CODE_FILTERED.has(s.resourceType)) types.add(s.resourceType);
      const effect = types.size === 0 ? 'no prefetch query changes' : `the ${[...types].sort().join(', ')} prefetch queries are no longer restricted by code (every resource of the type is fetched)`;
      return `site profile ${where}: display texts added to value set '${valueSet}' are matched by name, so ${effect}`;
    });
    siteProfile = { ...overlaid.profile, notices };
    version = createHash('sha256').update(shipped.version).update('\0').update(profileFiles.hash).digest('hex').slice(0, 16);
  }
  return { dir: root, version, factDefinitions: factDefinitions(facts.mapped, facts.raw, derived.definitions), compiled, ...(siteProfile === undefined ? {} : { siteProfile }) };
}
