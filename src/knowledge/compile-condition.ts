/**
 * Turns a validated condition tree into its evaluable form once, at load time: parameters are replaced by
 * their (possibly overridden) values and operands are converted to the fact's canonical unit.
 */
import type { ConditionNode, OperatorName } from './types';
import { childrenOf, isLeaf } from './condition-nodes';

/** A leaf ready for evaluation. */
export interface CompiledLeaf {
  readonly kind: 'leaf';
  readonly fact: string;
  readonly op: OperatorName;
  readonly operand: unknown;
  readonly param?: string;
  readonly unknownFor?: ReadonlySet<string>;
}

/** A compiled condition tree. */
export type CompiledCondition =
  | { readonly kind: 'all' | 'any'; readonly children: readonly CompiledCondition[] }
  | { readonly kind: 'not'; readonly child: CompiledCondition }
  | CompiledLeaf;

/** Resolves a leaf's operand: its literal value or its parameter's value, in the fact's unit. */
export type OperandResolver = (leaf: Extract<ConditionNode, { fact: string }>) => unknown;

/** Compiles a tree with the given operand resolver. */
export function compileCondition(node: ConditionNode, resolve: OperandResolver): CompiledCondition {
  if (isLeaf(node)) {
    const leaf: CompiledLeaf = {
      kind: 'leaf',
      fact: node.fact,
      op: node.op,
      operand: resolve(node),
      ...(node.param !== undefined ? { param: node.param } : {}),
      ...(node.unknownFor !== undefined ? { unknownFor: new Set(node.unknownFor) } : {}),
    };
    return leaf;
  }
  if ('not' in node) return { kind: 'not', child: compileCondition(node.not, resolve) };
  const kind = 'all' in node ? 'all' : 'any';
  return { kind, children: childrenOf(node).map((child) => compileCondition(child, resolve)) };
}
