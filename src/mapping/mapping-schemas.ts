/**
 * Validators of fhir-mappings/schemas/*.schema.json, compiled on first use. A lean first-error Ajv (no allErrors, no
 * code optimisation) validates every document; a document that fails is validated again by an allErrors Ajv,
 * compiled on that first failure, so that every problem of a bad file is still listed. Ajv itself is required
 * lazily: a boot from a fresh snapshot (./mappings-snapshot) validates nothing again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type AjvClass from 'ajv';
import type { Options, ValidateFunction } from 'ajv';

/** The schema files of fhir-mappings/schemas (without `.schema.json`). */
export const SCHEMA_NAMES = ['fact-mapping', 'value-set', 'code-systems', 'config', 'derived-facts', 'child-pugh', 'albi', 'ctcae-v5', 'cnlc', 'unit-aliases', 'site-profile', 'value-set-addition'] as const;

/** One schema name of SCHEMA_NAMES. */
export type SchemaName = (typeof SCHEMA_NAMES)[number];

const COMMON: Options = { strict: true, allowUnionTypes: true, strictRequired: false };

function newAjv(options: Options): AjvClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as { default: typeof AjvClass }).default;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addFormats = (require('ajv-formats') as { default: (ajv: AjvClass) => AjvClass }).default;
  const ajv = new Ajv(options);
  addFormats(ajv);
  return ajv;
}

/** Lazily compiled lean and allErrors validators of one mappings directory's schemas. */
export class MappingSchemas {
  private lean: AjvClass | undefined;
  private full: AjvClass | undefined;
  private readonly schemas = new Map<SchemaName, object | null>();
  private readonly leanFns = new Map<SchemaName, ValidateFunction | null>();
  private readonly fullFns = new Map<SchemaName, ValidateFunction | null>();

  /** `report(where, message)` receives every problem (schema compile errors included). */
  constructor(
    private readonly root: string,
    private readonly report: (where: string, message: string) => void,
  ) {}

  /**
   * True when data is valid against the named schema; otherwise every error is reported against `where`, or against
   * `locate(instancePath)` when given (a site profile's file and line).
   */
  validate(name: SchemaName, data: unknown, where: string, locate?: (instancePath: string) => string): boolean {
    const lean = this.compiled(name, false);
    if (lean === undefined) return false;
    if (lean(data)) return true;
    const full = this.compiled(name, true);
    const errors = (full !== undefined && !full(data) ? full.errors : lean.errors) ?? [];
    for (const error of errors) this.report(locate?.(error.instancePath) ?? where, `${error.instancePath || '/'} ${error.message ?? 'invalid'}`);
    if (errors.length === 0) this.report(where, '/ invalid');
    return false;
  }

  private compiled(name: SchemaName, allErrors: boolean): ValidateFunction | undefined {
    const fns = allErrors ? this.fullFns : this.leanFns;
    const cached = fns.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const schema = this.schema(name);
    let fn: ValidateFunction | null = null;
    if (schema !== null) {
      try {
        const ajv = allErrors ? (this.full ??= newAjv({ ...COMMON, allErrors: true })) : (this.lean ??= newAjv({ ...COMMON, allErrors: false, code: { optimize: false } }));
        fn = ajv.compile(schema);
      } catch (error) {
        if (!allErrors) this.report(this.file(name), `schema cannot be compiled (${error instanceof Error ? error.message : 'error'})`);
      }
    }
    fns.set(name, fn);
    return fn ?? undefined;
  }

  private schema(name: SchemaName): object | null {
    let schema = this.schemas.get(name);
    if (schema === undefined) {
      try {
        schema = JSON.parse(readFileSync(this.file(name), 'utf8')) as object;
      } catch (error) {
        this.report(this.file(name), `schema cannot be read (${error instanceof Error ? error.message : 'error'})`);
        schema = null;
      }
      this.schemas.set(name, schema);
    }
    return schema;
  }

  private file(name: SchemaName): string {
    return join(this.root, 'schemas', `${name}.schema.json`);
  }
}
