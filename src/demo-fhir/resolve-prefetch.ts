/**
 * Fills a CDS service's prefetch templates from an in-memory set of resources, as a CDS client does
 * (CDS Hooks 2.0.1 § Prefetch Template): context tokens substituted, reads answered with the resource or
 * null, searches with a searchset Bundle; a template with a token that cannot be resolved is left out, as
 * the CDS Hooks sandbox does (cds-hooks.md §5), so the service must fetch or report it itself.
 */
import type { FhirResource } from 'fhir/r4';
import { searchResources, searchsetBundle } from './search';

const TOKEN = /\{\{\s*([^}]+?)\s*\}\}/g;
const TODAY = /^today\(\)\s*(?:([+-])\s*(\d+)\s*(days?|months?|years?))?$/;

/** The user-id tokens of CDS Hooks 2.0.1 § Prefetch tokens, by the resource type of context.userId. */
const USER_TOKENS: Readonly<Record<string, string>> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function resolveToken(token: string, context: Readonly<Record<string, unknown>>, now: Date): string | undefined {
  if (token.startsWith('context.')) {
    const value = context[token.slice('context.'.length)];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  }
  const userType = USER_TOKENS[token];
  if (userType !== undefined) {
    const userId = context['userId'];
    if (typeof userId !== 'string') return undefined;
    const [type, id] = userId.split('/');
    return type === userType && id !== undefined ? id : undefined;
  }
  const today = TODAY.exec(token);
  if (today !== null) {
    const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    if (today[1] !== undefined) {
      const n = Number(today[2]) * (today[1] === '-' ? -1 : 1);
      const unit = today[3] ?? 'days';
      if (unit.startsWith('day')) date.setUTCDate(date.getUTCDate() + n);
      else if (unit.startsWith('month')) date.setUTCMonth(date.getUTCMonth() + n);
      else date.setUTCFullYear(date.getUTCFullYear() + n);
    }
    return isoDay(date);
  }
  return undefined;
}

/** Substitutes every token of a template; undefined when one of them cannot be resolved. */
export function fillTemplate(template: string, context: Readonly<Record<string, unknown>>, now: Date): string | undefined {
  let failed = false;
  const filled = template.replace(TOKEN, (_m, token: string) => {
    const value = resolveToken(token, context, now);
    if (value === undefined) {
      failed = true;
      return '';
    }
    return encodeURIComponent(value).replace(/%2F/gi, '/').replace(/%7C/gi, '|').replace(/%2C/gi, ',');
  });
  return failed ? undefined : filled;
}

/** Answers one filled template (a read `Type/id` or a search `Type?params`) against the resources. */
export function answerQuery(query: string, resources: readonly FhirResource[]): FhirResource | null {
  const q = query.indexOf('?');
  const path = (q >= 0 ? query.slice(0, q) : query).replace(/^\/+/, '');
  const segments = path.split('/');
  if (q < 0 && segments.length === 2) {
    const [type, id] = segments;
    return resources.find((r) => r.resourceType === type && r.id === id) ?? null;
  }
  const type = segments[0] ?? '';
  const params = new URLSearchParams(q >= 0 ? query.slice(q + 1) : '');
  return searchsetBundle(searchResources(resources, type, params));
}

/** Builds a prefetch object for the given templates; keys whose tokens cannot be resolved are omitted. */
export function resolvePrefetch(
  templates: Readonly<Record<string, string>>,
  context: Readonly<Record<string, unknown>>,
  resources: readonly FhirResource[],
  now: Date,
): Record<string, FhirResource | null> {
  const prefetch: Record<string, FhirResource | null> = {};
  for (const [key, template] of Object.entries(templates)) {
    const query = fillTemplate(template, context, now);
    if (query === undefined) continue;
    prefetch[key] = answerQuery(query, resources);
  }
  return prefetch;
}
