/** Helpers for the mapping tests: mappings loaded once, fixtures read by outcome name, a fixed "now". */
import { join } from 'node:path';
import type { Fact, FactSet } from '../../src/domain/facts';
import { loadInput } from '../../src/cli/load-input';
import { extractFacts, loadMappings, type Mappings } from '../../src/mapping';

/** Every fixture is evaluated at this instant (test/fixtures/fhir/README.md). */
export const NOW = new Date('2025-06-01T00:00:00Z');

let cached: Mappings | undefined;

/** The repository mappings, loaded once per test file. */
export function mappings(): Mappings {
  cached ??= loadMappings();
  return cached;
}

/** Extracts the facts of a fixture under test/fixtures/fhir/mapping/<outcome>.json. */
export function factsOf(outcome: string, options: { now?: Date; progressionSdThenPdIsAfterResponse?: boolean } = {}): FactSet {
  const input = loadInput(join(__dirname, '..', 'fixtures', 'fhir', 'mapping', `${outcome}.json`));
  return extractFacts(mappings(), input.resources, {
    patientId: input.patientId,
    now: options.now ?? NOW,
    ...(options.progressionSdThenPdIsAfterResponse === undefined ? {} : { progressionSdThenPdIsAfterResponse: options.progressionSdThenPdIsAfterResponse }),
  });
}

/** The fact, failing the test with a readable message when it is missing. */
export function fact(set: FactSet, name: string): Fact {
  const f = set.facts[name];
  if (f === undefined) throw new Error(`no fact ${name}`);
  return f;
}

/** The value of a Known fact (throws with the Unknown reason otherwise). */
export function valueOf(set: FactSet, name: string): unknown {
  const f = fact(set, name);
  if (!f.known) throw new Error(`${name} is Unknown (${f.reason}${f.detail === undefined ? '' : `: ${f.detail}`})`);
  return f.value;
}

/** The Unknown reason of a fact (throws when Known). */
export function reasonOf(set: FactSet, name: string): string {
  const f = fact(set, name);
  if (f.known) throw new Error(`${name} is Known (${JSON.stringify(f.value)})`);
  return f.reason;
}
