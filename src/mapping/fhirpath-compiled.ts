/**
 * FHIRPath expressions of the mappings, compiled once at load. Simple navigation paths (`a.b`, `x.ofType(T)`,
 * unions with `|`) are compiled to direct property access, which gives the same collection as fhirpath.js
 * (FHIRPath N1 §5 navigation, §6.3 ofType on choice elements, §6.5 union) at a fraction of the cost; every
 * other expression is evaluated by fhirpath.js on a private clone of the input (fhirpath.js may annotate it).
 */
import type fhirpathModule from 'fhirpath';

let engine: { readonly fhirpath: typeof fhirpathModule; readonly model: unknown } | undefined;

/** fhirpath.js and its R4 model (~170 ms to require), loaded on the first expression the fast compiler cannot take. */
function fhirpathEngine(): { readonly fhirpath: typeof fhirpathModule; readonly model: unknown } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  engine ??= { fhirpath: require('fhirpath') as typeof fhirpathModule, model: require('fhirpath/fhir-context/r4') as unknown };
  return engine;
}

/** A compiled expression: input node → result collection. */
export interface CompiledPath {
  readonly expression: string;
  /** True when evaluated by the fast navigation compiler (no clone needed). */
  readonly fast: boolean;
  evaluate(node: unknown, base?: string): unknown[];
  /** The first string of the result collection (same as scanning evaluate()'s result), without building it when fast. */
  firstString(node: unknown): string | undefined;
}

const SEGMENT = /^([a-z][A-Za-z0-9]*)(?:\.ofType\(([A-Za-z][A-Za-z0-9]*)\))?$/;

type Step = { readonly property: string; readonly choiceType?: string };

function parseFast(expression: string): Step[][] | undefined {
  const alternatives = expression.split('|').map((part) => part.trim());
  const parsed: Step[][] = [];
  for (const alternative of alternatives) {
    if (alternative === '') return undefined;
    // Split on dots that are not inside ofType(...).
    const tokens = alternative.replace(/\.ofType\(/g, '\u0000ofType(').split('.');
    const steps: Step[] = [];
    for (const raw of tokens) {
      const match = SEGMENT.exec(raw.replace('\u0000', '.'));
      if (match === null) return undefined;
      const [, property, choiceType] = match;
      if (property === undefined) return undefined;
      steps.push(choiceType === undefined ? { property } : { property, choiceType });
    }
    parsed.push(steps);
  }
  return parsed;
}

/** Depth-first navigation of one chain of property keys, pushing every leaf into `out` (FHIRPath flattening). */
function walk(node: unknown, keys: readonly string[], depth: number, out: unknown[]): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const value = (node as Record<string, unknown>)[keys[depth] as string];
  if (value === undefined || value === null) return;
  const last = depth === keys.length - 1;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined || item === null) continue;
      if (last) out.push(item);
      else walk(item, keys, depth + 1, out);
    }
  } else if (last) out.push(value);
  else walk(value, keys, depth + 1, out);
}

/** The first string leaf of one chain in document order, or undefined (walk() order, stopping early). */
function firstStringLeaf(node: unknown, keys: readonly string[], depth: number): string | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = (node as Record<string, unknown>)[keys[depth] as string];
  if (value === undefined || value === null) return undefined;
  const last = depth === keys.length - 1;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === undefined || item === null) continue;
      const found = last ? (typeof item === 'string' ? item : undefined) : firstStringLeaf(item, keys, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (last) return typeof value === 'string' ? value : undefined;
  return firstStringLeaf(value, keys, depth + 1);
}

function firstOf(values: readonly unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string') return v;
  return undefined;
}

function keyOf(step: Step): string {
  return step.choiceType === undefined ? step.property : step.property + step.choiceType.charAt(0).toUpperCase() + step.choiceType.slice(1);
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** Compiles a FHIRPath expression once; throws on a syntax error (the loader turns that into a BootError). */
export function compilePath(expression: string, base?: string): CompiledPath {
  const fast = parseFast(expression)?.map((steps) => steps.map(keyOf));
  if (fast !== undefined) {
    return {
      expression,
      fast: true,
      evaluate(node: unknown): unknown[] {
        if (fast.length === 1) {
          const out: unknown[] = [];
          walk(node, fast[0] as string[], 0, out);
          return out;
        }
        const result: unknown[] = [];
        const scratch: unknown[] = [];
        for (const keys of fast) {
          scratch.length = 0;
          walk(node, keys, 0, scratch);
          for (const value of scratch) if (!result.some((seen) => sameValue(seen, value))) result.push(value);
        }
        return result;
      },
      // A union keeps the order of first occurrence, so its first string is the first string of the first
      // alternative that has one.
      firstString(node: unknown): string | undefined {
        for (const keys of fast) {
          const found = firstStringLeaf(node, keys, 0);
          if (found !== undefined) return found;
        }
        return undefined;
      },
    };
  }
  const { fhirpath, model } = fhirpathEngine();
  const compiled = fhirpath.compile(base === undefined ? expression : { base, expression }, model as never);
  return {
    expression,
    fast: false,
    evaluate(node: unknown): unknown[] {
      const result = compiled(node as never, {});
      return Array.isArray(result) ? result : [result];
    },
    firstString(node: unknown): string | undefined {
      return firstOf(this.evaluate(node));
    },
  };
}
