/**
 * Semantic checks of one condition tree against the fact catalogue and the parameters: the fact exists,
 * the operator suits its type, the operand has the right shape, codes are in the fact's code list, units
 * convert, parameters exist and fit.
 */
import type { FactDefinition } from '../mapping/types';
import type { ConditionLeaf, ConditionNode, ParameterSpec } from './types';
import { childrenOf, isLeaf } from './condition-nodes';
import { convertUnit } from './convert-unit';
import { isOperator, OPERATORS } from './operators';

/** What a condition is checked against. */
export interface ConditionContext {
  readonly facts: ReadonlyMap<string, FactDefinition>;
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
}

function checkOperandShape(leaf: ConditionLeaf, def: FactDefinition, operand: unknown, where: string): string[] {
  const kind = OPERATORS[leaf.op].operand;
  const numeric = def.type === 'integer' || def.type === 'number' || def.type === 'quantity';
  const problems: string[] = [];
  const checkScalar = (v: unknown, at: string): void => {
    if (numeric && (typeof v !== 'number' || !Number.isFinite(v))) problems.push(`${at}: '${leaf.fact}' needs a number, got ${JSON.stringify(v)}`);
    if (def.type === 'integer' && typeof v === 'number' && !Number.isInteger(v) && leaf.op === 'equals') problems.push(`${at}: '${leaf.fact}' is an integer`);
    if ((def.type === 'code' || def.type === 'codes') && (typeof v !== 'string' || (def.codes !== undefined && !def.codes.includes(v)))) {
      problems.push(`${at}: ${JSON.stringify(v)} is not a code of '${leaf.fact}' (${(def.codes ?? []).join(', ')})`);
    }
    if (def.type === 'boolean' && typeof v !== 'boolean') problems.push(`${at}: '${leaf.fact}' needs true or false`);
    if (def.type === 'date' && (typeof v !== 'string' || Number.isNaN(Date.parse(v)))) problems.push(`${at}: '${leaf.fact}' needs an ISO date`);
  };
  if (kind === 'scalar') checkScalar(operand, where);
  if (kind === 'list') {
    if (!Array.isArray(operand) || operand.length === 0) problems.push(`${where}: '${leaf.op}' needs a non-empty list`);
    else operand.forEach((v, i) => checkScalar(v, `${where}[${i}]`));
  }
  if (kind === 'range') {
    if (!Array.isArray(operand) || operand.length !== 2) problems.push(`${where}: 'between' needs [low, high]`);
    else {
      operand.forEach((v, i) => checkScalar(v, `${where}[${i}]`));
      if (typeof operand[0] === 'number' && typeof operand[1] === 'number' && operand[0] > operand[1]) problems.push(`${where}: 'between' low > high`);
    }
  }
  return problems;
}

function checkLeaf(leaf: ConditionLeaf, where: string, ctx: ConditionContext): string[] {
  const at = `${where} (${leaf.fact} ${leaf.op})`;
  if (!isOperator(leaf.op)) return [`${at}: unknown operator '${String(leaf.op)}'`];
  const def = ctx.facts.get(leaf.fact);
  if (def === undefined) return [`${at}: unknown fact '${leaf.fact}' (not in the mappings' fact catalogue)`];
  const spec = OPERATORS[leaf.op];
  const problems: string[] = [];
  if (!spec.factTypes.includes(def.type)) problems.push(`${at}: operator '${leaf.op}' does not apply to a ${def.type} fact`);
  const hasOperand = leaf.value !== undefined || leaf.param !== undefined;
  if (spec.operand === 'none' && hasOperand) problems.push(`${at}: operator '${leaf.op}' takes no value`);
  if (spec.operand !== 'none' && !hasOperand) problems.push(`${at}: operator '${leaf.op}' needs a value or a param`);
  if (leaf.unit !== undefined && def.type !== 'quantity') problems.push(`${at}: 'unit' only applies to quantity facts`);
  if (leaf.unknownFor !== undefined) {
    if (def.type !== 'code') problems.push(`${at}: 'unknownFor' only applies to code facts`);
    for (const code of leaf.unknownFor) if (!(def.codes ?? []).includes(code)) problems.push(`${at}: unknownFor '${code}' is not a code of '${leaf.fact}'`);
  }
  let operand: unknown = leaf.value;
  let fromUnit = leaf.unit;
  if (leaf.param !== undefined) {
    const param = ctx.parameters[leaf.param];
    if (param === undefined) return [...problems, `${at}: unknown parameter '${leaf.param}'`];
    operand = param.default;
    fromUnit = param.unit;
    if (param.type === 'quantity' && def.type !== 'quantity') problems.push(`${at}: quantity parameter '${leaf.param}' used on a ${def.type} fact`);
  }
  if (def.type === 'quantity' && fromUnit !== undefined && def.unit !== undefined && typeof operand === 'number' && convertUnit(operand, fromUnit, def.unit) === undefined) {
    problems.push(`${at}: unit '${fromUnit}' does not convert to '${def.unit}'`);
  }
  if (spec.operand !== 'none' && hasOperand) problems.push(...checkOperandShape(leaf, def, operand, at));
  return problems;
}

/** Every problem of the condition tree; `where` prefixes each message. */
export function checkCondition(node: ConditionNode, where: string, ctx: ConditionContext): string[] {
  if (isLeaf(node)) return checkLeaf(node, where, ctx);
  const kind = 'all' in node ? 'all' : 'any' in node ? 'any' : 'not';
  return childrenOf(node).flatMap((child, i) => checkCondition(child, `${where}.${kind}${kind === 'not' ? '' : `[${i}]`}`, ctx));
}
