/**
 * Knowledge-base parameters: defaults from kb.yaml, deployment overrides, type checks. Conditions refer to a
 * parameter by name; its value is substituted once when the engine is loaded.
 */
import type { ParameterSpec } from './types';

/** Resolved parameter values by name. */
export type ParameterValues = Readonly<Record<string, unknown>>;

/** A problem with a parameter value, or undefined when the value fits the parameter's type. */
export function parameterValueProblem(spec: ParameterSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'number':
    case 'quantity':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'codes':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'must be a list of codes';
  }
}

/** Merges overrides into the defaults; returns the values and every problem (unknown name, wrong type). */
export function resolveParameters(
  specs: Readonly<Record<string, ParameterSpec>>,
  overrides: Readonly<Record<string, unknown>> = {},
): { values: ParameterValues; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) values[name] = spec.default;
  for (const [name, value] of Object.entries(overrides)) {
    const spec = specs[name];
    if (spec === undefined) {
      problems.push(`parameter override '${name}': no such parameter in kb.yaml`);
      continue;
    }
    const problem = parameterValueProblem(spec, value);
    if (problem !== undefined) problems.push(`parameter override '${name}': ${problem}`);
    else values[name] = value;
  }
  return { values: Object.freeze(values), problems };
}
