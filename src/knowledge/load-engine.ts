/**
 * Boot-time factory of the consensus engine: loads the mappings and the knowledge base (strictly; BootError on
 * any problem), resolves parameter overrides and compiles everything once, so evaluate() does no YAML or
 * schema work.
 */
import { describeOrder, extractFacts, loadMappings, prefetchTemplates } from '../mapping';
import type { SiteProfileSummary } from '../mapping/types';
import { BootError } from '../shared/errors';
import { compileKnowledgeBase } from './compile-knowledge-base';
import { createEngine, type KnowledgeEngine } from './create-engine';
import { loadKnowledgeBase } from './load-knowledge-base';
import { resolveParameters } from './parameters';

/** Options of loadEngine. */
export interface LoadEngineOptions {
  /** Knowledge base directory (or its parent); default cds-services/knowledge/hcc-consensus. */
  readonly knowledgeDir?: string;
  /** Mappings directory; default fhir-mappings/. */
  readonly mappingsDir?: string;
  /** Overrides of kb.yaml parameters (deployment configuration, after clinical review); they win over a site profile's. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** A site-profile folder merged over the mappings (its parameter overrides apply under `parameters`). */
  readonly siteProfile?: string;
  /** Receives what the boot must log about the site profile (e.g. a prefetch query that loses its code filter). */
  readonly onNotice?: (notice: string) => void;
}

/** The problems of a site profile's parameter overrides against kb.yaml, each naming the profile's file and line. */
export function siteParameterProblems(specs: Parameters<typeof resolveParameters>[0], profile: SiteProfileSummary | undefined): string[] {
  if (profile === undefined) return [];
  return Object.entries(profile.parameters).flatMap(([name, value]) => resolveParameters(specs, { [name]: value }).problems.map((p) => `${profile.parameterWhere[name] ?? profile.dir}: ${p}`));
}

/** Loads, validates and compiles; throws BootError listing every problem. */
export function loadEngine(options: LoadEngineOptions = {}): KnowledgeEngine {
  const mappings = loadMappings(options.mappingsDir, options.siteProfile === undefined ? {} : { siteProfile: options.siteProfile });
  const kb = loadKnowledgeBase({ factDefinitions: mappings.factDefinitions, ...(options.knowledgeDir !== undefined ? { dir: options.knowledgeDir } : {}) });
  const profile = mappings.siteProfile;
  const profileProblems = siteParameterProblems(kb.manifest.parameters, profile);
  const { values, problems } = resolveParameters(kb.manifest.parameters, { ...(profile?.parameters ?? {}), ...(options.parameters ?? {}) });
  if (profileProblems.length > 0) throw new BootError('site profile parameters are invalid', profileProblems);
  if (problems.length > 0) throw new BootError('knowledge base parameters are invalid', problems);
  for (const notice of profile?.notices ?? []) options.onNotice?.(notice);
  const compiled = compileKnowledgeBase(kb, values, mappings.factDefinitions);
  return createEngine(compiled, {
    factDefinitions: mappings.factDefinitions,
    extractFacts: (resources, opts) => extractFacts(mappings, resources, opts),
    describeOrder: (resource) => describeOrder(mappings, resource),
    prefetchTemplates: (names) => prefetchTemplates(mappings, names),
  });
}
