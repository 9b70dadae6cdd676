/**
 * The clinical fact model: every fact the consensus reasons about is Known (with value, unit, date and
 * provenance) or Unknown (with a reason). Missing data is a state, never a silent "normal".
 * @see ../../../shared/ARCHITECTURE.md principle 4
 */

/** Why a fact could not be established. */
export type UnknownReason =
  | 'no-data'
  | 'stale'
  | 'unmappable-unit'
  | 'unmappable-value'
  | 'conflicting'
  | 'missing-inputs'
  | 'data-error';

/** A fact whose value is established, in its canonical unit, with the resources it came from. */
export interface KnownFact<T = FactValue> {
  readonly known: true;
  readonly value: T;
  /** Canonical UCUM unit for quantities; omitted for codes, booleans and counts. */
  readonly unit?: string;
  /** ISO 8601 date-time the value is clinically effective (observation time, procedure date…). */
  readonly effective?: string;
  /** Relative references of the FHIR resources the value came from, e.g. "Observation/abc". */
  readonly sources: readonly string[];
  /** For computed facts: the names of the facts it was derived from, and how. */
  readonly derived?: { readonly from: readonly string[]; readonly method: string; readonly detail?: string };
}

/** A fact that could not be established, with the reason and (for derived facts) the inputs it lacks. */
export interface UnknownFact {
  readonly known: false;
  readonly reason: UnknownReason;
  readonly detail?: string;
  readonly missing?: readonly string[];
  readonly sources?: readonly string[];
}

/** A fact value: numbers (quantities in canonical units, counts, scores), codes, booleans, dates or lists of codes. */
export type FactValue = number | string | boolean | readonly string[];

/** Either a known or an unknown fact. */
export type Fact<T = FactValue> = KnownFact<T> | UnknownFact;

/** A problem with the input data that did not stop evaluation (e.g. another patient's resource in prefetch). */
export interface DataIssue {
  readonly code: string;
  readonly message: string;
  /** Relative reference or prefetch key the issue is about; never PHI. */
  readonly location?: string;
}

/** All facts of one patient at one moment, keyed by fact name (data-conventions.md names). */
export interface FactSet {
  readonly facts: Readonly<Record<string, Fact>>;
  readonly issues: readonly DataIssue[];
}

/** Builds a known fact. */
export function known<T extends FactValue>(value: T, init: Omit<KnownFact<T>, 'known' | 'value'>): KnownFact<T> {
  return { known: true, value, ...init };
}

/** Builds an unknown fact. */
export function unknown(reason: UnknownReason, init: Omit<UnknownFact, 'known' | 'reason'> = {}): UnknownFact {
  return { known: false, reason, ...init };
}

/** True when the fact is known. */
export function isKnown<T>(fact: Fact<T> | undefined): fact is KnownFact<T> {
  return fact !== undefined && fact.known;
}
