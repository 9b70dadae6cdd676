/**
 * Reads AdverseEvent resources: CTCAE grade from the grade extension, outcome, endocrine and organ-at-stake flags (value sets) and
 * attribution through suspectEntity.instance resolved within the record (MedicationRequest / MedicationStatement /
 * MedicationAdministration / Medication → drug classes; Procedure → hcc-procedure classes).
 */
import type { AdverseEventEntry } from '../domain/derived/types';
import type { CompiledMappedFact, MappingConfig } from './compiled';
import type { Candidate, EvalState } from './candidates';
import { primaryConcept, relativeRef } from './medication';
import { matchConcept, UNCLASSIFIED_TAG } from './value-sets';

const DAY_MS = 86_400_000;
const TARGETED = ['tki', 'anti-vegf'];

function firstCode(node: unknown): string | undefined {
  const coding = node !== null && typeof node === 'object' ? (node as { coding?: unknown }).coding : undefined;
  if (!Array.isArray(coding)) return undefined;
  const c = coding.find((x) => x !== null && typeof x === 'object' && typeof (x as { code?: unknown }).code === 'string') as { code: string } | undefined;
  return c?.code;
}

/** Turns AdverseEvent candidates into entries for the AE calculator. */
export function readAdverseEvents(state: EvalState, fact: CompiledMappedFact, candidates: readonly Candidate[], config: MappingConfig): AdverseEventEntry[] {
  const sets = fact.adverseEvent;
  if (sets === undefined) return [];
  const horizon = state.now - config.adverseEvents.lookbackDays * DAY_MS;
  const out: AdverseEventEntry[] = [];
  for (const c of candidates) {
    if (c.dateMs !== undefined && c.dateMs < horizon) continue;
    const r = c.resource;
    let grade: number | undefined;
    const extensions = Array.isArray(r['extension']) ? (r['extension'] as unknown[]) : [];
    for (const e of extensions) {
      if (e === null || typeof e !== 'object' || (e as { url?: unknown }).url !== config.adverseEvents.gradeExtension) continue;
      const v = (e as { valueInteger?: unknown }).valueInteger;
      if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5) grade = v;
      else state.issues.push({ code: 'unmappable-value', message: 'adverse event grade is not an integer 1-5', location: c.ref });
    }
    const attribution = new Set<string>();
    const suspects: string[] = [];
    const entities = Array.isArray(r['suspectEntity']) ? (r['suspectEntity'] as unknown[]) : [];
    for (const s of entities) {
      const instance = s !== null && typeof s === 'object' ? (s as { instance?: unknown }).instance : undefined;
      if (instance === null || typeof instance !== 'object') continue;
      const reference = (instance as { reference?: unknown }).reference;
      const display = (instance as { display?: unknown }).display;
      const target = typeof reference === 'string' ? state.index.byRef.get(relativeRef(reference)) : undefined;
      let concept: unknown;
      let isProcedure = false;
      if (target !== undefined) {
        suspects.push(relativeRef(reference as string));
        isProcedure = target.resourceType === 'Procedure' || target.resourceType === 'ServiceRequest';
        concept = isProcedure ? target['code'] : primaryConcept(target, state.index.byRef);
      } else {
        if (typeof reference === 'string') state.issues.push({ code: 'unresolved-reference', message: 'suspectEntity.instance not found in the record', location: c.ref });
        if (typeof display === 'string') concept = { text: display };
      }
      const hit = isProcedure ? matchConcept(sets.procedures, concept) : (matchConcept(sets.drugs, concept) ?? matchConcept(sets.procedures, concept));
      if (hit?.tags.includes(UNCLASSIFIED_TAG) === true) continue; // an ATC class alone attributes to no class
      for (const tag of hit?.tags ?? []) attribution.add(tag);
      if (hit?.tags.some((t) => TARGETED.includes(t)) === true) attribution.add('targeted');
    }
    if (attribution.size === 0) {
      state.issues.push({ code: 'unattributed-adverse-event', message: 'adverse event names no suspect drug or procedure in the record (suspectEntity); its attribution is unknown', location: c.ref });
    }
    const event = primaryConcept(r, state.index.byRef);
    const outcome = firstCode(r['outcome']);
    out.push({
      source: c.ref,
      ...(c.date === undefined ? {} : { date: c.date }),
      ...(grade === undefined ? {} : { grade }),
      attribution: [...attribution].sort(),
      endocrine: matchConcept(sets.endocrine, event) !== undefined,
      organAtStake: sets.organAtStake !== undefined && matchConcept(sets.organAtStake, event) !== undefined,
      ...(outcome === undefined ? {} : { outcome }),
      suspects,
    });
  }
  return out;
}
