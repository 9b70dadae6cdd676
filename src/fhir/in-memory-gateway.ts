/**
 * A FhirGateway over an array of resources, for tests and the demo server: `Type/id` reads and
 * `Type?params` searches with real filtering (patient/subject references, token lists, dates, _count paging).
 * Unsupported parameters are refused rather than ignored, so a template the fake cannot answer fails loudly.
 * @see https://hl7.org/fhir/R4/search.html
 */
import type { Bundle, FhirResource } from 'fhir/r4';
import { AppError } from '../shared/errors';
import type { FhirGateway, FhirGatewayFactory } from './fhir-gateway';

/** Options of the in-memory gateway. */
export interface InMemoryGatewayOptions {
  /** Base URL used in `next` links (default `http://in-memory.test/fhir`). */
  readonly baseUrl?: string;
  /** Artificial latency per call, honouring the abort signal (tests of deadlines). */
  readonly delayMs?: number;
}

/** One call the gateway answered (tests assert on these). */
export interface RecordedCall {
  readonly url: string;
  readonly accessToken: string | undefined;
}

type Json = Record<string, unknown>;
const DEFAULT_PAGE = 50;
const DATE_FIELDS = ['effectiveDateTime', 'effectivePeriod.start', 'issued', 'onsetDateTime', 'recordedDate',
  'performedDateTime', 'performedPeriod.start', 'authoredOn', 'date', 'occurrenceDateTime', 'period.start',
  'effectiveInstant', 'birthDate'];

/** A gateway factory over fixed resources, recording every call. */
export function createInMemoryGatewayFactory(
  resources: readonly FhirResource[],
  options: InMemoryGatewayOptions = {},
): FhirGatewayFactory & { readonly calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const factory = (baseUrl: string, accessToken: string | undefined): FhirGateway =>
    createInMemoryGateway(resources, { ...options, baseUrl: options.baseUrl ?? baseUrl }, (url) =>
      calls.push({ url, accessToken }),
    );
  return Object.assign(factory, { calls });
}

/** A single in-memory gateway. */
export function createInMemoryGateway(
  resources: readonly FhirResource[],
  options: InMemoryGatewayOptions = {},
  onCall: (url: string) => void = () => undefined,
): FhirGateway {
  const base = (options.baseUrl ?? 'http://in-memory.test/fhir').replace(/\/$/, '');
  const answer = async (relativeUrl: string, signal: AbortSignal): Promise<Bundle | FhirResource> => {
    onCall(relativeUrl);
    await delay(options.delayMs ?? 0, signal);
    const [path = '', query = ''] = relativeUrl.split('?', 2);
    const parts = path.split('/');
    const type = parts[0] ?? '';
    if (parts.length === 2) {
      const found = resources.find((r) => r.resourceType === type && r.id === parts[1]);
      if (found === undefined) throw new AppError('FHIR_FETCH_FAILED', 'FHIR read returned 404');
      return found;
    }
    if (parts.length !== 1 || !/^[A-Z][A-Za-z]+$/.test(type)) throw new AppError('FHIR_FETCH_FAILED', 'Unsupported FHIR URL');
    return search(resources, type, new URLSearchParams(query), base);
  };
  return {
    search: answer,
    async fetchAbsolute(nextUrl, signal) {
      if (!nextUrl.startsWith(`${base}/`)) throw new AppError('FHIR_FETCH_FAILED', 'Next link outside the FHIR server');
      const result = await answer(nextUrl.slice(base.length + 1), signal);
      if (result.resourceType !== 'Bundle') throw new AppError('FHIR_FETCH_FAILED', 'Next page is not a Bundle');
      return result as Bundle;
    },
  };
}

function search(resources: readonly FhirResource[], type: string, params: URLSearchParams, base: string): Bundle {
  let matches = resources.filter((r) => r.resourceType === type);
  let count = DEFAULT_PAGE;
  let offset = 0;
  let sort: string | undefined;
  for (const [name, value] of params) {
    if (name === '_count') count = Math.max(1, Math.min(1000, Number(value) || DEFAULT_PAGE));
    else if (name === '_offset') offset = Math.max(0, Number(value) || 0);
    else if (name === '_sort') sort = value;
    else matches = matches.filter(predicate(type, name, value));
  }
  if (sort !== undefined) matches = sortByDate(matches, sort);
  const page = matches.slice(offset, offset + count);
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    entry: page.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id ?? ''}`, resource })),
  };
  if (offset + count < matches.length) {
    const next = new URLSearchParams(params);
    next.set('_offset', String(offset + count));
    next.set('_count', String(count));
    bundle.link = [{ relation: 'next', url: `${base}/${type}?${next.toString()}` }];
  }
  return bundle;
}

function predicate(type: string, name: string, value: string): (r: FhirResource) => boolean {
  const [param, modifier] = name.split(':', 2);
  if (modifier !== undefined) throw new AppError('FHIR_FETCH_FAILED', 'Unsupported search modifier');
  switch (param) {
    case '_id':
      return (r) => value.split(',').includes(r.id ?? '');
    case 'patient':
    case 'subject': {
      const ref = value.includes('/') ? value : `Patient/${value}`;
      return (r) =>
        type === 'Patient' ? `Patient/${r.id ?? ''}` === ref : referenceOf(r, 'subject') === ref || referenceOf(r, 'patient') === ref;
    }
    case 'code':
    case 'category':
    case 'clinical-status':
    case 'verification-status':
    case 'status': {
      const wanted = value.split(',').map(parseToken);
      const element = param === 'clinical-status' ? 'clinicalStatus' : param === 'verification-status' ? 'verificationStatus' : param;
      return (r) => {
        const codings = codingsOf((r as unknown as Json)[element] ?? (param === 'code' ? (r as unknown as Json)['medicationCodeableConcept'] : undefined));
        return wanted.some((w) => codings.some((c) => (w.system === undefined || c.system === w.system) && (w.code === undefined || c.code === w.code)));
      };
    }
    case 'date':
      return datePredicate(value);
    default:
      throw new AppError('FHIR_FETCH_FAILED', `Unsupported search parameter ${param ?? ''}`);
  }
}

function parseToken(token: string): { system?: string; code?: string } {
  const bar = token.indexOf('|');
  if (bar < 0) return { code: token };
  const system = token.slice(0, bar);
  const code = token.slice(bar + 1);
  return { ...(system !== '' ? { system } : {}), ...(code !== '' ? { code } : {}) };
}

function codingsOf(element: unknown): Array<{ system?: unknown; code?: unknown }> {
  if (typeof element === 'string') return [{ code: element }];
  const list = Array.isArray(element) ? element : element === undefined || element === null ? [] : [element];
  return list.flatMap((cc: unknown) => {
    const coding = (cc as Json | null)?.['coding'];
    return Array.isArray(coding) ? (coding as Array<{ system?: unknown; code?: unknown }>) : [];
  });
}

function referenceOf(r: FhirResource, element: string): string | undefined {
  const ref = ((r as unknown as Json)[element] as Json | undefined)?.['reference'];
  return typeof ref === 'string' ? ref : undefined;
}

function clinicalDate(r: FhirResource): string | undefined {
  for (const path of DATE_FIELDS) {
    let v: unknown = r;
    for (const key of path.split('.')) v = (v as Json | undefined)?.[key];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

function datePredicate(value: string): (r: FhirResource) => boolean {
  const m = /^(eq|lt|gt|ge|le)?(\d{4}(?:-\d{2}(?:-\d{2})?)?(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?)$/.exec(value);
  if (m === null) throw new AppError('FHIR_FETCH_FAILED', 'Unsupported date search value');
  const prefix = m[1] ?? 'eq';
  const bound = m[2] ?? '';
  return (r) => {
    const d = clinicalDate(r);
    if (d === undefined) return false;
    const cmp = d.slice(0, bound.length).localeCompare(bound);
    return prefix === 'eq' ? cmp === 0 : prefix === 'lt' ? cmp < 0 : prefix === 'gt' ? cmp > 0 : prefix === 'ge' ? cmp >= 0 : cmp <= 0;
  };
}

function sortByDate(list: FhirResource[], sort: string): FhirResource[] {
  if (sort !== 'date' && sort !== '-date') throw new AppError('FHIR_FETCH_FAILED', 'Unsupported _sort');
  const dir = sort.startsWith('-') ? -1 : 1;
  return [...list].sort((a, b) => dir * (clinicalDate(a) ?? '').localeCompare(clinicalDate(b) ?? ''));
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AppError('FHIR_FETCH_FAILED', 'FHIR request aborted'));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('FHIR_FETCH_FAILED', 'FHIR request aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
