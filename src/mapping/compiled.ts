/** Internal shapes of the compiled mappings (built once by load-mappings.ts; never exported from ./index). */
import type { FactType } from './types';
import type { CompiledPath } from './fhirpath-compiled';
import type { CompiledValueSet } from './value-sets';
import type { UnitConverter } from './units';
import type { CodeDispatch } from './code-dispatch';

/** Kinds of value extraction (fact-mapping.schema.json `value.kind`). */
export type ValueKind =
  | 'quantity'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'coding'
  | 'code'
  | 'date'
  | 'presence'
  | 'concept-value'
  | 'adverse-event';

/** A compiled value extraction. */
export interface CompiledValue {
  readonly kind: ValueKind;
  readonly path?: CompiledPath;
  readonly map?: CompiledValueSet;
  readonly component?: CompiledValueSet;
  readonly booleanMap?: { readonly true: string; readonly false: string };
}

/** A compiled source of a mapped fact. */
export interface CompiledSource {
  /** Index into the record's code-dispatch lists (closed value set on `code`); undefined = scan the resource type. */
  readonly dispatchId?: number;
  readonly resourceType: string;
  readonly valueSet?: CompiledValueSet;
  readonly statuses?: ReadonlySet<string>;
  readonly clinicalStatuses?: ReadonlySet<string>;
  readonly clinicalStatusMayBeAbsent: boolean;
  readonly excludeVerificationStatuses: ReadonlySet<string>;
  readonly tags?: readonly string[];
  readonly where?: CompiledPath;
  /** Structured filter: the element at path has a coding in valueSet / a primitive in values / exists. */
  readonly match?: { readonly path: CompiledPath; readonly valueSet?: CompiledValueSet; readonly values?: ReadonlySet<string>; readonly allowAbsent: boolean };
  readonly date: CompiledPath;
  readonly tier: number;
  /** Only resources dated within this many days before now count (e.g. a dose within the cycle window); undated ones are a data issue. */
  readonly withinDays?: number;
  readonly values: readonly CompiledValue[];
  readonly extras: readonly (readonly [string, CompiledValue])[];
}

/** Selection modes (fact-mapping.schema.json `selection.mode`). */
export type SelectionMode = 'mostRecent' | 'baseline' | 'count' | 'exists' | 'earliest' | 'maxOnMostRecentDate' | 'distinct' | 'series';

/** What an `exists` fact is when nothing matches. */
export type WhenAbsent = { readonly kind: 'false' } | { readonly kind: 'unknown' } | { readonly kind: 'false-if-type-present' } | { readonly kind: 'false-if-fact'; readonly fact: string };

/** A compiled mapped fact. */
export interface CompiledMappedFact {
  readonly name: string;
  readonly type: FactType;
  readonly unit?: string;
  readonly codes?: readonly string[];
  readonly internal: boolean;
  readonly sources: readonly CompiledSource[];
  readonly mode: SelectionMode;
  readonly lookbackDays?: number;
  readonly staleAfterDays?: number;
  readonly baselineWindowDays?: number;
  /** `earliest` over a treatment episode: evidence no more than this many days apart forms one episode. */
  readonly episodeGapDays?: number;
  readonly whenAbsent: WhenAbsent;
  /** selection.whenUnidentified: an accepted-status medication order naming no identifiable drug makes the fact Unknown. */
  readonly unidentifiedIsUnknown: boolean;
  readonly molarMass?: number;
  readonly acceptUnits?: readonly string[];
  /** Units as written → UCUM (fhir-mappings/unit-aliases.yaml and a site profile's), applied before conversion. */
  readonly unitAliases: ReadonlyMap<string, string>;
  /** Data-quality limits in the canonical unit (fact-mapping.schema.json `plausible`); outside or non-finite = implausible. */
  readonly plausible?: { readonly min: number; readonly max: number };
  /** For baseline facts: the fact whose sources are reused; for reference-range facts: the fact they bound. */
  readonly of?: string;
  readonly referenceRange?: { readonly of: string; readonly bound: 'high' | 'low'; readonly default: number };
  readonly adverseEvent?: { readonly drugs: CompiledValueSet; readonly procedures: CompiledValueSet; readonly endocrine: CompiledValueSet; readonly organAtStake?: CompiledValueSet };
  /** Facts that must be computed first. */
  readonly dependsOn: readonly string[];
}

/** A compiled calculator step of derived-facts.yaml. */
export interface CompiledCalculator {
  readonly id: string;
  readonly inputs: readonly string[];
  readonly produces: readonly string[];
  readonly table?: unknown;
}

/** Mapping-wide settings (config.yaml). */
export interface MappingConfig {
  readonly datePaths: Readonly<Record<string, CompiledPath>>;
  readonly sdThenPdIsAfterResponse: boolean;
  readonly adverseEvents: {
    readonly gradeExtension: string;
    readonly inactiveOutcomes: readonly string[];
    readonly recoveredOutcomes: readonly string[];
    readonly activeGradeAbove: number;
    readonly lookbackDays: number;
    readonly labGradeFacts: readonly string[];
    readonly labGradesPresumedFor: readonly ('ici' | 'targeted')[];
    /** A component grade at or above this makes liverInjuryGrade known as a lower bound though another lab is missing. */
    readonly liverInjuryKnownFromGrade?: number;
  };
  /** Value sets classifying draft orders. */
  readonly orders: { readonly drugs: CompiledValueSet; readonly procedures: CompiledValueSet };
}

/** Everything compiled from fhir-mappings/ (with a site profile's additions). */
export interface Compiled {
  /** Mapped facts in dependency order. */
  readonly mapped: readonly CompiledMappedFact[];
  readonly mappedByName: ReadonlyMap<string, CompiledMappedFact>;
  readonly calculators: readonly CompiledCalculator[];
  readonly valueSets: ReadonlyMap<string, CompiledValueSet>;
  readonly config: MappingConfig;
  readonly units: UnitConverter;
  /** Code → closed-code sources, for matching a record in one pass. */
  readonly dispatch: CodeDispatch;
}
