/** Treatment facts derived from the mapped ones (docs/fact-catalogue.md "Treatment"), three-valued. */
import { isKnown, known, unknown, type Fact } from '../facts';
import { daysSince } from './days-since';
import { bool, sourcesOf } from './fact-helpers';
import type { FactLookup } from './types';

/**
 * Unknown for lacking inputs; an input Unknown because a drug could not be identified (unmappable-value) passes that
 * reason and detail on, so "medication not identifiable" reaches onTargeted / onTargetedImmune too.
 */
function lacking(facts: readonly Fact[], missing: readonly string[]): Fact {
  const unmappable = facts.find((f) => !f.known && f.reason === 'unmappable-value');
  if (unmappable !== undefined && !unmappable.known) {
    return unknown('unmappable-value', { missing, ...(unmappable.detail === undefined ? {} : { detail: unmappable.detail }), ...(unmappable.sources === undefined ? {} : { sources: unmappable.sources }) });
  }
  return unknown('missing-inputs', { missing });
}

function or(get: FactLookup, names: readonly string[], method: string): Fact {
  const facts = names.map((n) => get(n));
  const values = facts.map(bool);
  if (values.includes(true)) return known(true, { sources: sourcesOf(facts.filter((_, i) => values[i] === true)), derived: { from: [...names], method } });
  const missing = names.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) return lacking(facts, missing);
  return known(false, { sources: [], derived: { from: [...names], method } });
}

function and(a: Fact, b: Fact, names: readonly [string, string], method: string): Fact {
  const [x, y] = [bool(a), bool(b)];
  if (x === false || y === false) return known(false, { sources: [], derived: { from: [...names], method } });
  if (x === true && y === true) return known(true, { sources: sourcesOf([a, b]), derived: { from: [...names], method } });
  return lacking([a, b], names.filter((_, i) => [x, y][i] === undefined));
}

/** onTargeted, onTargetedImmune, treatmentNaive, daysSinceLastHaic. */
export function treatment(get: FactLookup, now: Date): Record<'onTargeted' | 'onTargetedImmune' | 'treatmentNaive' | 'daysSinceLastHaic', Fact> {
  const onTargeted = or(get, ['onTki', 'onAntiVegf'], 'or');
  const onTargetedImmune = and(get('onIci'), onTargeted, ['onIci', 'onTargeted'], 'and');
  const ever = or(get, ['everSystemicTherapy', 'everLocalTherapy'], 'or');
  const treatmentNaive = isKnown(ever)
    ? known(!ever.value, { sources: ever.sources, derived: { from: ['everSystemicTherapy', 'everLocalTherapy'], method: 'none-ever' } })
    : ever;
  const daysSinceLastHaic = daysSince(get, 'lastHaicDate', now);
  return { onTargeted, onTargetedImmune, treatmentNaive, daysSinceLastHaic };
}
