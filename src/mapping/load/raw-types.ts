/** The shapes of the mapping files as written (validated by fhir-mappings/schemas/ before any stage reads them). */
import type { MappingConfig, SelectionMode, ValueKind } from '../compiled';
import type { FactType } from '../types';

/** One value extraction of a source (fact-mapping.schema.json `value`). */
export interface RawValue {
  path?: string;
  kind: ValueKind;
  map?: string;
  component?: string;
  booleanMap?: { true: string; false: string };
}

/** One source of a fact mapping. */
export interface RawSource {
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

/** A facts/*.yaml file. */
export interface RawFact {
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
  adverseEvent?: { drugValueSet: string; procedureValueSet: string; endocrineValueSet: string; organAtStakeValueSet?: string };
}

/** derived-facts.yaml. */
export interface RawDerived {
  calculators: { id: string; table?: string; inputs: string[]; produces: { name: string; type: FactType; unit?: string; codes?: string[]; description: string }[] }[];
}

/** config.yaml. */
export interface RawConfig {
  datePaths: Record<string, string>;
  progression: { sdThenPdIsAfterResponse: boolean };
  adverseEvents: MappingConfig['adverseEvents'];
  orders: { drugValueSet: string; procedureValueSet: string };
}

/** code-systems.yaml (shipped and site profile). */
export interface RawCodeSystems {
  systems: { uri: string; name: string; codes?: string[] }[];
}

/** unit-aliases.yaml (shipped and site profile): a unit as written → the UCUM unit it stands for. */
export interface RawUnitAliases {
  aliases: { alias: string; unit: string; facts?: string[]; note?: string }[];
}
