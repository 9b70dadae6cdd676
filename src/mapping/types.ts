/**
 * Public types of the mapping layer (FHIR R4 resources → clinical facts). The knowledge base codes against
 * these; the implementation lives beside them and is exported from ./index.
 * @see ../../docs/fact-catalogue.md (the closed list of fact names)
 */
import type { FhirResource } from 'fhir/r4';
import type { FactSet } from '../domain/facts';

export type { FhirResource } from 'fhir/r4';
export type { FactSet } from '../domain/facts';

/** The value type of a fact, as listed in docs/fact-catalogue.md. */
export type FactType = 'quantity' | 'integer' | 'number' | 'code' | 'boolean' | 'date' | 'codes';

/** The definition of one fact of the catalogue (mapped from FHIR or derived by a calculator). */
export interface FactDefinition {
  readonly name: string;
  readonly type: FactType;
  /** Canonical UCUM unit of a quantity (absent for PIVKA-II, whose unit is kept as recorded). */
  readonly unit?: string;
  /** The closed list of codes of a `code` / `codes` fact. */
  readonly codes?: readonly string[];
  /** FHIR resource types the fact is read from (for derived facts: the union over its inputs). */
  readonly resourceTypes: readonly string[];
  /** For derived facts: the facts it is computed from. */
  readonly derivedFrom?: readonly string[];
  /** One sentence a reviewer can read. */
  readonly description?: string;
}

/** The loaded, validated and compiled mappings (fhir-mappings/), built once at start-up by loadMappings(). */
export interface Mappings {
  /** The directory the mappings were read from. */
  readonly dir: string;
  /** Content hash of the mapping files (for logs and cards). */
  readonly version: string;
  /** Every fact of docs/fact-catalogue.md, mapped and derived, keyed by fact name. */
  readonly factDefinitions: ReadonlyMap<string, FactDefinition>;
  /** Compiled internals (value-set maps, FHIRPath functions, score tables); not for use outside src/mapping. */
  readonly compiled: unknown;
  /** The site profile merged over the shipped mappings, when one was given (README "Deploying at a hospital"). */
  readonly siteProfile?: SiteProfileSummary;
}

/** What a loaded site profile contributes beyond codes: its name, parameter overrides and what the boot must log. */
export interface SiteProfileSummary {
  readonly dir: string;
  readonly name: string;
  /** Knowledge-base parameter overrides (site-profile.yaml `parameters`), checked against kb.yaml by the engine. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Parameter name → "file:line" where the profile sets it (for boot errors). */
  readonly parameterWhere: Readonly<Record<string, string>>;
  /** Sentences the boot logs (e.g. a prefetch query that loses its code filter). */
  readonly notices: readonly string[];
}

/** Options of one extraction. */
export interface ExtractOptions {
  /** The patient the resources belong to; resources of another patient are ignored with a data issue. */
  readonly patientId: string;
  /** The instant "now" for lookback and staleness windows (injected clock). */
  readonly now: Date;
  /** clinical.md §2.4: whether PD after a best response of SD counts as after-response (default from fhir-mappings/config.yaml). */
  readonly progressionSdThenPdIsAfterResponse?: boolean;
}

/** The classes a draft order can belong to (docs/fact-catalogue.md, "Draft orders"). */
export type OrderClass =
  | 'ici'
  | 'tki'
  | 'anti-vegf'
  | 'targeted'
  | 'targeted-immune-drug'
  | 'tace'
  | 'haic'
  | 'ablation'
  | 'resection'
  | 'radiotherapy'
  | 'internal-radiotherapy';

/** What a draft order is, as far as it can be recognised (classes empty when nothing is recognised). */
export interface OrderDescription {
  /** Relative reference, e.g. "MedicationRequest/abc", when the order has an id. */
  readonly reference?: string;
  readonly resourceType?: string;
  readonly classes: readonly OrderClass[];
  /** Human-readable name of the drug or procedure as written in the order. */
  readonly display?: string;
  /** Lower-case INN of the drug (e.g. "sintilimab") or the hcc-procedure code (e.g. "tace"). */
  readonly agent?: string;
}

/** Signature of extractFacts (see ./index). */
export type ExtractFacts = (mappings: Mappings, resources: readonly FhirResource[], options: ExtractOptions) => FactSet;

/** Signature of describeOrder (see ./index). */
export type DescribeOrder = (mappings: Mappings, resource: unknown) => OrderDescription;

/** Signature of prefetchTemplates (see ./index): prefetch key → R4 query template with {{context.patientId}}. */
export type PrefetchTemplates = (mappings: Mappings, factNames: readonly string[]) => Record<string, string>;

/** Signature of loadMappings (see ./index): reads, validates and compiles fhir-mappings/ (and a site profile); throws BootError. */
export type LoadMappings = (dir?: string, options?: { readonly siteProfile?: string }) => Mappings;
