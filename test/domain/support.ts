/** Helpers for calculator tests: score tables read from fhir-mappings/scores, facts built by hand. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { known, unknown, type Fact, type FactValue } from '../../src/domain/facts';
import type { FactLookup } from '../../src/domain/derived/types';

/** A score table as shipped. */
export function table<T>(name: string): T {
  return parse(readFileSync(join(__dirname, '..', '..', 'fhir-mappings', 'scores', `${name}.yaml`), 'utf8')) as T;
}

/** A lookup over the given values (Known, dated 2025-05-01, source Observation/<name>); others Unknown no-data. */
export function facts(values: Readonly<Record<string, FactValue | Fact>>): FactLookup {
  return (name) => {
    const v = values[name];
    if (v === undefined) return unknown('no-data');
    if (typeof v === 'object' && !Array.isArray(v) && 'known' in (v as object)) return v as Fact;
    return known(v as FactValue, { effective: '2025-05-01', sources: [`Observation/${name}`] });
  };
}

/** The value of a Known fact, or "Unknown:<reason>". */
export function show(f: Fact): unknown {
  return f.known ? f.value : `Unknown:${f.reason}`;
}
