/**
 * The raw inputs behind missing facts: a derived fact that is Unknown for lack of inputs (Child-Pugh, a CTCAE
 * grade, the CNLC stage…) is traced down to the recorded data it lacks, each with why it is missing (absent,
 * only older than the lookback, out of date, unit or value not readable, conflicting), ranked by how many
 * recommendations each would settle.
 */
import type { Fact, UnknownReason } from '../domain/facts';

/** Why a raw input is missing, as shown on the data-gap card. */
export type GapReason = 'absent' | 'outsideLookback' | 'stale' | 'unit' | 'unreadable' | 'conflicting' | 'incomplete';

/** One raw input that would settle recommendations. */
export interface MissingInput {
  readonly fact: string;
  readonly reason: GapReason;
  /** The date of the last (unusable) result, when the record has one. */
  readonly lastDate?: string;
  /** Recommendations it would help settle. */
  readonly recommendations: readonly string[];
}

const REASONS: Readonly<Record<UnknownReason, GapReason>> = {
  'no-data': 'absent',
  stale: 'stale',
  'unmappable-unit': 'unit',
  'unmappable-value': 'unreadable',
  conflicting: 'conflicting',
  'missing-inputs': 'incomplete',
  'data-error': 'unreadable',
};

function reasonOf(fact: Fact | undefined): { reason: GapReason; lastDate?: string } {
  if (fact === undefined || fact.known) return { reason: 'absent' };
  let reason = REASONS[fact.reason];
  if (reason === 'absent' && fact.detail !== undefined && /older than the .*lookback/.test(fact.detail)) reason = 'outsideLookback';
  const date = fact.detail?.match(/\d{4}-\d{2}-\d{2}/)?.[0];
  return date !== undefined && (reason === 'outsideLookback' || reason === 'stale' || reason === 'conflicting') ? { reason, lastDate: date } : { reason };
}

/**
 * The raw inputs a missing fact comes down to (itself when it is not derived from missing inputs); inputs
 * without a display label are not named, the fact itself is then.
 */
export function rawInputsOf(name: string, facts: Readonly<Record<string, Fact>>, labelled: (fact: string) => boolean = () => true, seen: Set<string> = new Set()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const fact = facts[name];
  if (fact === undefined || fact.known || fact.missing === undefined || fact.missing.length === 0) return [name];
  const out: string[] = [];
  for (const input of fact.missing) for (const raw of rawInputsOf(input, facts, labelled, seen)) if (!out.includes(raw) && labelled(raw)) out.push(raw);
  return out.length > 0 ? out : [name];
}

/** The missing raw inputs of the given recommendations, most recommendations settled first (then by name order). */
export function rankMissingInputs(
  lacking: readonly { readonly id: string; readonly missingFacts: readonly string[] }[],
  facts: Readonly<Record<string, Fact>>,
  labelled: (fact: string) => boolean = () => true,
): MissingInput[] {
  const byInput = new Map<string, string[]>();
  for (const { id, missingFacts } of lacking) {
    const raw = new Set<string>();
    for (const name of missingFacts) for (const input of rawInputsOf(name, facts, labelled)) raw.add(input);
    for (const input of raw) byInput.set(input, [...(byInput.get(input) ?? []), id]);
  }
  const order = [...byInput.keys()];
  return order
    .map((fact) => ({ fact, ...reasonOf(facts[fact]), recommendations: byInput.get(fact) ?? [] }))
    .sort((a, b) => b.recommendations.length - a.recommendations.length || order.indexOf(a.fact) - order.indexOf(b.fact));
}
