/**
 * Whether a recommendation that could not be evaluated concerns this patient: "data missing" content is shown
 * only when the patient is in the recommendation's population and the missing inputs decide it (issue 9).
 * A recommendation declares its population through its gate (evaluate-gate.ts): the facts it lists in
 * `requiredFacts` are its gating facts. The patient is in the population when the kb scope is known true, every
 * gating fact is known, and every top-level condition that reads only gating facts is true; the missing facts
 * are then the other conditions, or the exclusions. A recommendation with no gating facts is in the population
 * only when its conditions are all true (so only its exclusions can be missing).
 */
import type { Outcome, TraceNode } from './types';

function leafFacts(node: TraceNode, into: Set<string> = new Set()): Set<string> {
  if (node.kind === 'leaf' && node.fact !== undefined) into.add(node.fact);
  for (const child of node.children ?? []) leafFacts(child, into);
  return into;
}

/** True when the conditions' trace places the patient in the population declared by `gating`. */
export function conditionsPlacePatient(trace: TraceNode | undefined, gating: readonly string[]): boolean {
  if (trace === undefined) return false;
  if (trace.result === true) return true;
  if (trace.result !== 'unknown' || gating.length === 0) return false;
  const conjuncts = trace.kind === 'all' ? (trace.children ?? []) : [trace];
  const gates = conjuncts.filter((c) => [...leafFacts(c)].every((f) => gating.includes(f)));
  return gates.length > 0 && gates.every((c) => c.result === true);
}

/** True when a recommendation named in `coveredBy` fired, so its card already asks for the missing data. */
export function gapCoveredByFiredCard(coveredBy: readonly string[] | undefined, fired: ReadonlySet<string>): boolean {
  return (coveredBy ?? []).some((id) => fired.has(id));
}

/** True when a not-evaluable outcome warrants data-gap content for this patient. */
export function inPopulation(outcome: Outcome, gating: readonly string[]): boolean {
  if (outcome.status !== 'notEvaluable' || outcome.scopeTrace?.result !== true) return false;
  if (outcome.missingFacts.some((f) => gating.includes(f))) return false;
  return conditionsPlacePatient(outcome.trace, gating);
}
