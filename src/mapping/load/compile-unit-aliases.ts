/**
 * Stage: compile unit aliases (unit-aliases.yaml, then a site profile's) — a unit as hospitals write it ("μmol/L",
 * "×10^9/L", an empty unit on INR) → the UCUM unit it stands for, for every fact or only the facts listed.
 */
import { isValidUcum } from '../units';
import type { MappingDoc } from './gather';
import type { RawUnitAliases } from './raw-types';
import type { Problems } from './problems';

/** The aliases of every fact, and those scoped to some facts (which win over the first). */
export interface UnitAliases {
  readonly all: ReadonlyMap<string, string>;
  readonly byFact: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** Compiles the alias files in order (a later file's alias replaces an earlier one's); facts are checked against `knownFacts`. */
export function compileUnitAliases(docs: readonly MappingDoc[], knownFacts: ReadonlySet<string>, problems: Problems): UnitAliases {
  const all = new Map<string, string>();
  const byFact = new Map<string, Map<string, string>>();
  for (const doc of docs) {
    const raw = doc.data as RawUnitAliases | undefined;
    if (raw === undefined) continue;
    raw.aliases.forEach((a, i) => {
      const where = doc.where?.(['aliases', i]) ?? `${doc.file} aliases[${i}]`;
      if (!isValidUcum(a.unit)) problems.add(where, `unit '${a.unit}' is not valid UCUM`);
      if (a.facts === undefined) {
        all.set(a.alias, a.unit);
        return;
      }
      for (const fact of a.facts) {
        if (!knownFacts.has(fact)) {
          problems.add(where, `unknown fact '${fact}'`);
          continue;
        }
        let map = byFact.get(fact);
        if (map === undefined) byFact.set(fact, (map = new Map()));
        map.set(a.alias, a.unit);
      }
    });
  }
  return { all, byFact };
}

/** The aliases a fact reads its units with: every fact's, then those scoped to it (or to the fact it reads from). */
export function aliasesFor(aliases: UnitAliases, fact: string, of?: string): ReadonlyMap<string, string> {
  const scoped = aliases.byFact.get(fact) ?? (of === undefined ? undefined : aliases.byFact.get(of));
  if (scoped === undefined) return aliases.all;
  return new Map([...aliases.all, ...scoped]);
}
