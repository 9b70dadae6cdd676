/** Shared input shapes of the clinical calculators (pure functions over facts and cut-off tables). */
import type { Fact, FactValue } from '../facts';

/** Looks a fact up by name (Unknown no-data when absent). */
export type FactLookup = (name: string) => Fact;

/** A cut-off band: `result` applies when every given bound holds; "limit" stands for a per-patient limit (LLN). */
export interface Band<R extends number | string = number | string> {
  readonly result: R;
  readonly gt?: number | 'limit';
  readonly gte?: number | 'limit';
  readonly lt?: number | 'limit';
  readonly lte?: number | 'limit';
}

/** One dated entry of a series (e.g. every tumour-response assessment). */
export interface SeriesEntry {
  readonly date: string;
  readonly value: FactValue;
  readonly source: string;
  readonly extras: Readonly<Record<string, FactValue>>;
}

/** One adverse event as read from an AdverseEvent resource. */
export interface AdverseEventEntry {
  readonly source: string;
  readonly date?: string;
  /** CTCAE grade 1-5 from the grade extension; undefined when not recorded. */
  readonly grade?: number;
  /** Attribution classes of the suspect entities: ici, tki, anti-vegf, targeted, local, tace, haic, … */
  readonly attribution: readonly string[];
  readonly endocrine: boolean;
  /** The event injures an organ whose function local therapy depends on (value set of the AE mapping). */
  readonly organAtStake?: boolean;
  /** AdverseEvent.outcome code (resolved, recovering, ongoing, …). */
  readonly outcome?: string;
  /** Sources of the suspect entities that were resolved in the record. */
  readonly suspects: readonly string[];
}
