/**
 * The search parameters the in-memory FHIR search answers, per resource type (FHIR R4 search parameter
 * registry, the subset prefetch templates and the CDS Hooks sandbox use, cds-hooks.md §2.2 D-8), compiled
 * from `name[:modifier]=value` into a resource predicate; undefined means "not supported".
 * @see https://hl7.org/fhir/R4/searchparameter-registry.html
 */
import type { FhirResource } from 'fhir/r4';
import { firstStringAt, valuesAt } from './element-values';
import { datePredicate } from './match-date';
import { referencePredicate } from './match-reference';
import { stringPredicate } from './match-string';
import { parseToken, tokenMatches } from './match-token';

/** The type of a search parameter (FHIR R4 search § parameter types). */
export type SearchParameterType = 'token' | 'reference' | 'date' | 'string';

/** One search parameter: its name, type and the element paths it searches. */
export interface SearchParameterDefinition {
  readonly name: string;
  readonly type: SearchParameterType;
  readonly paths: readonly string[];
}

/** A compiled search parameter: true when the resource matches. */
export type ResourcePredicate = (resource: FhirResource) => boolean;

/** The clinical date of each type: its `date`-like parameters and `_sort=date` read the first of these present. */
const CLINICAL_DATE: Readonly<Record<string, readonly string[]>> = {
  Observation: ['effectiveDateTime', 'effectivePeriod.start', 'effectiveInstant', 'issued'],
  Condition: ['onsetDateTime', 'onsetPeriod.start', 'recordedDate'],
  MedicationRequest: ['authoredOn'],
  MedicationStatement: ['effectiveDateTime', 'effectivePeriod.start', 'dateAsserted'],
  MedicationAdministration: ['effectiveDateTime', 'effectivePeriod.start'],
  Procedure: ['performedDateTime', 'performedPeriod.start'],
  AdverseEvent: ['date', 'detected', 'recordedDate'],
  DiagnosticReport: ['effectiveDateTime', 'effectivePeriod.start', 'issued'],
  ImagingStudy: ['started'],
  AllergyIntolerance: ['recordedDate', 'onsetDateTime', 'onsetPeriod.start'],
  Patient: ['birthDate'],
};
/** Types not listed above: the usual clinical date elements, in order of preference. */
const GENERIC_DATE = ['effectiveDateTime', 'effectivePeriod.start', 'issued', 'onsetDateTime', 'recordedDate', 'performedDateTime',
  'performedPeriod.start', 'authoredOn', 'date', 'occurrenceDateTime', 'period.start', 'effectiveInstant', 'started'];

/** The element paths of a type's clinical date (used by `date` and `_sort`). */
export function clinicalDatePaths(type: string): readonly string[] {
  return CLINICAL_DATE[type] ?? GENERIC_DATE;
}

const token = (name: string, ...paths: string[]): SearchParameterDefinition => ({ name, type: 'token', paths });
const date = (name: string, paths: readonly string[]): SearchParameterDefinition => ({ name, type: 'date', paths });
const text = (name: string, ...paths: string[]): SearchParameterDefinition => ({ name, type: 'string', paths });

/** Parameters every type accepts (the common clinical ones; `patient`/`subject` read subject or patient). */
function commonParameters(type: string): SearchParameterDefinition[] {
  return [
    token('_id', 'id'),
    { name: 'patient', type: 'reference', paths: ['subject', 'patient'] },
    { name: 'subject', type: 'reference', paths: ['subject', 'patient'] },
    token('code', 'code', 'medicationCodeableConcept'),
    token('category', 'category'),
    token('status', 'status'),
    token('clinical-status', 'clinicalStatus'),
    token('verification-status', 'verificationStatus'),
    date('date', clinicalDatePaths(type)),
  ];
}

const TYPE_PARAMETERS: Readonly<Record<string, readonly SearchParameterDefinition[]>> = {
  Patient: [
    text('name', 'name.family', 'name.given', 'name.text'),
    text('family', 'name.family'),
    text('given', 'name.given'),
    token('gender', 'gender'),
    token('identifier', 'identifier'),
    date('birthdate', ['birthDate']),
  ],
  Condition: [date('onset-date', ['onsetDateTime', 'onsetPeriod.start']), date('recorded-date', ['recordedDate'])],
  MedicationRequest: [token('intent', 'intent'), date('authoredon', ['authoredOn'])],
  MedicationStatement: [date('effective', ['effectiveDateTime', 'effectivePeriod.start'])],
  AdverseEvent: [token('event', 'event'), token('code', 'event'), token('actuality', 'actuality'), token('seriousness', 'seriousness')],
};

const cache = new Map<string, ReadonlyMap<string, SearchParameterDefinition>>();

/** The parameters a type supports, by name (type-specific definitions override the common ones). */
export function searchParameters(type: string): ReadonlyMap<string, SearchParameterDefinition> {
  let map = cache.get(type);
  if (map === undefined) {
    const built = new Map<string, SearchParameterDefinition>();
    for (const p of [...commonParameters(type), ...(TYPE_PARAMETERS[type] ?? [])]) built.set(p.name, p);
    map = built;
    cache.set(type, map);
  }
  return map;
}

/** Compiles `name[:modifier]=value` (comma-separated values OR-ed) for a type; undefined when not supported. */
export function compileParameter(type: string, name: string, value: string): ResourcePredicate | undefined {
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  const modifier = colon < 0 ? undefined : name.slice(colon + 1);
  const definition = searchParameters(type).get(base);
  if (definition === undefined) return undefined;
  if (modifier !== undefined && !(modifier === 'exact' && definition.type === 'string')) return undefined;
  const values = value.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) return undefined;
  switch (definition.type) {
    case 'token': {
      const tokens = values.map(parseToken);
      return (r) => definition.paths.some((p) => valuesAt(r, p).some((e) => tokens.some((t) => tokenMatches(e, t))));
    }
    case 'reference': {
      if (type === 'Patient') return (r) => values.includes(r.id ?? '') || values.includes(`Patient/${r.id ?? ''}`);
      const tests = values.map((v) => referencePredicate(v, base === 'patient' ? 'Patient' : undefined));
      return (r) => definition.paths.some((p) => valuesAt(r, `${p}.reference`).some((ref) => typeof ref === 'string' && tests.some((t) => t(ref))));
    }
    case 'date': {
      const tests = values.map(datePredicate);
      if (tests.some((t) => t === undefined)) return undefined;
      return (r) => {
        const d = firstStringAt(r, definition.paths);
        return tests.some((t) => t?.(d) === true);
      };
    }
    case 'string': {
      const tests = values.map((v) => stringPredicate(v, modifier === 'exact'));
      return (r) => definition.paths.some((p) => valuesAt(r, p).some((e) => tests.some((t) => t(e))));
    }
  }
}
