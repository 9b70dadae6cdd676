/**
 * The load-time code dispatch table: resource type → system → code → the closed value sets (one dispatch id per
 * resource type and value set, shared by every source reading them) holding that code, with the concept and the
 * code's position; a record is matched against all of them in one pass over its codings instead of once per fact.
 */
import type { CompiledValueSet, Concept } from './value-sets';

/** One (resource type, value set) a code belongs to. */
export interface DispatchHit {
  readonly dispatchId: number;
  readonly concept: Concept;
  /** Position of the code in the value set's code list. */
  readonly rank: number;
}

/** system → code → hits. */
export type SystemDispatch = ReadonlyMap<string, ReadonlyMap<string, readonly DispatchHit[]>>;

/** The table, and how many dispatch ids exist. */
export interface CodeDispatch {
  readonly byType: ReadonlyMap<string, SystemDispatch>;
  readonly size: number;
}

/** Resource types whose identifying concept is `code` (medication[x], AdverseEvent.event and ImagingStudy.procedureCode are matched per resource). */
const CODE_TYPES = new Set(['Observation', 'Condition', 'Procedure', 'DiagnosticReport']);

/** True when a source's resources are found through the dispatch table (closed value set on `code`). */
export function isDispatched(resourceType: string, valueSet: CompiledValueSet | undefined): boolean {
  return valueSet?.closedCodes !== undefined && CODE_TYPES.has(resourceType);
}

/** Builds the table; `dispatchId(resourceType, valueSet)` numbers the pairs the sources use (see load-mappings). */
export function buildDispatch(pairs: readonly { readonly resourceType: string; readonly valueSet: CompiledValueSet; readonly dispatchId: number }[]): CodeDispatch {
  const byType = new Map<string, Map<string, Map<string, DispatchHit[]>>>();
  const done = new Set<number>();
  for (const { resourceType, valueSet, dispatchId } of pairs) {
    if (done.has(dispatchId) || valueSet.closedCodes === undefined) continue;
    done.add(dispatchId);
    let systems = byType.get(resourceType);
    if (systems === undefined) byType.set(resourceType, (systems = new Map()));
    const table = systems;
    valueSet.closedCodes.forEach(({ system, code }, rank) => {
      const concept = valueSet.exact.get(`${system}|${code}`);
      if (concept === undefined) return;
      let codes = table.get(system);
      if (codes === undefined) table.set(system, (codes = new Map()));
      let hits = codes.get(code);
      if (hits === undefined) codes.set(code, (hits = []));
      // A code listed twice in one value set keeps its first position (as the per-code lookup did).
      if (!hits.some((h) => h.dispatchId === dispatchId)) hits.push({ dispatchId, concept, rank });
    });
  }
  return { byType, size: done.size };
}
