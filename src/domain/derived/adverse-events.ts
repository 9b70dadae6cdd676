/**
 * Adverse-event facts (docs/fact-catalogue.md "Adverse events"; clinical.md §2.5): the worst active CTCAE grade per
 * attribution (seed §1.1 "根据AEs的相关性及严重程度"), from AdverseEvents attributed to the class; lab-derived CTCAE
 * grades join only for the classes config.yaml `labGradesPresumedFor` names (none by default).
 */
import { known, unknown, type Fact } from '../facts';
import { bool, num, sourcesOf } from './fact-helpers';
import { finiteOnly } from './finite';
import type { AdverseEventEntry, FactLookup } from './types';

/** Settings of the AE calculator (fhir-mappings/config.yaml `adverseEvents`). */
export interface AdverseEventSettings {
  readonly inactiveOutcomes: readonly string[];
  readonly recoveredOutcomes: readonly string[];
  readonly activeGradeAbove: number;
  readonly labGradeFacts: readonly string[];
  readonly labGradesPresumedFor: readonly ('ici' | 'targeted')[];
}

const TARGETED = ['tki', 'anti-vegf', 'targeted'];

type Out = Record<
  | 'maxIrAeGrade'
  | 'maxIrAeGradeNonEndocrine'
  | 'maxTargetedAeGrade'
  | 'maxLocalTherapyAeGrade'
  | 'maxHaicAeGrade'
  | 'activeTargetedImmuneAe'
  | 'endocrineIrAe'
  | 'unresolvedOrganAeGrade',
  Fact
>;

/** Computes the AE facts. */
export function adverseEventFacts(events: readonly AdverseEventEntry[], get: FactLookup, settings: AdverseEventSettings): Out {
  const active = events.filter((e) => e.outcome === undefined || !settings.inactiveOutcomes.includes(e.outcome));
  const labFacts = settings.labGradeFacts.map((n) => ({ name: n, fact: get(n) })).filter((l) => num(l.fact) !== undefined && (num(l.fact) as number) > 0);
  const onIci = bool(get('onIci')) === true;
  const onTargeted = bool(get('onTargeted')) === true;

  // An active AE naming no suspect (attribution unknown) might belong to a class the patient is on: a maximum it
  // could raise is Unknown rather than a wrong Known (issue 9 "Bad input"); the reader reports it as a data issue.
  const unattributed = active.filter((e) => e.attribution.length === 0);
  const worst = (name: string, match: (e: AdverseEventEntry) => boolean, presumeLabs: boolean, mayBelong: (e: AdverseEventEntry) => boolean = () => false): Fact => {
    const hits = active.filter(match);
    const ungraded = hits.filter((e) => e.grade === undefined);
    if (ungraded.length > 0) {
      return unknown('missing-inputs', { detail: 'an attributed adverse event has no CTCAE grade', sources: ungraded.map((e) => e.source) });
    }
    let grade = 0;
    const sources: string[] = [];
    const notes: string[] = [];
    for (const e of hits) {
      grade = Math.max(grade, e.grade as number);
      sources.push(e.source);
    }
    if (hits.length > 0) notes.push(`${hits.length} active attributed AdverseEvent(s)`);
    if (presumeLabs) {
      for (const l of labFacts) {
        grade = Math.max(grade, num(l.fact) as number);
        sources.push(...(l.fact.sources ?? []));
        notes.push(`${l.name} ${String(num(l.fact))} (lab-derived, attribution presumed)`);
      }
    }
    const couldRaise = unattributed.filter((e) => mayBelong(e) && (e.grade ?? Infinity) > grade);
    if (couldRaise.length > 0) {
      return unknown('missing-inputs', { detail: 'an adverse event on record names no suspect drug or procedure, so its attribution is unknown', sources: couldRaise.map((e) => e.source) });
    }
    return known(grade, {
      sources: [...new Set(sources)],
      derived: { from: ['adverseEvents', ...(presumeLabs ? settings.labGradeFacts : [])], method: `max-active-ae-grade:${name}`, detail: notes.length === 0 ? 'no active attributed adverse event' : notes.join('; ') },
    });
  };
  const presumeIci = onIci && settings.labGradesPresumedFor.includes('ici');
  const presumeTargeted = onTargeted && settings.labGradesPresumedFor.includes('targeted');
  const isIci = (e: AdverseEventEntry): boolean => e.attribution.includes('ici');
  const isTargeted = (e: AdverseEventEntry): boolean => e.attribution.some((a) => TARGETED.includes(a));

  const notRecovered = events.filter(
    (e) => (isIci(e) || isTargeted(e)) && (e.outcome === undefined || !settings.recoveredOutcomes.includes(e.outcome)) && (e.grade ?? Infinity) > settings.activeGradeAbove,
  );
  const labActive = presumeIci || presumeTargeted ? labFacts.filter((l) => (num(l.fact) as number) > settings.activeGradeAbove) : [];
  const activeTargetedImmuneAe = known(notRecovered.length > 0 || labActive.length > 0, {
    sources: [...notRecovered.map((e) => e.source), ...sourcesOf(labActive.map((l) => l.fact))],
    derived: {
      from: ['adverseEvents', ...settings.labGradeFacts],
      method: 'active-ti-ae',
      detail: `${notRecovered.length} not-recovered attributed AE(s) above grade ${settings.activeGradeAbove}; ${labActive.length} lab grade(s) above it while on therapy`,
    },
  });
  const unresolvedOrgan = events.filter(
    (e) => (isIci(e) || isTargeted(e)) && e.organAtStake === true && (e.outcome === undefined || !settings.recoveredOutcomes.includes(e.outcome)),
  );
  const endocrine = active.filter((e) => isIci(e) && e.endocrine);
  return finiteOnly({
    maxIrAeGrade: worst('ici', isIci, presumeIci, () => onIci),
    maxIrAeGradeNonEndocrine: worst('ici-non-endocrine', (e) => isIci(e) && !e.endocrine, presumeIci, (e) => onIci && !e.endocrine),
    maxTargetedAeGrade: worst('targeted', isTargeted, presumeTargeted, () => onTargeted),
    maxLocalTherapyAeGrade: worst('local', (e) => e.attribution.includes('local'), false),
    maxHaicAeGrade: worst('haic', (e) => e.attribution.includes('haic'), false),
    activeTargetedImmuneAe,
    unresolvedOrganAeGrade: worst(
      'ti-organ-at-stake-unresolved',
      (e) => unresolvedOrgan.includes(e),
      false,
      (e) => (onIci || onTargeted) && e.organAtStake === true && (e.outcome === undefined || !settings.recoveredOutcomes.includes(e.outcome)),
    ),
    endocrineIrAe: known(endocrine.length > 0, { sources: endocrine.map((e) => e.source), derived: { from: ['adverseEvents'], method: 'endocrine-irae' } }),
  });
}
