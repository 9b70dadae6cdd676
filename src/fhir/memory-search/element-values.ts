/**
 * FHIR element path walking over plain JSON resources (dot paths, arrays flattened), the primitive every
 * in-memory search parameter is built on (FHIR R4 search § "Search Parameter Types": a parameter names an
 * element path).
 */

type Json = Record<string, unknown>;

/** Every non-null value at a dot path (`name.given`), arrays flattened at each step. */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      const member = (item as Json)[part];
      if (Array.isArray(member)) {
        for (const m of member as unknown[]) if (m !== undefined && m !== null) next.push(m);
      } else if (member !== undefined && member !== null) next.push(member);
    }
    current = next;
  }
  return current;
}

/** The first string found at the first of the paths that holds one. */
export function firstStringAt(value: unknown, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    for (const v of valuesAt(value, path)) if (typeof v === 'string') return v;
  }
  return undefined;
}
