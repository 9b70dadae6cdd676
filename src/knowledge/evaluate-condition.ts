/**
 * Three-valued evaluation of a compiled condition over a patient's facts, with a trace of every node.
 * An Unknown fact makes its leaf Unknown (except for `known`), never false.
 * @see ../../../shared/ARCHITECTURE.md principle 4 ("missing data is a state, not a false")
 */
import type { FactSet } from '../domain/facts';
import type { CompiledCondition } from './compile-condition';
import type { TraceNode } from './types';
import { OPERATORS } from './operators';
import { and, not, or } from './three-valued';

/** Evaluates the condition and returns its trace (the root's `result` is the answer). */
export function evaluateCondition(condition: CompiledCondition, facts: FactSet['facts']): TraceNode {
  switch (condition.kind) {
    case 'all':
    case 'any': {
      const children = condition.children.map((child) => evaluateCondition(child, facts));
      const results = children.map((child) => child.result);
      return { kind: condition.kind, result: condition.kind === 'all' ? and(results) : or(results), children };
    }
    case 'not': {
      const child = evaluateCondition(condition.child, facts);
      return { kind: 'not', result: not(child.result), children: [child] };
    }
    case 'leaf': {
      const fact = facts[condition.fact];
      const base = { kind: 'leaf' as const, fact: condition.fact, op: condition.op, operand: condition.operand };
      if (condition.op === 'known') return { ...base, result: fact?.known === true };
      if (fact === undefined || !fact.known) return { ...base, result: 'unknown', reason: fact?.reason ?? 'no-data' };
      if (condition.unknownFor !== undefined && typeof fact.value === 'string' && condition.unknownFor.has(fact.value)) {
        return { ...base, actual: fact.value, result: 'unknown', reason: 'unmappable-value' };
      }
      return { ...base, actual: fact.value, result: OPERATORS[condition.op].test(fact.value, condition.operand) };
    }
  }
}

/** The facts whose being Unknown leaves an Unknown result undecided (empty when the result is decided). */
export function missingFactsOf(trace: TraceNode): string[] {
  if (trace.result !== 'unknown') return [];
  if (trace.kind === 'leaf') return trace.fact === undefined ? [] : [trace.fact];
  const seen = new Set<string>();
  for (const child of trace.children ?? []) for (const name of missingFactsOf(child)) seen.add(name);
  return [...seen];
}

/** The names of the facts the trace looked at that were known (the evidence behind a result). */
export function knownFactsOf(trace: TraceNode | undefined, into: Set<string> = new Set()): Set<string> {
  if (trace === undefined) return into;
  if (trace.kind === 'leaf' && trace.fact !== undefined && trace.actual !== undefined) into.add(trace.fact);
  for (const child of trace.children ?? []) knownFactsOf(child, into);
  return into;
}
