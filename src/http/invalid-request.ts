/**
 * The 400 for a request that failed validation, bounded: a body with thousands of bad members (or member names
 * thousands of characters long) must not be echoed back, or into the request log, many times its own size.
 */
import type { ValidationProblem } from '../cds-hooks/validator';
import { AppError } from '../shared/errors';

const MAX_PROBLEMS = 10;
const MAX_TEXT = 200;

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}…`;
}

/** A REQUEST_INVALID AppError naming the first problems (message and location, each clipped) and how many more there are. */
export function invalidRequest(problems: readonly ValidationProblem[]): AppError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const rest = problems.length - shown.length;
  const text = shown.map((p) => clip(p.message)).join('; ') + (rest > 0 ? ` (and ${rest} more ${rest === 1 ? 'problem' : 'problems'})` : '');
  return new AppError('REQUEST_INVALID', text, shown.map((p) => clip(p.location)));
}
