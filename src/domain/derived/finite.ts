/**
 * Defence in depth against non-finite arithmetic (JSON has no Infinity or NaN: they would reach a card as null, and
 * a band lookup on -Infinity still yields a grade). The mapping layer already refuses implausible inputs.
 */
import { unknown, type Fact, type UnknownFact } from '../facts';

/** The Unknown a calculator returns when one of its computed numbers is not finite. */
export function nonFinite(sources?: readonly string[]): UnknownFact {
  return unknown('data-error', { detail: 'a computed number is not finite', ...(sources === undefined ? {} : { sources }) });
}

/** True when every given number is finite. */
export function allFinite(...values: readonly number[]): boolean {
  for (const v of values) if (!Number.isFinite(v)) return false;
  return true;
}

/** The calculator's facts, with every Known fact whose value is a non-finite number replaced by nonFinite(). */
export function finiteOnly<T extends Record<string, Fact>>(facts: T): T {
  let out: Record<string, Fact> | undefined;
  for (const [name, fact] of Object.entries(facts)) {
    if (fact.known && typeof fact.value === 'number' && !Number.isFinite(fact.value)) {
      out ??= { ...facts };
      out[name] = nonFinite(fact.sources);
    }
  }
  return (out ?? facts) as T;
}
