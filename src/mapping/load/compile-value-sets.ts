/** Stage: compile value sets — check their code systems and local codes, build the lookup maps and tag lists. */
import { basename } from 'node:path';
import { compileValueSet, type CompiledValueSet, type ValueSetFile } from '../value-sets';
import type { CodeSystems } from './compile-code-systems';
import type { MappingDoc } from './gather';
import type { Problems } from './problems';

/** The compiled value sets and the tags each one's concepts carry. */
export interface CompiledValueSets {
  readonly valueSets: ReadonlyMap<string, CompiledValueSet>;
  readonly tags: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Compiles validated value-set files (after the site-profile overlay); every problem names the file. */
export function compileValueSets(docs: readonly MappingDoc[], systems: CodeSystems, problems: Problems): CompiledValueSets {
  const valueSets = new Map<string, CompiledValueSet>();
  const tagsOf = new Map<string, Set<string>>();
  for (const doc of docs) {
    const raw = doc.data as ValueSetFile | undefined;
    if (raw === undefined) continue;
    if (raw.id !== basename(doc.file).replace(/\.ya?ml$/, '')) problems.add(doc.file, `id '${raw.id}' must match the file name`);
    const tags = new Set<string>();
    for (const item of raw.include) {
      if (!systems.has(item.system)) problems.add(doc.file, `unknown code system '${item.system}' (add it to code-systems.yaml)`);
      const closed = systems.get(item.system);
      for (const code of item.codes ?? (item.code === undefined ? [] : [item.code])) {
        if (closed !== undefined && !closed.has(code)) problems.add(doc.file, `code '${code}' is not in local code system ${item.system}`);
      }
      for (const t of item.tags ?? []) tags.add(t);
    }
    for (const t of raw.texts ?? []) for (const tag of t.tags ?? []) tags.add(tag);
    valueSets.set(raw.id, compileValueSet(raw));
    tagsOf.set(raw.id, tags);
  }
  return { valueSets, tags: tagsOf };
}
