/**
 * Three-valued evaluation of a compiled condition over a patient's facts, with a trace of every node.
 * An Unknown fact makes its leaf Unknown (except for `known`), never false.
 * @see ../../../shared/ARCHITECTURE.md principle 4 ("missing data is a state, not a false")
 */
import type { FactSet } from '../domain/facts';
import type { CompiledCondition, CompiledLeaf } from './compile-condition';
import type { TraceNode, Truth } from './types';
import { OPERATORS } from './operators';
import { not } from './three-valued';

function leafTrace(leaf: CompiledLeaf, facts: FactSet['facts']): TraceNode {
  const fact = facts[leaf.fact];
  if (leaf.op === 'known') return { kind: 'leaf', result: fact?.known === true, fact: leaf.fact, op: leaf.op, operand: leaf.operand };
  if (fact === undefined || !fact.known) return { kind: 'leaf', result: 'unknown', fact: leaf.fact, op: leaf.op, operand: leaf.operand, reason: fact?.reason ?? 'no-data' };
  if (leaf.unknownFor !== undefined && typeof fact.value === 'string' && leaf.unknownFor.has(fact.value)) {
    return { kind: 'leaf', result: 'unknown', fact: leaf.fact, op: leaf.op, operand: leaf.operand, actual: fact.value, reason: 'unmappable-value' };
  }
  return { kind: 'leaf', result: OPERATORS[leaf.op].test(fact.value, leaf.operand), fact: leaf.fact, op: leaf.op, operand: leaf.operand, actual: fact.value };
}

/** Evaluates the condition and returns its trace (the root's `result` is the answer); every child is traced. */
export function evaluateCondition(condition: CompiledCondition, facts: FactSet['facts']): TraceNode {
  switch (condition.kind) {
    case 'all':
    case 'any': {
      const decisive = condition.kind === 'any';
      const children: TraceNode[] = new Array<TraceNode>(condition.children.length);
      let settled = false;
      let undecided = false;
      for (let i = 0; i < condition.children.length; i += 1) {
        const child = evaluateCondition(condition.children[i] as CompiledCondition, facts);
        children[i] = child;
        if (child.result === decisive) settled = true;
        else if (child.result === 'unknown') undecided = true;
      }
      // Kleene: all → false wins, then unknown; any → true wins, then unknown.
      const result: Truth = settled ? decisive : undecided ? 'unknown' : !decisive;
      return { kind: condition.kind, result, children };
    }
    case 'not': {
      const child = evaluateCondition(condition.child, facts);
      return { kind: 'not', result: not(child.result), children: [child] };
    }
    case 'leaf':
      return leafTrace(condition, facts);
  }
}

/** The condition's three-valued result without a trace (short-circuits; same answer as evaluateCondition). */
export function decideCondition(condition: CompiledCondition, facts: FactSet['facts']): Truth {
  switch (condition.kind) {
    case 'all':
    case 'any': {
      const decisive = condition.kind === 'any';
      let undecided = false;
      for (const child of condition.children) {
        const result = decideCondition(child, facts);
        if (result === decisive) return decisive;
        if (result === 'unknown') undecided = true;
      }
      return undecided ? 'unknown' : !decisive;
    }
    case 'not':
      return not(decideCondition(condition.child, facts));
    case 'leaf': {
      const fact = facts[condition.fact];
      if (condition.op === 'known') return fact?.known === true;
      if (fact === undefined || !fact.known) return 'unknown';
      if (condition.unknownFor !== undefined && typeof fact.value === 'string' && condition.unknownFor.has(fact.value)) return 'unknown';
      return OPERATORS[condition.op].test(fact.value, condition.operand);
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
