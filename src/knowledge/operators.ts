/**
 * The condition operators: which fact types each accepts, what operand it takes and how it compares a known
 * value. `known` is the only operator that is decided on an Unknown fact (it is then false).
 */
import type { FactType } from '../mapping/types';
import type { OperatorName } from './types';

/** What an operator compares the fact with. */
export type OperandKind = 'none' | 'scalar' | 'list' | 'range';

/** One operator's contract. */
export interface OperatorSpec {
  readonly factTypes: readonly FactType[];
  readonly operand: OperandKind;
  /** Compares a known fact value with the (already validated, unit-converted) operand. */
  readonly test: (actual: unknown, operand: unknown) => boolean;
}

const NUMERIC: readonly FactType[] = ['integer', 'number', 'quantity'];
const ALL: readonly FactType[] = ['quantity', 'integer', 'number', 'code', 'boolean', 'date', 'codes'];

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function compare(actual: unknown, operand: unknown, ok: (a: number, b: number) => boolean): boolean {
  const a = asNumber(actual);
  const b = asNumber(operand);
  return a !== undefined && b !== undefined && ok(a, b);
}

function members(actual: unknown): readonly unknown[] {
  return Array.isArray(actual) ? actual : [actual];
}

function inList(actual: unknown, operand: unknown): boolean {
  const list = Array.isArray(operand) ? operand : [];
  return members(actual).some((v) => list.includes(v));
}

/** The operator table. */
export const OPERATORS: Readonly<Record<OperatorName, OperatorSpec>> = {
  equals: { factTypes: ['code', 'integer', 'number', 'boolean', 'date', 'quantity'], operand: 'scalar', test: (a, b) => a === b },
  in: { factTypes: ['code', 'codes', 'integer'], operand: 'list', test: inList },
  notIn: { factTypes: ['code', 'codes', 'integer'], operand: 'list', test: (a, b) => !inList(a, b) },
  gt: { factTypes: NUMERIC, operand: 'scalar', test: (a, b) => compare(a, b, (x, y) => x > y) },
  gte: { factTypes: NUMERIC, operand: 'scalar', test: (a, b) => compare(a, b, (x, y) => x >= y) },
  lt: { factTypes: NUMERIC, operand: 'scalar', test: (a, b) => compare(a, b, (x, y) => x < y) },
  lte: { factTypes: NUMERIC, operand: 'scalar', test: (a, b) => compare(a, b, (x, y) => x <= y) },
  between: {
    factTypes: NUMERIC,
    operand: 'range',
    test: (a, b) => Array.isArray(b) && compare(a, b[0], (x, y) => x >= y) && compare(a, b[1], (x, y) => x <= y),
  },
  isTrue: { factTypes: ['boolean'], operand: 'none', test: (a) => a === true },
  isFalse: { factTypes: ['boolean'], operand: 'none', test: (a) => a === false },
  known: { factTypes: ALL, operand: 'none', test: () => true },
};

/** True when the name is an operator. */
export function isOperator(name: string): name is OperatorName {
  return Object.prototype.hasOwnProperty.call(OPERATORS, name);
}
