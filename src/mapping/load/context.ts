/** What the compile stages share: the problems list, a FHIRPath compile cache and value-set lookup by id. */
import { compilePath, type CompiledPath } from '../fhirpath-compiled';
import type { CompiledValueSet } from '../value-sets';
import type { Problems } from './problems';

/** Shared state of the compile stages of one load. */
export class CompileContext {
  private readonly paths = new Map<string, CompiledPath>();

  constructor(
    readonly problems: Problems,
    readonly valueSets: ReadonlyMap<string, CompiledValueSet>,
    /** Value-set id → every tag its concepts carry. */
    readonly valueSetTags: ReadonlyMap<string, ReadonlySet<string>>,
  ) {}

  /** Compiles a FHIRPath once per (base, expression); undefined (with a problem at `where`) when it does not compile. */
  path(expression: string, where: string, base?: string): CompiledPath | undefined {
    const key = `${base ?? ''}\u0000${expression}`;
    const known = this.paths.get(key);
    if (known !== undefined) return known;
    try {
      const path = compilePath(expression, base);
      this.paths.set(key, path);
      return path;
    } catch (error) {
      this.problems.add(where, `FHIRPath '${expression}' does not compile (${error instanceof Error ? error.message : 'error'})`);
      return undefined;
    }
  }

  /** The compiled value set of an id; undefined (with a problem at `where` when an id was given) when unknown. */
  valueSet(id: string | undefined, where: string): CompiledValueSet | undefined {
    if (id === undefined) return undefined;
    const vs = this.valueSets.get(id);
    if (vs === undefined) this.problems.add(where, `unknown value set '${id}'`);
    return vs;
  }
}
