/** Helpers to walk condition trees (type guards and the list of leaves). */
import type { ConditionLeaf, ConditionNode } from './types';

/** True when the node is a leaf. */
export function isLeaf(node: ConditionNode): node is ConditionLeaf {
  return 'fact' in node;
}

/** The child nodes of a composite node (empty for a leaf). */
export function childrenOf(node: ConditionNode): readonly ConditionNode[] {
  if ('all' in node) return node.all;
  if ('any' in node) return node.any;
  if ('not' in node) return [node.not];
  return [];
}

/** Every leaf of the tree, depth first. */
export function leavesOf(node: ConditionNode | undefined): ConditionLeaf[] {
  if (node === undefined) return [];
  if (isLeaf(node)) return [node];
  return childrenOf(node).flatMap((child) => leavesOf(child));
}
