/**
 * Suggestion resources compiled once at load time: literal subtrees are pruned and frozen (shared by every
 * call), only strings holding `{{slot}}`s are rendered per call, and whatever renders empty is left out, so a
 * rendered resource never carries an empty value (CDS Hooks § Use of JSON).
 * @see https://cds-hooks.hl7.org/2.0/#use-of-json
 */
import { pruneEmpty } from './prune-empty';
import { parseTemplate, renderTemplate } from './template';

/** Renders a resource (sub)tree from slot values; undefined when nothing is left of it. */
export type ResourceRenderer = (vars: Readonly<Record<string, string>>) => unknown;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value as object)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function hasSlot(value: unknown): boolean {
  if (typeof value === 'string') return parseTemplate(value).slots.length > 0;
  if (Array.isArray(value)) return value.some(hasSlot);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasSlot);
  return false;
}

/** Compiles a resource template (a JSON tree whose strings may hold slots). */
export function compileResourceTemplate(value: unknown): ResourceRenderer {
  if (!hasSlot(value)) {
    const constant = deepFreeze(pruneEmpty(value));
    return () => constant;
  }
  if (typeof value === 'string') {
    const template = parseTemplate(value);
    return (vars) => {
      const text = renderTemplate(template, (slot) => vars[slot] ?? '');
      return text.trim() === '' ? undefined : text;
    };
  }
  if (Array.isArray(value)) {
    const items = value.map(compileResourceTemplate);
    return (vars) => {
      const out: unknown[] = [];
      for (const item of items) {
        const rendered = item(vars);
        if (rendered !== undefined) out.push(rendered);
      }
      return out.length > 0 ? out : undefined;
    };
  }
  const members = Object.entries(value as object).map(([key, member]) => [key, compileResourceTemplate(member)] as const);
  return (vars) => {
    const out: Record<string, unknown> = {};
    let count = 0;
    for (const [key, member] of members) {
      const rendered = member(vars);
      if (rendered === undefined) continue;
      out[key] = rendered;
      count += 1;
    }
    return count > 0 ? out : undefined;
  };
}
