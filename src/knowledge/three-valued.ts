/** Kleene three-valued logic over true / false / 'unknown'. */
import type { Truth } from './types';

/** Conjunction: false wins, then unknown. */
export function and(values: readonly Truth[]): Truth {
  if (values.includes(false)) return false;
  return values.includes('unknown') ? 'unknown' : true;
}

/** Disjunction: true wins, then unknown. */
export function or(values: readonly Truth[]): Truth {
  if (values.includes(true)) return true;
  return values.includes('unknown') ? 'unknown' : false;
}

/** Negation; unknown stays unknown. */
export function not(value: Truth): Truth {
  return value === 'unknown' ? 'unknown' : !value;
}
