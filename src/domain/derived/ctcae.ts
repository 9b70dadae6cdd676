/**
 * CTCAE v5.0 grades from labs (clinical.md §5.1): ALT, AST and bilirubin by the baseline-normal (× ULN) or
 * baseline-abnormal (× baseline) column; platelets against the LLN and absolute cut-offs; creatinine by ULN and
 * baseline, the higher grade winning. Cut-offs from scores/ctcae-v5.yaml.
 */
import { known, unknown, type Fact } from '../facts';
import { bandFor } from './bands';
import { fmt, num, sourcesOf } from './fact-helpers';
import { allFinite, finiteOnly, nonFinite } from './finite';
import type { Band, FactLookup } from './types';

/** One column of a CTCAE term. */
export interface CtcaeColumn {
  readonly applies: 'always' | 'baseline-normal' | 'baseline-abnormal';
  readonly reference: 'uln' | 'baseline' | 'absolute';
  readonly optional?: boolean;
  readonly bands: readonly Band<number>[];
}

/** One CTCAE term (the grade fact it produces is its key in the table). */
export interface CtcaeTerm {
  readonly term: string;
  readonly value: string;
  readonly baseline?: string;
  readonly limit?: string;
  readonly columns: readonly CtcaeColumn[];
}

/** The CTCAE table (fhir-mappings/scores/ctcae-v5.yaml). */
export interface CtcaeTable {
  readonly terms: Readonly<Record<string, CtcaeTerm>>;
}

/** Grades one term. */
export function ctcaeGrade(get: FactLookup, term: CtcaeTerm): Fact {
  const valueFact = get(term.value);
  const value = num(valueFact);
  if (value === undefined) return unknown('missing-inputs', { missing: [term.value] });
  const limitFact = term.limit === undefined ? undefined : get(term.limit);
  const limit = limitFact === undefined ? undefined : num(limitFact);
  const baselineFact = term.baseline === undefined ? undefined : get(term.baseline);
  const baseline = baselineFact === undefined ? undefined : num(baselineFact);

  let status: 'baseline-normal' | 'baseline-abnormal' = 'baseline-normal';
  const notes: string[] = [];
  if (term.columns.some((c) => c.applies !== 'always')) {
    if (baseline !== undefined && limit !== undefined) {
      status = baseline > limit ? 'baseline-abnormal' : 'baseline-normal';
      notes.push(`baseline ${fmt(baseline)} ${status === 'baseline-abnormal' ? '>' : '≤'} ULN ${fmt(limit)}`);
    } else notes.push('baseline unknown: ULN column used');
  }
  let grade: number | undefined;
  const used = new Set<string>([term.value]);
  for (const column of term.columns) {
    if (column.applies !== 'always' && column.applies !== status) continue;
    let ratio: number | undefined;
    let label = '';
    if (column.reference === 'uln') {
      if (limit === undefined || limit <= 0) {
        if (column.optional === true) continue;
        return unknown('missing-inputs', { missing: [term.limit ?? 'uln'] });
      }
      ratio = value / limit;
      label = `${fmt(ratio)} × ULN`;
      if (term.limit !== undefined) used.add(term.limit);
    } else if (column.reference === 'baseline') {
      if (baseline === undefined || baseline <= 0) {
        if (column.optional === true) continue;
        return unknown('missing-inputs', { missing: [term.baseline ?? 'baseline'] });
      }
      ratio = value / baseline;
      label = `${fmt(ratio)} × baseline`;
      if (term.baseline !== undefined) used.add(term.baseline);
    } else {
      ratio = value;
      label = `${fmt(value)}${limit === undefined ? '' : ` (LLN ${fmt(limit)})`}`;
      if (term.limit !== undefined) used.add(term.limit);
    }
    const rounded = Math.round(ratio * 1e9) / 1e9;
    if (!allFinite(ratio, rounded)) return nonFinite(sourcesOf([valueFact, ...(limitFact === undefined ? [] : [limitFact]), ...(baselineFact === undefined ? [] : [baselineFact])]));
    const g = bandFor(column.bands, rounded, limit);
    if (g === undefined) return unknown('data-error', { detail: `no CTCAE band for ${label}` });
    notes.push(`${label} → ${g}`);
    grade = grade === undefined ? g : Math.max(grade, g);
  }
  if (grade === undefined) return unknown('missing-inputs', { missing: [term.value] });
  const inputs = [...used].map((n) => get(n));
  return known(grade, {
    ...(valueFact.known && valueFact.effective !== undefined ? { effective: valueFact.effective } : {}),
    sources: sourcesOf(inputs),
    derived: { from: [...used], method: 'ctcae-v5', detail: `${term.term}: ${notes.join('; ')}` },
  });
}

/** Grades every term of the table; keys are the grade fact names. */
export function ctcaeGrades(get: FactLookup, table: CtcaeTable): Record<string, Fact> {
  const out: Record<string, Fact> = {};
  for (const [name, term] of Object.entries(table.terms)) out[name] = ctcaeGrade(get, term);
  return finiteOnly(out);
}
