/**
 * Reads the clinical vignettes under test/scenarios (YAML): hook, fixed clock, FHIR fixture, optional draft
 * orders and the expected outcomes per recommendation id.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import { parse } from 'yaml';
import type { HookName } from '../../../src/cds-hooks/types';
import type { HookInput, Language } from '../../../src/pipeline/engine';

/** What a vignette expects. */
export interface Expectations {
  readonly fires?: readonly string[];
  readonly notFires?: readonly string[];
  readonly notEvaluable?: readonly { readonly id: string; readonly missingFacts?: readonly string[] }[];
  /** Recommendations whose card must be critical (order hooks). */
  readonly critical?: readonly string[];
  /** Recommendations whose card must be a warning and not critical. */
  readonly warning?: readonly string[];
  /** Facts each named recommendation's card must list in its extension. */
  readonly cardFacts?: Readonly<Record<string, readonly string[]>>;
  /** patient-view: exactly one data-gap card, listing these recommendations and missing inputs (issue 9). */
  readonly dataGap?: { readonly recommendations: readonly string[]; readonly inputs?: readonly string[] };
  /** patient-view: no data-gap card at all. */
  readonly noDataGap?: true;
  /** Recommendations that must not be listed on a data-gap card (their need is asked for elsewhere). */
  readonly noDataGapFor?: readonly string[];
}

/** One vignette. */
export interface Scenario {
  readonly path: string;
  readonly title: string;
  readonly hook: HookName;
  readonly at: string;
  readonly language: Language;
  readonly resources: readonly FhirResource[];
  readonly patientId: string;
  readonly draftOrders?: readonly FhirResource[];
  readonly selections?: readonly string[];
  readonly expect: Expectations;
}

const ROOT = join(__dirname, '..', '..', '..');
const DIR = join(ROOT, 'test', 'scenarios');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every vignette, sorted by path. */
export function loadScenarios(): Scenario[] {
  return walk(DIR)
    .sort()
    .map((path) => {
      const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { given: { fixture: string }; expect: Expectations };
      const bundle = JSON.parse(readFileSync(join(ROOT, doc.given.fixture), 'utf8')) as Bundle;
      const resources = (bundle.entry ?? []).flatMap((e) => (e.resource !== undefined ? [e.resource as FhirResource] : []));
      const patient = resources.find((r) => r.resourceType === 'Patient');
      return {
        path: relative(DIR, path),
        title: String(doc['title']),
        hook: doc['hook'] as HookName,
        at: String(doc['at']),
        language: (doc['language'] as Language | undefined) ?? 'en',
        resources,
        patientId: patient?.id ?? 'unknown',
        ...(Array.isArray(doc['draftOrders']) ? { draftOrders: doc['draftOrders'] as FhirResource[] } : {}),
        ...(Array.isArray(doc['selections']) ? { selections: doc['selections'] as string[] } : {}),
        expect: doc.expect,
      };
    });
}

/** The engine input of a vignette. */
export function hookInputOf(s: Scenario): HookInput {
  const context = {
    userId: 'Practitioner/scenario',
    patientId: s.patientId,
    ...(s.draftOrders !== undefined ? { draftOrders: { resourceType: 'Bundle' as const, type: 'collection' as const, entry: s.draftOrders.map((resource) => ({ resource })) } } : {}),
    ...(s.selections !== undefined ? { selections: s.selections } : {}),
  };
  return {
    serviceId: 'hcc-consensus',
    hook: s.hook,
    hookInstance: `scenario-${s.path}`,
    patientId: s.patientId,
    context,
    resources: s.resources,
    dataIssues: [],
    now: new Date(s.at),
    language: s.language,
  };
}

/** The one vignette whose path contains `fragment` (throws when none does). */
export function scenarioByPath(scenarios: readonly Scenario[], fragment: string): Scenario {
  const found = scenarios.find((x) => x.path.includes(fragment));
  if (found === undefined) throw new Error(`no scenario ${fragment}`);
  return found;
}
