/**
 * Answers a service's prefetch templates from an in-memory record, the way an EHR would (CDS Hooks 2.0
 * §"Prefetch Template"): tokens are substituted, an instance read yields the resource (or null), a
 * type-level search yields a searchset Bundle filtered on the token parameters this helper understands
 * (code, category, status, clinical-status); other parameters (dates, _count, _sort) are not applied, so
 * the Bundle is a superset of what a FHIR server would answer.
 */
import type { Bundle, FhirResource } from 'fhir/r4';

/** The values of the prefetch tokens. */
export interface PrefetchTokens {
  readonly patientId: string;
  readonly userId: string;
  readonly encounterId?: string;
}

/** Substitutes {{context.*}} and {{userPractitionerId}}-style tokens (CDS Hooks 2.0 §"Prefetch tokens"). */
export function substituteTokens(template: string, tokens: PrefetchTokens): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) => {
    switch (name) {
      case 'context.patientId':
        return tokens.patientId;
      case 'context.userId':
        return tokens.userId;
      case 'context.encounterId':
        return tokens.encounterId ?? '';
      case 'userPractitionerId':
        return tokens.userId.replace(/^Practitioner\//, '');
      default:
        return '';
    }
  });
}

type TokenGetter = (r: Record<string, unknown>) => unknown;

const TOKEN_PARAMS: Readonly<Record<string, TokenGetter>> = {
  code: (r) => r['code'] ?? r['medicationCodeableConcept'] ?? r['event'],
  category: (r) => r['category'],
  status: (r) => r['status'],
  'clinical-status': (r) => r['clinicalStatus'],
};

function tokenMatches(value: unknown, wanted: readonly string[]): boolean {
  const codings: { system?: string; code?: string }[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') codings.push({ code: v });
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (Array.isArray(o['coding'])) collect(o['coding']);
      else if (typeof o['code'] === 'string') {
        codings.push({ code: o['code'], ...(typeof o['system'] === 'string' ? { system: o['system'] } : {}) });
      }
    }
  };
  collect(value);
  return wanted.some((w) => {
    const bar = w.indexOf('|');
    const system = bar >= 0 ? w.slice(0, bar) : undefined;
    const code = bar >= 0 ? w.slice(bar + 1) : w;
    return codings.some((c) => (code === '' || c.code === code) && (system === undefined || system === '' || c.system === system));
  });
}

/** Runs one substituted query against the record; null when an instance read finds nothing. */
export function runQuery(query: string, resources: readonly FhirResource[]): FhirResource | null {
  const q = query.indexOf('?');
  const path = q >= 0 ? query.slice(0, q) : query;
  const parts = path.split('/').filter((p) => p !== '');
  if (q < 0 && parts.length === 2) {
    return resources.find((r) => r.resourceType === parts[0] && r.id === parts[1]) ?? null;
  }
  const type = parts[0] ?? '';
  const params = new URLSearchParams(q >= 0 ? query.slice(q + 1) : '');
  let matches = resources.filter((r) => r.resourceType === type);
  for (const [rawName, rawValue] of params) {
    const name = rawName.split(':')[0] ?? rawName;
    const getter = TOKEN_PARAMS[name];
    if (getter === undefined || rawName.includes(':')) continue;
    const wanted = rawValue.split(',');
    matches = matches.filter((r) => tokenMatches(getter(r as unknown as Record<string, unknown>), wanted));
  }
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    entry: matches.map((resource) => ({ fullUrl: `urn:uuid:${resource.id ?? ''}`, resource, search: { mode: 'match' } })),
  };
  return bundle;
}

/** Fills every template of a discovery entry from the record. */
export function fillPrefetch(
  templates: Readonly<Record<string, string>>,
  resources: readonly FhirResource[],
  tokens: PrefetchTokens,
): Record<string, FhirResource | null> {
  const out: Record<string, FhirResource | null> = {};
  for (const [key, template] of Object.entries(templates)) out[key] = runQuery(substituteTokens(template, tokens), resources);
  return out;
}

/** Counts the resources a filled prefetch carries (Bundle entries and single resources). */
export function countPrefetched(prefetch: Readonly<Record<string, FhirResource | null>>): number {
  let n = 0;
  for (const v of Object.values(prefetch)) {
    if (v === null) continue;
    n += v.resourceType === 'Bundle' ? v.entry?.length ?? 0 : 1;
  }
  return n;
}
