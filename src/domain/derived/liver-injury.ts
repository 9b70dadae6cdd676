/** Composite liver-injury grade and pattern (clinical.md §5.1 notes and §2.5 liver-injury pattern, [impl-proposal]). */
import { known, unknown, type Fact } from '../facts';
import { latestDate } from './bands';
import { effectiveOf, num, sourcesOf } from './fact-helpers';
import { finiteOnly } from './finite';
import type { FactLookup } from './types';

const INPUTS = ['altCtcaeGrade', 'astCtcaeGrade', 'bilirubinCtcaeGrade'] as const;

/**
 * liverInjuryGrade = max(ALT, AST, bilirubin grades), Known as a lower bound when a missing component cannot lower it
 * below `knownFromGrade` (the worst known grade is at least that); liverInjuryPattern = none / transaminase / bilirubin / mixed.
 */
export function liverInjury(get: FactLookup, knownFromGrade?: number): { liverInjuryGrade: Fact; liverInjuryPattern: Fact } {
  const facts = INPUTS.map((n) => get(n));
  const [alt, ast, bili] = facts.map(num);
  const missing = INPUTS.filter((_, i) => num(facts[i] as Fact) === undefined);
  const knownGrades = [alt, ast, bili].filter((g): g is number => g !== undefined);
  const effective = latestDate(effectiveOf(facts));
  const base = { ...(effective === undefined ? {} : { effective }), sources: sourcesOf(facts) };
  let grade: Fact;
  const maxKnown = knownGrades.length === 0 ? undefined : Math.max(...knownGrades);
  const lowerBound = missing.length > 0 && maxKnown !== undefined && knownFromGrade !== undefined && maxKnown >= knownFromGrade;
  if (missing.length === 0 || lowerBound) {
    const detail = `ALT ${alt ?? '?'}, AST ${ast ?? '?'}, bilirubin ${bili ?? '?'}${lowerBound ? ` (at least ${String(maxKnown)}: ${missing.join(', ')} missing)` : ''}`;
    grade = known(maxKnown as number, { ...base, derived: { from: INPUTS.filter((n) => !missing.includes(n)), method: lowerBound ? 'max-lower-bound' : 'max', detail } });
  } else grade = unknown('missing-inputs', { missing });
  let pattern: Fact;
  if (alt === undefined || ast === undefined || bili === undefined) pattern = unknown('missing-inputs', { missing });
  else {
    const trans = alt >= 1 || ast >= 1;
    const bil = bili >= 1;
    const value = trans && bil ? 'mixed' : trans ? 'transaminase' : bil ? 'bilirubin' : 'none';
    pattern = known(value, { ...base, derived: { from: [...INPUTS], method: 'liver-injury-pattern', detail: `ALT ${alt}, AST ${ast}, bilirubin ${bili}` } });
  }
  return finiteOnly({ liverInjuryGrade: grade, liverInjuryPattern: pattern });
}
