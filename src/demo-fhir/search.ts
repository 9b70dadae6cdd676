/**
 * FHIR R4 search over an in-memory set of resources: the subset of search the prefetch templates and the
 * CDS Hooks sandbox use (cds-hooks.md §2.2 D-8: reads, type-level search, reference, token and date
 * parameters with eq/lt/gt/ge/le, _count, _sort). Shared by the demo FHIR server and the playground's
 * prefetch resolution so both answer a template the same way.
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { Bundle, FhirResource } from 'fhir/r4';

/** The resource types the demo server and the playground search. */
export const SEARCHABLE_TYPES = [
  'Patient',
  'Observation',
  'Condition',
  'MedicationRequest',
  'MedicationStatement',
  'Procedure',
  'AdverseEvent',
] as const;

/** A search parameter this module does not support (FHIR R4 search § handling: lenient servers ignore it). */
export interface IgnoredParameter {
  readonly name: string;
}

/** The outcome of one search: matching resources (sorted, capped) and the parameters that were ignored. */
export interface SearchResult {
  readonly resources: readonly FhirResource[];
  readonly total: number;
  readonly ignored: readonly IgnoredParameter[];
}

type Json = Record<string, unknown>;

const SUBJECT_PATH: Readonly<Record<string, string>> = {
  Observation: 'subject',
  Condition: 'subject',
  MedicationRequest: 'subject',
  MedicationStatement: 'subject',
  Procedure: 'subject',
  AdverseEvent: 'subject',
};

const CODE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Observation: ['code'],
  Condition: ['code'],
  MedicationRequest: ['medicationCodeableConcept'],
  MedicationStatement: ['medicationCodeableConcept'],
  Procedure: ['code'],
  AdverseEvent: ['event'],
};

const DATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Observation: ['effectiveDateTime', 'effectivePeriod.start', 'effectiveInstant', 'issued'],
  Condition: ['onsetDateTime', 'onsetPeriod.start', 'recordedDate'],
  MedicationRequest: ['authoredOn'],
  MedicationStatement: ['effectiveDateTime', 'effectivePeriod.start', 'dateAsserted'],
  Procedure: ['performedDateTime', 'performedPeriod.start'],
  AdverseEvent: ['date', 'detected', 'recordedDate'],
  Patient: ['birthDate'],
};

/** Which date-typed parameter names apply to which type (R4 search parameter registry). */
const DATE_PARAMS: Readonly<Record<string, readonly string[]>> = {
  Observation: ['date'],
  Condition: ['onset-date', 'recorded-date'],
  MedicationRequest: ['authoredon'],
  MedicationStatement: ['effective'],
  Procedure: ['date'],
  AdverseEvent: ['date'],
  Patient: ['birthdate'],
};

const TOKEN_PATHS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Observation: { category: 'category', status: 'status' },
  Condition: { category: 'category', 'clinical-status': 'clinicalStatus', 'verification-status': 'verificationStatus' },
  MedicationRequest: { status: 'status', intent: 'intent', category: 'category' },
  MedicationStatement: { status: 'status', category: 'category' },
  Procedure: { status: 'status', category: 'category' },
  AdverseEvent: { actuality: 'actuality', seriousness: 'seriousness' },
  Patient: { gender: 'gender', identifier: 'identifier' },
};

const CONTROL_PARAMS = new Set(['_count', '_sort', '_format', '_summary', '_total', '_elements']);

function get(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      const member = (item as Json)[part];
      if (Array.isArray(member)) next.push(...member);
      else if (member !== undefined && member !== null) next.push(member);
    }
    current = next;
  }
  return current;
}

function tokenMatches(element: unknown, wanted: string): boolean {
  const bar = wanted.indexOf('|');
  const system = bar >= 0 ? wanted.slice(0, bar) : undefined;
  const code = bar >= 0 ? wanted.slice(bar + 1) : wanted;
  if (typeof element === 'string') return system === undefined && element === code;
  if (element === null || typeof element !== 'object') return false;
  const json = element as Json;
  const codings: unknown[] = Array.isArray(json['coding']) ? json['coding'] : [json];
  if (json['value'] !== undefined && json['system'] !== undefined && !('code' in json)) {
    // Identifier: system|value.
    return (system === undefined || json['system'] === system) && (code === '' || json['value'] === code);
  }
  return codings.some((c) => {
    if (c === null || typeof c !== 'object') return false;
    const coding = c as Json;
    if (system !== undefined && system !== '' && coding['system'] !== system) return false;
    if (system === '' && coding['system'] !== undefined) return false;
    return code === '' || coding['code'] === code;
  });
}

function referenceMatches(resource: Json, path: string, wanted: string): boolean {
  const id = wanted.includes('/') ? wanted.split('/').pop() ?? '' : wanted;
  return get(resource, `${path}.reference`).some((ref) => {
    if (typeof ref !== 'string') return false;
    const parts = ref.split('/');
    return parts[parts.length - 2] === 'Patient' && parts[parts.length - 1] === id;
  });
}

const DATE_PREFIX = /^(eq|ne|lt|gt|ge|le|sa|eb|ap)?(\d{4}(-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?)$/;

/** The half-open instant range [start, end) a FHIR date or dateTime of any precision covers. */
function dateRange(text: string): [number, number] | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](.+))?)?)?$/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (m[2] === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  const month = Number(m[2]) - 1;
  if (m[3] === undefined) return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
  const day = Number(m[3]);
  if (m[4] === undefined) return [Date.UTC(year, month, day), Date.UTC(year, month, day + 1)];
  const instant = Date.parse(text.replace(' ', 'T'));
  if (Number.isNaN(instant)) return undefined;
  return [instant, instant + 1000];
}

function dateMatches(values: unknown[], prefix: string, wanted: [number, number]): boolean {
  return values.some((v) => {
    if (typeof v !== 'string') return false;
    const r = dateRange(v);
    if (r === undefined) return false;
    switch (prefix) {
      case 'lt': case 'eb': return r[0] < wanted[0];
      case 'gt': case 'sa': return r[1] > wanted[1];
      case 'le': return r[0] < wanted[1];
      case 'ge': return r[1] > wanted[0];
      case 'ne': return !(r[0] >= wanted[0] && r[1] <= wanted[1]);
      default: return r[0] >= wanted[0] && r[1] <= wanted[1];
    }
  });
}

function firstDate(resource: Json, type: string): string {
  for (const path of DATE_PATHS[type] ?? []) {
    const value = get(resource, path)[0];
    if (typeof value === 'string') return value;
  }
  return '';
}

function stringMatches(resource: Json, param: string, wanted: string): boolean {
  const needle = wanted.toLowerCase();
  const names = get(resource, 'name');
  const parts = names.flatMap((n) => {
    if (param === 'family') return get(n, 'family');
    if (param === 'given') return get(n, 'given');
    return [...get(n, 'family'), ...get(n, 'given'), ...get(n, 'text')];
  });
  return parts.some((p) => typeof p === 'string' && p.toLowerCase().startsWith(needle));
}

/** Tests one parameter (all comma-separated values OR-ed); undefined when the parameter is not supported. */
function matchParam(resource: Json, type: string, name: string, value: string): boolean | undefined {
  const [base, modifier] = name.split(':') as [string, string | undefined];
  if (modifier !== undefined && modifier !== 'exact') return undefined;
  const values = value.split(',').map((v) => v.trim());
  if (base === '_id') return values.includes(String(resource['id']));
  if ((base === 'patient' || base === 'subject') && SUBJECT_PATH[type] !== undefined) {
    return values.some((v) => referenceMatches(resource, SUBJECT_PATH[type] ?? 'subject', v));
  }
  if ((base === 'code' || (base === 'event' && type === 'AdverseEvent')) && CODE_PATHS[type] !== undefined) {
    const elements = (CODE_PATHS[type] ?? []).flatMap((p) => get(resource, p));
    return values.some((v) => elements.some((e) => tokenMatches(e, v)));
  }
  const tokenPath = TOKEN_PATHS[type]?.[base];
  if (tokenPath !== undefined) {
    const elements = get(resource, tokenPath);
    return values.some((v) => elements.some((e) => tokenMatches(e, v)));
  }
  if ((DATE_PARAMS[type] ?? []).includes(base)) {
    const elements = (DATE_PATHS[type] ?? []).flatMap((p) => get(resource, p));
    return values.some((v) => {
      const m = DATE_PREFIX.exec(v);
      const range = m?.[2] !== undefined ? dateRange(m[2]) : undefined;
      return range !== undefined && dateMatches(elements, m?.[1] ?? 'eq', range);
    });
  }
  if (type === 'Patient' && (base === 'name' || base === 'family' || base === 'given')) {
    return values.some((v) => stringMatches(resource, base, v));
  }
  return undefined;
}

/** Runs a type-level search: every supported parameter is AND-ed (repeated parameters too). */
export function searchResources(
  resources: readonly FhirResource[],
  type: string,
  params: URLSearchParams,
): SearchResult {
  const ignored: IgnoredParameter[] = [];
  const filters: [string, string][] = [];
  for (const [name, value] of params) {
    if (CONTROL_PARAMS.has(name)) continue;
    filters.push([name, value]);
  }
  const seenIgnored = new Set<string>();
  const matches = resources.filter((r) => {
    if (r.resourceType !== type) return false;
    const json = r as unknown as Json;
    for (const [name, value] of filters) {
      const ok = matchParam(json, type, name, value);
      if (ok === undefined) {
        if (!seenIgnored.has(name)) {
          seenIgnored.add(name);
          ignored.push({ name });
        }
        continue;
      }
      if (!ok) return false;
    }
    return true;
  });
  const sort = params.get('_sort');
  if (sort !== null) {
    const descending = sort.startsWith('-');
    const key = sort.replace(/^-/, '');
    if (key === 'date' || key === '_lastUpdated' || (DATE_PARAMS[type] ?? []).includes(key)) {
      matches.sort((a, b) => {
        const cmp = firstDate(a as unknown as Json, type).localeCompare(firstDate(b as unknown as Json, type));
        return descending ? -cmp : cmp;
      });
    } else if (!seenIgnored.has('_sort')) {
      ignored.push({ name: '_sort' });
    }
  }
  const countText = params.get('_count');
  const count = countText !== null && /^\d+$/.test(countText) ? Number(countText) : undefined;
  return { resources: count === undefined ? matches : matches.slice(0, count), total: matches.length, ignored };
}

/** Wraps search results in a searchset Bundle (R4 Bundle.type searchset, entry.search.mode match). */
export function searchsetBundle(result: SearchResult, fullUrlBase?: string, selfUrl?: string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: result.total,
    ...(selfUrl !== undefined ? { link: [{ relation: 'self', url: selfUrl }] } : {}),
    // FHIR JSON forbids empty arrays: an empty searchset has no entry member.
    ...(result.resources.length > 0
      ? {
          entry: result.resources.map((resource) => ({
            ...(fullUrlBase !== undefined ? { fullUrl: `${fullUrlBase}/${resource.resourceType}/${resource.id ?? ''}` } : {}),
            resource,
            search: { mode: 'match' as const },
          })),
        }
      : {}),
  };
}
