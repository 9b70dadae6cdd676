/**
 * The codings in a record that no mapping recognises: for every resource type a fact mapping reads through a value
 * set, the codings of each resource's identifying concept (Observation/Condition/Procedure/DiagnosticReport.code,
 * medication[x] with its referenced Medication, AdverseEvent.event, ImagingStudy.procedureCode) when none of the
 * value sets read from that type matches the concept by code, prefix or name. What a site needs to map next.
 */
import type { Compiled } from './compiled';
import { primaryConcept, relativeRef } from './medication';
import type { AnyResource, RefLookup } from './record-index';
import type { Mappings } from './types';
import { matchConcept, NEEDS_CODE_TAG, UNCLASSIFIED_TAG, type CompiledValueSet } from './value-sets';

/** One coding no value set recognises, with how often it occurs (per resource carrying it). */
export interface UnrecognisedCode {
  readonly system: string;
  readonly code: string;
  /** The coding's display, else the concept's text (the first one seen). */
  readonly display?: string;
  readonly resourceType: string;
  readonly count: number;
}

/**
 * Concepts that match without identifying anything: a name not trusted without a code ('needs-code') and a drug
 * class with no agent ('unclassified'); a resource matched only by them still needs its code mapped.
 */
const NOT_IDENTIFYING_TAGS: readonly string[] = [NEEDS_CODE_TAG, UNCLASSIFIED_TAG];

/** Resource type → the value sets the mappings match its identifying concept against. */
function valueSetsByType(compiled: Compiled): Map<string, Set<CompiledValueSet>> {
  const out = new Map<string, Set<CompiledValueSet>>();
  for (const fact of compiled.mapped) {
    for (const source of fact.sources) {
      if (source.valueSet === undefined) continue;
      let set = out.get(source.resourceType);
      if (set === undefined) out.set(source.resourceType, (set = new Set()));
      set.add(source.valueSet);
    }
  }
  return out;
}

function lookupOf(resources: readonly AnyResource[]): RefLookup {
  const byRef = new Map<string, AnyResource>();
  for (const r of resources) if (typeof r['id'] === 'string') byRef.set(`${r.resourceType}/${r['id']}`, r);
  return { get: (reference) => byRef.get(relativeRef(reference)) };
}

function isResource(item: unknown): item is AnyResource {
  return item !== null && typeof item === 'object' && typeof (item as { resourceType?: unknown }).resourceType === 'string';
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The codings (system and code present) of a concept or list of concepts, with the concept's text. */
function codingsOf(node: unknown): { system: string; code: string; display?: string }[] {
  if (Array.isArray(node)) return node.flatMap(codingsOf);
  if (node === null || typeof node !== 'object') return [];
  const concept = node as { coding?: unknown; text?: unknown };
  const text = stringOf(concept.text);
  if (!Array.isArray(concept.coding)) return [];
  const out: { system: string; code: string; display?: string }[] = [];
  for (const c of concept.coding as unknown[]) {
    if (c === null || typeof c !== 'object') continue;
    const { system, code, display } = c as { system?: unknown; code?: unknown; display?: unknown };
    const s = stringOf(system);
    const k = stringOf(code);
    if (s === undefined || k === undefined) continue;
    const d = stringOf(display) ?? text;
    out.push({ system: s, code: k, ...(d === undefined ? {} : { display: d }) });
  }
  return out;
}

/**
 * Lists the codings of the given resources (one patient's record, or many patients' together) that none of the
 * compiled mappings' value sets recognise, counted per resource; sorted by count (highest first), then resource
 * type, system and code. Resources of types no mapping reads through a value set are not looked at.
 */
export function listUnrecognisedCodes(mappings: Mappings, resources: readonly unknown[]): UnrecognisedCode[] {
  const compiled = mappings.compiled as Compiled;
  const byType = valueSetsByType(compiled);
  const records = resources.filter(isResource);
  const byRef = lookupOf(records);
  const found = new Map<string, { system: string; code: string; display?: string; resourceType: string; count: number }>();
  for (const resource of records) {
    const valueSets = byType.get(resource.resourceType);
    if (valueSets === undefined) continue;
    const concept = primaryConcept(resource, byRef);
    if (concept === undefined) continue;
    let recognised = false;
    for (const vs of valueSets) {
      const hit = matchConcept(vs, concept);
      if (hit !== undefined && !hit.tags.some((t) => NOT_IDENTIFYING_TAGS.includes(t))) {
        recognised = true;
        break;
      }
    }
    if (recognised) continue;
    const seen = new Set<string>();
    for (const coding of codingsOf(concept)) {
      const key = `${resource.resourceType}\u0000${coding.system}\u0000${coding.code}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = found.get(key);
      if (entry === undefined) found.set(key, { ...coding, resourceType: resource.resourceType, count: 1 });
      else {
        entry.count += 1;
        if (entry.display === undefined && coding.display !== undefined) entry.display = coding.display;
      }
    }
  }
  return [...found.values()]
    .sort((a, b) => b.count - a.count || a.resourceType.localeCompare(b.resourceType) || a.system.localeCompare(b.system) || a.code.localeCompare(b.code))
    .map((e) => ({ system: e.system, code: e.code, ...(e.display === undefined ? {} : { display: e.display }), resourceType: e.resourceType, count: e.count }));
}
