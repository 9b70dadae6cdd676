/** The knowledge-base JSON Schemas (cds-services/schemas/), compiled once with ajv. */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './read-knowledge-files';

/** Compiled validators of kb.yaml, a recommendation, suggestions.yaml and fact-labels.yaml. */
export interface KbValidators {
  readonly manifest: ValidateFunction;
  readonly recommendation: ValidateFunction;
  readonly suggestions: ValidateFunction;
  readonly factLabels: ValidateFunction;
}

let cached: KbValidators | undefined;

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(join(repositoryRoot(), 'cds-services', 'schemas', name), 'utf8')) as object;
}

/** The validators (compiled on first use, then reused). */
export function kbValidators(): KbValidators {
  if (cached !== undefined) return cached;
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema(loadSchema('knowledge-base.schema.json'));
  ajv.addSchema(loadSchema('recommendation.schema.json'));
  const get = (ref: string): ValidateFunction => {
    const fn = ajv.getSchema(ref);
    if (fn === undefined) throw new Error(`schema ${ref} missing`);
    return fn;
  };
  cached = {
    manifest: get('urn:hcc-cds:knowledge-base'),
    recommendation: get('urn:hcc-cds:recommendation'),
    suggestions: get('urn:hcc-cds:knowledge-base#/$defs/suggestionLibrary'),
    factLabels: get('urn:hcc-cds:knowledge-base#/$defs/factLabels'),
  };
  return cached;
}

/** Formats ajv errors as "file: /path message" lines. */
export function schemaProblems(file: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : '';
    return `${file}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  });
}
