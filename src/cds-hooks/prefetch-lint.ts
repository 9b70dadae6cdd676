/**
 * Lints discovery prefetch templates against CDS Hooks 2.0 § Prefetch Template (cds-hooks.md §2.2 D-6…D-9):
 * only `{{context.<prefetch-token field>}}` and the four user tokens; a read (`Type/{{…}}`) or a type-level search
 * with the recommended search features (no `_include`, no modifiers other than `:in`, R4 `_sort`).
 */

/** Context fields each hook marks "Prefetch Token = Yes" (CDS Hooks Library 1.0.1). */
const TOKEN_FIELDS: readonly string[] = ['userId', 'patientId', 'encounterId'];
const USER_TOKENS: readonly string[] = ['userPractitionerId', 'userPractitionerRoleId', 'userPatientId', 'userRelatedPersonId'];
const ALLOWED_CONTROL_PARAMS: readonly string[] = ['_count', '_sort'];
const DATE_PREFIX = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)\d/;

/** Returns the problems of one template (empty when it complies). */
export function lintPrefetchTemplate(template: string): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(/\{\{([^}]*)\}\}/g)) {
    const token = (match[1] ?? '').trim();
    const field = token.startsWith('context.') ? token.slice('context.'.length) : undefined;
    if (!(field !== undefined && TOKEN_FIELDS.includes(field)) && !USER_TOKENS.includes(token)) {
      problems.push(`token {{${token}}} is not a CDS Hooks 2.0 prefetch token`);
    }
  }
  if (/\{\{|\}\}/.test(template.replace(/\{\{[^}]*\}\}/g, ''))) problems.push('unbalanced token braces');
  const [path = '', query] = template.split('?', 2);
  if (!/^[A-Z][A-Za-z]+(\/[^/?]+)?$/.test(path) && !/^\{\{[^}]+\}\}$/.test(path)) {
    problems.push(`"${path}" is neither Type, Type/{{id}} nor a {{reference}} token`);
  }
  if (query === undefined) return problems;
  if (path.includes('/')) problems.push('a read cannot carry search parameters');
  for (const pair of query.split('&')) {
    const [rawName = '', value = ''] = pair.split('=', 2);
    const [name = '', modifier] = rawName.split(':', 2);
    if (name.startsWith('_') && !ALLOWED_CONTROL_PARAMS.includes(name)) problems.push(`search control ${name} is not among the recommended features`);
    if (modifier !== undefined && modifier !== 'in') problems.push(`modifier :${modifier} on ${name} is not among the recommended features (use R4 _sort=-date)`);
    if (value === '') problems.push(`parameter ${name} has no value`);
    const prefix = DATE_PREFIX.exec(value)?.[1];
    if (prefix !== undefined && !['eq', 'gt', 'lt', 'ge', 'le'].includes(prefix)) problems.push(`date prefix ${prefix} on ${name} is not among the recommended features`);
  }
  return problems;
}

/** Lints every template of a prefetch map; problems are prefixed with the key. */
export function lintPrefetch(prefetch: Readonly<Record<string, string>>): string[] {
  return Object.entries(prefetch).flatMap(([key, template]) => lintPrefetchTemplate(template).map((p) => `${key}: ${p}`));
}
