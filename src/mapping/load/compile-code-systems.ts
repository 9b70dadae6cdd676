/** Stage: compile code systems — each known system URI, with its closed code list when it is a local system. */
import type { MappingDoc } from './gather';
import type { RawCodeSystems } from './raw-types';
import type { Problems } from './problems';

/** URI → closed code list (undefined = an open, external system such as LOINC). */
export type CodeSystems = ReadonlyMap<string, ReadonlySet<string> | undefined>;

/** Compiles the code-system files in order (the shipped file, then a site profile's); a URI defined twice is a problem. */
export function compileCodeSystems(docs: readonly MappingDoc[], problems: Problems): CodeSystems {
  const systems = new Map<string, ReadonlySet<string> | undefined>();
  for (const doc of docs) {
    const raw = doc.data as RawCodeSystems | undefined;
    if (raw === undefined) continue;
    for (const [i, s] of raw.systems.entries()) {
      if (systems.has(s.uri) && doc !== docs[0]) problems.add(doc.where?.(['systems', i]) ?? doc.file, `code system '${s.uri}' is already defined by the shipped mappings`);
      systems.set(s.uri, s.codes === undefined ? undefined : new Set(s.codes));
    }
  }
  return systems;
}
