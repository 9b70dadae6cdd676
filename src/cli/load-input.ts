/**
 * Reads the input of the `facts` and `evaluate` commands: a FHIR Bundle (any type; nested Bundles flattened) or
 * a CDS Hooks request with prefetch (every prefetch value flattened; null values skipped).
 */
import { readFileSync } from 'node:fs';
import type { FhirResource } from 'fhir/r4';
import type { HookContext } from '../cds-hooks/types';

/** What a CLI command works on. */
export interface LoadedInput {
  readonly patientId: string;
  readonly resources: readonly FhirResource[];
  /** Present when the input was a CDS Hooks request. */
  readonly hook?: string;
  readonly context?: HookContext;
}

/** An input file that cannot be used (unreadable, not JSON, neither Bundle nor CDS Hooks request). */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function flatten(node: unknown, out: FhirResource[]): void {
  if (!isObject(node) || typeof node['resourceType'] !== 'string') return;
  if (node['resourceType'] === 'Bundle') {
    const entries = Array.isArray(node['entry']) ? node['entry'] : [];
    for (const e of entries) if (isObject(e)) flatten(e['resource'], out);
    return;
  }
  out.push(node as unknown as FhirResource);
}

function patientIdOf(resources: readonly FhirResource[]): string | undefined {
  const patient = resources.find((r) => r.resourceType === 'Patient');
  if (patient?.id !== undefined) return patient.id;
  for (const r of resources) {
    const ref = (r as unknown as { subject?: { reference?: unknown }; patient?: { reference?: unknown } }).subject?.reference ?? (r as unknown as { patient?: { reference?: unknown } }).patient?.reference;
    if (typeof ref === 'string') {
      const m = /(?:^|\/)Patient\/([^/]+)$/.exec(ref);
      if (m?.[1] !== undefined) return m[1];
    }
  }
  return undefined;
}

/** Parses already-read JSON text; throws InputError with a clear message. */
export function parseInput(text: string, name = 'input'): LoadedInput {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    throw new InputError(`${name} is not valid JSON`);
  }
  if (!isObject(json)) throw new InputError(`${name} is not a JSON object`);
  if (typeof json['hook'] === 'string' && isObject(json['context'])) {
    const context = json['context'] as unknown as HookContext;
    if (typeof context.patientId !== 'string' || context.patientId === '') throw new InputError(`${name}: CDS Hooks request without context.patientId`);
    const resources: FhirResource[] = [];
    const prefetch = isObject(json['prefetch']) ? json['prefetch'] : {};
    for (const key of Object.keys(prefetch).sort()) flatten(prefetch[key], resources);
    return { patientId: context.patientId, resources, hook: json['hook'], context };
  }
  if (json['resourceType'] === 'Bundle') {
    const resources: FhirResource[] = [];
    flatten(json, resources);
    const patientId = patientIdOf(resources);
    if (patientId === undefined) throw new InputError(`${name}: the Bundle names no patient (no Patient resource and no subject reference)`);
    return { patientId, resources };
  }
  throw new InputError(`${name} is neither a FHIR Bundle nor a CDS Hooks request (hook + context)`);
}

/** Reads and parses an input file; throws InputError with a clear message. */
export function loadInput(file: string): LoadedInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InputError(`cannot read ${file}${code === undefined ? '' : ` (${code})`}`);
  }
  return parseInput(text, file);
}
