/**
 * The knowledge-base JSON Schemas (cds-services/schemas/), each compiled once per process. Boot validates with a
 * lean first-error Ajv (no allErrors, no code optimisation, no meta-schema pass: every document is validated
 * once); only a document that fails is validated again by an allErrors Ajv, compiled on that first failure, so a
 * BootError still lists every problem.
 */
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
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

/** Which validator a document goes through. */
export type KbDocumentKind = keyof KbValidators;

const COMMON: Options = { strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true };
const LEAN: Options = { ...COMMON, allErrors: false, validateSchema: false, code: { optimize: false } };
const THOROUGH: Options = { ...COMMON, allErrors: true };

let lean: KbValidators | undefined;
let thorough: KbValidators | undefined;

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(join(repositoryRoot(), 'cds-services', 'schemas', name), 'utf8')) as object;
}

function compileValidators(options: Options): KbValidators {
  const ajv = new Ajv(options);
  addFormats(ajv);
  ajv.addSchema(loadSchema('knowledge-base.schema.json'));
  ajv.addSchema(loadSchema('recommendation.schema.json'));
  const get = (ref: string): ValidateFunction => {
    const fn = ajv.getSchema(ref);
    if (fn === undefined) throw new Error(`schema ${ref} missing`);
    return fn;
  };
  return {
    manifest: get('urn:hcc-cds:knowledge-base'),
    recommendation: get('urn:hcc-cds:recommendation'),
    suggestions: get('urn:hcc-cds:knowledge-base#/$defs/suggestionLibrary'),
    factLabels: get('urn:hcc-cds:knowledge-base#/$defs/factLabels'),
  };
}

/** The boot validators (first error only; compiled on first use, then reused). */
export function kbValidators(): KbValidators {
  lean ??= compileValidators(LEAN);
  return lean;
}

/** The allErrors validators, schemas checked against their meta-schema (compiled on first use, then reused). */
export function thoroughKbValidators(): KbValidators {
  thorough ??= compileValidators(THOROUGH);
  return thorough;
}

/** Validates one document; every schema problem as "file: /path message" lines (empty when valid). */
export function validateKbDocument(kind: KbDocumentKind, file: string, doc: unknown): string[] {
  if (kbValidators()[kind](doc)) return [];
  const validate = thoroughKbValidators()[kind];
  return validate(doc) ? [`${file}: / is invalid`] : schemaProblems(file, validate.errors);
}

/** Formats ajv errors as "file: /path message" lines. */
export function schemaProblems(file: string, errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as { additionalProperty?: string }).additionalProperty)}'` : '';
    return `${file}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  });
}
