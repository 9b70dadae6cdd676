/**
 * FHIRPath expressions of the mappings, compiled once at load. Simple navigation paths (`a.b`, `x.ofType(T)`,
 * unions with `|`) are compiled to direct property access, which gives the same collection as fhirpath.js
 * (FHIRPath N1 §5 navigation, §6.3 ofType on choice elements, §6.5 union) at a fraction of the cost; every
 * other expression is evaluated by fhirpath.js on a private clone of the input (fhirpath.js may annotate it).
 */
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';

/** A compiled expression: input node → result collection. */
export interface CompiledPath {
  readonly expression: string;
  /** True when evaluated by the fast navigation compiler (no clone needed). */
  readonly fast: boolean;
  evaluate(node: unknown, base?: string): unknown[];
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

function navigate(nodes: unknown[], step: Step): unknown[] {
  const key =
    step.choiceType === undefined ? step.property : step.property + step.choiceType.charAt(0).toUpperCase() + step.choiceType.slice(1);
  const out: unknown[] = [];
  for (const node of nodes) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) continue;
    const value = (node as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== undefined && item !== null) out.push(item);
    } else out.push(value);
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** Compiles a FHIRPath expression once; throws on a syntax error (the loader turns that into a BootError). */
export function compilePath(expression: string, base?: string): CompiledPath {
  const fast = parseFast(expression);
  if (fast !== undefined) {
    return {
      expression,
      fast: true,
      evaluate(node: unknown): unknown[] {
        const result: unknown[] = [];
        for (const steps of fast) {
          let nodes: unknown[] = [node];
          for (const step of steps) nodes = navigate(nodes, step);
          if (fast.length === 1) return nodes;
          for (const value of nodes) if (!result.some((seen) => sameValue(seen, value))) result.push(value);
        }
        return result;
      },
    };
  }
  const compiled = fhirpath.compile(base === undefined ? expression : { base, expression }, r4Model as never);
  return {
    expression,
    fast: false,
    evaluate(node: unknown): unknown[] {
      const result = compiled(node as never, {});
      return Array.isArray(result) ? result : [result];
    },
  };
}
