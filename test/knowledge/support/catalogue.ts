/**
 * Test support: the fact catalogue read straight from fhir-mappings/ (facts/*.yaml + derived-facts.yaml), so
 * knowledge-base unit tests do not depend on the mapping implementation being complete.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { FactDefinition, FactType } from '../../../src/mapping/types';

const ROOT = join(__dirname, '..', '..', '..', 'fhir-mappings');

interface Raw {
  fact?: string;
  name?: string;
  type: FactType;
  unit?: string;
  codes?: string[];
  sources?: { resourceType: string }[];
}

function toDef(raw: Raw, name: string, resourceTypes: string[]): FactDefinition {
  return {
    name,
    type: raw.type,
    resourceTypes,
    ...(raw.unit !== undefined ? { unit: raw.unit } : {}),
    ...(raw.codes !== undefined ? { codes: raw.codes.map(String) } : {}),
  };
}

/** The catalogue as a Map, like Mappings.factDefinitions. */
export function catalogueFromFiles(): ReadonlyMap<string, FactDefinition> {
  const map = new Map<string, FactDefinition>();
  for (const file of readdirSync(join(ROOT, 'facts')).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(join(ROOT, 'facts', file), 'utf8');
    let raw: Raw;
    try {
      raw = parse(text) as Raw;
    } catch {
      // tolerate a mapping file another helper is still editing: read its header lines only
      const line = (key: string): string | undefined => new RegExp(`^${key}:\\s*(.+)$`, 'm').exec(text)?.[1]?.replace(/^"|"$/g, '');
      const codes = line('codes');
      raw = { type: line('type') as FactType, ...(line('unit') !== undefined ? { unit: line('unit') as string } : {}), ...(codes !== undefined ? { codes: codes.replace(/[[\]]/g, '').split(',').map((c) => c.trim()) } : {}) };
    }
    const name = raw.fact ?? file.replace(/\.yaml$/, '');
    map.set(name, toDef(raw, name, (raw.sources ?? []).map((s) => s.resourceType)));
  }
  const derived = parse(readFileSync(join(ROOT, 'derived-facts.yaml'), 'utf8')) as { calculators: { produces: Raw[] }[] };
  for (const calc of derived.calculators) for (const p of calc.produces) if (p.name !== undefined) map.set(p.name, toDef(p, p.name, []));
  return map;
}
