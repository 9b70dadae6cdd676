/**
 * prefetchTemplates: the CDS Hooks prefetch a service needs, generated from the mappings of the facts its knowledge
 * uses (ARCHITECTURE.md principle 8), so prefetch and logic cannot drift. R4 search syntax; coded searches are
 * restricted to the value-set codes and split into several keys when one URL would exceed the length limit.
 * Only the query features CDS Hooks 2.0 recommends (cds-hooks.md §2.2 D-8: type search, reference / token params):
 * no `_include`, so referenced Medication resources arrive only when the client sends them; a drug named by
 * neither code, text, a Medication in the record nor medicationReference.display is "not identifiable" (Unknown).
 */
import type { Compiled, CompiledMappedFact } from './compiled';
import type { Mappings } from './types';

const MAX_URL = 2000;
const PATIENT = '{{context.patientId}}';
/** Types with a `code` token search parameter in R4 (ImagingStudy has none for its procedureCode: fetched whole). */
const CODED = new Set(['Observation', 'Condition', 'Procedure', 'DiagnosticReport']);

function keyOf(resourceType: string): string {
  return resourceType.charAt(0).toLowerCase() + resourceType.slice(1);
}

function searchBase(resourceType: string): string {
  if (resourceType === 'AdverseEvent') return `AdverseEvent?subject=Patient/${PATIENT}`;
  return `${resourceType}?patient=${PATIENT}`;
}

/** Prefetch key → query template for the given facts (derived facts pull in their inputs). */
export function prefetchTemplates(mappings: Mappings, factNames: readonly string[]): Record<string, string> {
  const compiled = mappings.compiled as Compiled;
  const producers = new Map<string, readonly string[]>();
  for (const calc of compiled.calculators) for (const p of calc.produces) producers.set(p, calc.inputs);
  const needed = new Set<CompiledMappedFact>();
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const m = compiled.mappedByName.get(name);
    if (m !== undefined) {
      needed.add(m);
      for (const dep of m.dependsOn) visit(dep);
      return;
    }
    for (const input of producers.get(name) ?? []) visit(input);
  };
  for (const name of factNames) visit(name);

  // Per resource type: the set of codes, or "open" when some source cannot be restricted by code.
  const codes = new Map<string, Set<string> | 'open'>();
  for (const fact of needed) {
    const sources = fact.of !== undefined ? (compiled.mappedByName.get(fact.of)?.sources ?? []) : fact.sources;
    for (const s of sources) {
      const current = codes.get(s.resourceType);
      if (!CODED.has(s.resourceType) || s.valueSet?.closedCodes === undefined || current === 'open') {
        codes.set(s.resourceType, 'open');
        continue;
      }
      const set = current ?? new Set<string>();
      for (const c of s.valueSet.closedCodes) set.add(`${c.system}|${c.code}`);
      codes.set(s.resourceType, set);
    }
  }

  const out: Record<string, string> = { patient: `Patient/${PATIENT}` };
  for (const [resourceType, set] of codes) {
    const base = searchBase(resourceType);
    if (set === 'open' || set.size === 0) {
      out[keyOf(resourceType)] = base;
      continue;
    }
    const chunks: string[][] = [];
    let current: string[] = [];
    for (const code of [...set].sort()) {
      const url = `${base}&code=${[...current, code].join(',')}`;
      if (url.length >= MAX_URL && current.length > 0) {
        chunks.push(current);
        current = [];
      }
      current.push(code);
    }
    if (current.length > 0) chunks.push(current);
    chunks.forEach((chunk, i) => {
      out[`${keyOf(resourceType)}${chunks.length === 1 ? '' : String(i + 1)}`] = `${base}&code=${chunk.join(',')}`;
    });
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
