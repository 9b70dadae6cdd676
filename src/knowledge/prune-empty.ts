/**
 * Removes what CDS Hooks forbids and FHIR R4 does not allow in a resource: empty or whitespace-only strings,
 * null, undefined, non-finite numbers, and arrays/objects left empty once their members are removed.
 * @see https://cds-hooks.hl7.org/2.0/#use-of-json ("no null or empty values")
 * @see https://hl7.org/fhir/R4/json.html#primitive (empty values are not valid)
 */

/** A pruned copy of `value`, or undefined when nothing is left of it. */
export function pruneEmpty(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const kept = pruneEmpty(item);
      if (kept !== undefined) items.push(kept);
    }
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let members = 0;
    for (const [key, member] of Object.entries(value)) {
      const kept = pruneEmpty(member);
      if (kept === undefined) continue;
      out[key] = kept;
      members += 1;
    }
    return members > 0 ? out : undefined;
  }
  return value;
}
