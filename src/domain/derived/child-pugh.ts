/**
 * Child-Pugh score and class (clinical.md §4.1): five parameters scored 1-3 from the cut-off table; INR preferred over
 * PT prolongation; a recorded score wins only when it is newer than every input of the computed one.
 */
import { isKnown, known, unknown, type Fact } from '../facts';
import { bandFor, latestDate } from './bands';
import { effectiveOf, fmt, num, sourcesOf, str } from './fact-helpers';
import { finiteOnly } from './finite';
import type { Band, FactLookup } from './types';

/** The Child-Pugh cut-off table (fhir-mappings/scores/child-pugh.yaml). */
export interface ChildPughTable {
  readonly parameters: {
    readonly totalBilirubin: { readonly unit: string; readonly bands: readonly Band<number>[] };
    readonly albumin: { readonly unit: string; readonly bands: readonly Band<number>[] };
    readonly inr: { readonly unit: string; readonly bands: readonly Band<number>[] };
    readonly ptProlongation: { readonly unit: string; readonly bands: readonly Band<number>[] };
    readonly hepaticEncephalopathy: { readonly unit: string; readonly bands: readonly Band<number>[] };
    readonly ascites: { readonly codes: Readonly<Record<string, number>> };
  };
  readonly classes: readonly Band<string>[];
}

/** Computes childPughScore and childPughClass. */
export function childPugh(get: FactLookup, table: ChildPughTable): { childPughScore: Fact; childPughClass: Fact } {
  const p = table.parameters;
  const parts: { name: string; fact: Fact; points?: number; label: string }[] = [];
  const missing: string[] = [];
  const numeric = (name: 'totalBilirubin' | 'albumin' | 'hepaticEncephalopathy', label: string, unit: string): void => {
    const fact = get(name);
    const value = num(fact);
    const points = value === undefined ? undefined : bandFor(p[name].bands, value);
    if (points === undefined) missing.push(name);
    else parts.push({ name, fact, points, label: `${label} ${fmt(value as number)}${unit} → ${points}` });
  };
  numeric('totalBilirubin', 'bilirubin', ` ${p.totalBilirubin.unit}`);
  numeric('albumin', 'albumin', ` ${p.albumin.unit}`);
  const inr = get('inr');
  const pt = get('ptProlongation');
  const inrValue = num(inr);
  const ptValue = num(pt);
  if (inrValue !== undefined) {
    const points = bandFor(p.inr.bands, inrValue);
    if (points === undefined) missing.push('inr');
    else parts.push({ name: 'inr', fact: inr, points, label: `INR ${fmt(inrValue)} → ${points}` });
  } else if (ptValue !== undefined) {
    const points = bandFor(p.ptProlongation.bands, ptValue);
    if (points === undefined) missing.push('ptProlongation');
    else parts.push({ name: 'ptProlongation', fact: pt, points, label: `PT +${fmt(ptValue)} s → ${points}` });
  } else missing.push('inr');
  const ascites = get('ascites');
  const ascitesCode = str(ascites);
  const ascitesPoints = ascitesCode === undefined ? undefined : p.ascites.codes[ascitesCode];
  if (ascitesPoints === undefined) missing.push('ascites');
  else parts.push({ name: 'ascites', fact: ascites, points: ascitesPoints, label: `ascites ${ascitesCode ?? ''} → ${ascitesPoints}` });
  numeric('hepaticEncephalopathy', 'encephalopathy grade', '');

  const recorded = get('childPughScoreRecorded');
  const recordedClass = get('childPughClassRecorded');
  const classOf = (score: number): string | undefined => bandFor(table.classes, score);

  let score: Fact;
  if (missing.length === 0) {
    const total = parts.reduce((sum, part) => sum + (part.points ?? 0), 0);
    const inputsDate = latestDate(effectiveOf(parts.map((part) => part.fact)));
    const recordedNewer =
      isKnown(recorded) && recorded.effective !== undefined && inputsDate !== undefined && Date.parse(recorded.effective) > Date.parse(inputsDate);
    score = recordedNewer
      ? recorded
      : known(total, {
          ...(inputsDate === undefined ? {} : { effective: inputsDate }),
          sources: sourcesOf(parts.map((part) => part.fact)),
          derived: { from: parts.map((part) => part.name), method: 'child-pugh', detail: parts.map((part) => part.label).join('; ') },
        });
  } else if (isKnown(recorded)) {
    score = recorded;
  } else {
    score = unknown('missing-inputs', { missing, detail: 'Child-Pugh needs bilirubin, albumin, INR (or PT prolongation), ascites and encephalopathy grade' });
  }

  let klass: Fact;
  const scoreValue = num(score);
  const c = scoreValue === undefined ? undefined : classOf(scoreValue);
  if (scoreValue !== undefined && c !== undefined && isKnown(score)) {
    klass = known(c, {
      ...(score.effective === undefined ? {} : { effective: score.effective }),
      sources: score.sources,
      derived: { from: ['childPughScore'], method: 'child-pugh-class', detail: `score ${scoreValue} → class ${c}` },
    });
  } else if (isKnown(recordedClass)) {
    klass = recordedClass;
  } else {
    klass = unknown('missing-inputs', { missing: missing.length > 0 ? missing : ['childPughScore'] });
  }
  return finiteOnly({ childPughScore: score, childPughClass: klass });
}
