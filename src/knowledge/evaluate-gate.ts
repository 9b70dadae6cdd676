/**
 * Decides one recommendation (or one order check) for one patient, three-valued:
 * - out of scope (kb scope false) or conditions false → does not apply;
 * - conditions true, required facts known, exclusions false → fires;
 * - otherwise → cannot be evaluated, listing the facts that would settle it.
 * A decided "false" wins over missing data: a recommendation that is already ruled out asks for nothing.
 */
import type { FactSet } from '../domain/facts';
import type { CompiledCondition } from './compile-condition';
import type { CompiledGate } from './compiled-types';
import { evaluateCondition, missingFactsOf } from './evaluate-condition';
import type { Outcome, TraceNode } from './types';

/** An outcome without its identifying fields. */
export type GateResult = Omit<Outcome, 'recommendationId' | 'checkId' | 'draftReference'>;

/** Evaluates scope, conditions, required facts and exclusions; `scopeTrace` when the scope is already evaluated. */
export function evaluateGate(scope: CompiledCondition, gate: CompiledGate, facts: FactSet['facts'], scopeTrace: TraceNode = evaluateCondition(scope, facts)): GateResult {
  if (scopeTrace.result === false) return { status: 'notApplicable', because: 'outOfScope', missingFacts: [], scopeTrace };
  const trace = evaluateCondition(gate.when, facts);
  if (trace.result === false) return { status: 'notApplicable', because: 'conditionsFalse', missingFacts: [], trace, scopeTrace };
  let missing: Set<string> | undefined;
  if (scopeTrace.result === 'unknown' || trace.result === 'unknown') missing = new Set([...missingFactsOf(scopeTrace), ...missingFactsOf(trace)]);
  for (const name of gate.requiredFacts) if (facts[name]?.known !== true) (missing ??= new Set()).add(name);
  if (missing !== undefined && missing.size > 0) return { status: 'notEvaluable', missingFacts: [...missing], trace, scopeTrace };
  if (gate.exclusions === undefined) return { status: 'fires', missingFacts: [], trace, scopeTrace };
  const exclusionTrace = evaluateCondition(gate.exclusions, facts);
  if (exclusionTrace.result === true) return { status: 'notApplicable', because: 'excluded', missingFacts: [], trace, exclusionTrace, scopeTrace };
  if (exclusionTrace.result === 'unknown') {
    return { status: 'notEvaluable', missingFacts: missingFactsOf(exclusionTrace), trace, exclusionTrace, scopeTrace };
  }
  return { status: 'fires', missingFacts: [], trace, exclusionTrace, scopeTrace };
}
