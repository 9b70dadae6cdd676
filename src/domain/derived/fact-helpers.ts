/** Small helpers shared by the calculators for reading Known facts. */
import { isKnown, type Fact, type KnownFact } from '../facts';

/** The known, finite numeric value of a fact, else undefined (a non-finite number is no value at all). */
export function num(fact: Fact): number | undefined {
  return isKnown(fact) && typeof fact.value === 'number' && Number.isFinite(fact.value) ? fact.value : undefined;
}

/** The known string value of a fact, else undefined. */
export function str(fact: Fact): string | undefined {
  return isKnown(fact) && typeof fact.value === 'string' ? fact.value : undefined;
}

/** The known boolean value of a fact, else undefined. */
export function bool(fact: Fact): boolean | undefined {
  return isKnown(fact) && typeof fact.value === 'boolean' ? fact.value : undefined;
}

/** Union of the sources of the given facts, in order, without duplicates. */
export function sourcesOf(facts: readonly Fact[]): string[] {
  const out: string[] = [];
  for (const f of facts) for (const s of f.sources ?? []) if (!out.includes(s)) out.push(s);
  return out;
}

/** Effective dates of known facts. */
export function effectiveOf(facts: readonly Fact[]): (string | undefined)[] {
  return facts.map((f) => (isKnown(f) ? f.effective : undefined));
}

/** Formats a number for a derivation detail (no float noise). */
export function fmt(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** The known facts among the given ones. */
export function knownOnly(facts: readonly Fact[]): KnownFact[] {
  return facts.filter((f): f is KnownFact => isKnown(f));
}
