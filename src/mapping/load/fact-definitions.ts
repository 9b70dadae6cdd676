/** Stage: the public fact catalogue (docs/fact-catalogue.md) from the compiled mapped and derived facts; internal helper facts are left out. */
import type { CompiledMappedFact } from '../compiled';
import type { FactDefinition } from '../types';
import type { DerivedDefinition } from './compile-derived';
import type { RawFact } from './raw-types';

/** Every public fact's definition, mapped facts by name then derived facts in calculator order. */
export function factDefinitions(
  mapped: ReadonlyMap<string, CompiledMappedFact>,
  raw: ReadonlyMap<string, { readonly raw: RawFact }>,
  derived: ReadonlyMap<string, DerivedDefinition>,
): Map<string, FactDefinition> {
  const definitions = new Map<string, FactDefinition>();
  const resourceTypesOf = (name: string, seen: Set<string>): string[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const m = mapped.get(name);
    if (m !== undefined) {
      const direct = m.sources.map((s) => s.resourceType);
      const via = m.of !== undefined ? resourceTypesOf(m.of, seen) : [];
      return [...direct, ...via];
    }
    const d = derived.get(name);
    return d === undefined ? [] : d.inputs.flatMap((i) => resourceTypesOf(i, seen));
  };
  const uniqueSorted = (xs: string[]): string[] => [...new Set(xs)].sort();
  for (const m of [...mapped.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (m.internal) continue;
    const description = raw.get(m.name)?.raw.description;
    definitions.set(m.name, {
      name: m.name,
      type: m.type,
      ...(m.unit === undefined ? {} : { unit: m.unit }),
      ...(m.codes === undefined ? {} : { codes: m.codes }),
      resourceTypes: uniqueSorted(resourceTypesOf(m.name, new Set())),
      ...(description === undefined ? {} : { description }),
    });
  }
  for (const d of derived.values()) {
    definitions.set(d.name, {
      name: d.name,
      type: d.type,
      ...(d.unit === undefined ? {} : { unit: d.unit }),
      ...(d.codes === undefined ? {} : { codes: d.codes }),
      resourceTypes: uniqueSorted(resourceTypesOf(d.name, new Set())),
      derivedFrom: d.inputs.filter((i) => mapped.get(i)?.internal !== true),
      description: d.description,
    });
  }
  return definitions;
}
