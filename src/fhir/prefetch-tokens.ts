/**
 * Prefetch template tokens (CDS Hooks 2.0 §"Prefetch Template"; cds-hooks.md §2.2 D-6…D-9, §5): resolution
 * of `{{context.<field>}}`, the four user-id tokens, and the sandbox's `{{today()}}` / `{{today() ± N days}}`;
 * plus a linter for service definitions.
 */
import type { HookContext, HookName } from '../cds-hooks/types';

/** Result of resolving one template. */
export type ResolvedTemplate =
  | { readonly ok: true; readonly query: string }
  | { readonly ok: false; readonly unresolved: readonly string[] };

const TOKEN = /\{\{\s*([^{}]*?)\s*\}\}/g;
const TODAY = /^today\(\)(?:\s*([+-])\s*(\d{1,5})\s*days?)?$/;
/** Context values substituted into a URL must look like a FHIR id or `Type/id` (no query injection). */
const SAFE_VALUE = /^(?:[A-Z][A-Za-z]{1,63}\/)?[A-Za-z0-9\-.]{1,64}$/;
const USER_TOKENS: Readonly<Record<string, string>> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};
/** Context fields marked "Prefetch Token = Yes" per hook (CDS Hooks Library 1.0.1; D-7). */
const PREFETCH_CONTEXT_FIELDS: Readonly<Record<HookName, readonly string[]>> = {
  'patient-view': ['userId', 'patientId', 'encounterId'],
  'order-select': ['userId', 'patientId', 'encounterId'],
  'order-sign': ['userId', 'patientId', 'encounterId'],
};

/** Substitutes every token of the template; reports the tokens that cannot be resolved instead of guessing. */
export function resolvePrefetchTemplate(template: string, context: HookContext, now: Date): ResolvedTemplate {
  const unresolved: string[] = [];
  const query = template.replace(TOKEN, (whole, expr: string) => {
    const value = resolveToken(expr, context, now);
    if (value === undefined) {
      unresolved.push(whole);
      return whole;
    }
    return value;
  });
  if (unresolved.length === 0 && (query.includes('{{') || query.includes('}}'))) unresolved.push('unbalanced braces');
  return unresolved.length > 0 ? { ok: false, unresolved } : { ok: true, query };
}

function resolveToken(expr: string, context: HookContext, now: Date): string | undefined {
  if (expr.startsWith('context.')) {
    const field = expr.slice('context.'.length);
    if (!Object.prototype.hasOwnProperty.call(context, field)) return undefined;
    const value = context[field];
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return typeof value === 'string' && SAFE_VALUE.test(value) ? value : undefined;
  }
  const userType = USER_TOKENS[expr];
  if (userType !== undefined) {
    const [type, id, extra] = context.userId.split('/');
    return type === userType && id !== undefined && extra === undefined && SAFE_VALUE.test(id) ? id : undefined;
  }
  const today = TODAY.exec(expr);
  if (today !== null) {
    const [, sign, days] = today;
    const offset = days === undefined ? 0 : (sign === '-' ? -1 : 1) * Number(days);
    return new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
  }
  return undefined;
}

/** Options of {@link lintPrefetchTemplate}. */
export interface LintOptions {
  /** Allow the 3.0-ballot `{{today()}}` arithmetic the sandbox resolves (not a 2.0 token; default false). */
  readonly allowToday?: boolean;
}

const ALLOWED_SPECIAL_PARAMS = new Set(['_count', '_sort', '_id', '_lastUpdated']);
const DATE_PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)(?=\d|\{\{)/;

/** Problems of a prefetch template for a hook (D-6 tokens, D-7 per-hook fields, D-8 query features, D-9); empty when fine. */
export function lintPrefetchTemplate(hook: HookName, template: string, options: LintOptions = {}): string[] {
  const problems: string[] = [];
  const fields = PREFETCH_CONTEXT_FIELDS[hook];
  for (const m of template.matchAll(TOKEN)) {
    const expr = m[1] ?? '';
    if (expr.startsWith('context.')) {
      const field = expr.slice('context.'.length);
      if (!fields.includes(field)) problems.push(`D-7: {{${expr}}} is not a prefetch token of ${hook}`);
    } else if (USER_TOKENS[expr] === undefined) {
      if (TODAY.test(expr)) {
        if (options.allowToday !== true) problems.push(`D-6: {{${expr}}} is a 3.0-ballot token, not CDS Hooks 2.0`);
      } else problems.push(`D-6: {{${expr}}} is not a CDS Hooks prefetch token`);
    }
  }
  const stripped = template.replace(TOKEN, 'X');
  if (stripped.includes('{') || stripped.includes('}')) problems.push('D-6: unbalanced token braces');
  const [path = '', query] = splitOnce(template, '?');
  if (/^\{\{\s*context\.userId\s*\}\}$/.test(path)) {
    if (query !== undefined) problems.push('D-8: a read of {{context.userId}} takes no parameters');
    return problems;
  }
  if (/\{\{\s*context\.userId\s*\}\}/.test(path)) problems.push('D-9: {{context.userId}} is already Type/id; use it alone');
  const pathParts = path.split('/');
  const type = pathParts[0] ?? '';
  if (!/^[A-Z][A-Za-z]+$/.test(type)) problems.push(`D-8: "${type}" is not a FHIR resource type`);
  if (pathParts.length > 2 || (pathParts.length === 2 && query !== undefined)) {
    problems.push('D-8: only instance reads (Type/id) and type-level searches (Type?…) are allowed');
  }
  if (query === undefined) return problems;
  for (const pair of query.split('&')) {
    const [rawName = '', value = ''] = splitOnce(pair, '=');
    const [name = '', modifier] = splitOnce(rawName, ':');
    if (name === '') problems.push('D-8: empty search parameter');
    else if (name.includes('.')) problems.push(`D-8: chained parameter ${rawName} is not allowed`);
    else if (name.startsWith('_') && !ALLOWED_SPECIAL_PARAMS.has(name)) problems.push(`D-8: ${name} is not allowed`);
    else if (name === 'sort') problems.push('D-8: legacy sort parameter; use _sort=-date');
    if (modifier !== undefined && modifier !== 'in') problems.push(`D-8: modifier :${modifier} is not allowed`);
    const prefix = DATE_PREFIX.exec(value)?.[1];
    if (prefix !== undefined && !['eq', 'lt', 'gt', 'ge', 'le'].includes(prefix)) {
      problems.push(`D-8: date prefix ${prefix} is not allowed`);
    }
  }
  return problems;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const i = text.indexOf(separator);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}
