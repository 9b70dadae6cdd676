/**
 * Collects the patient's FHIR resources for one hook call: prefetch first, the FHIR server for what is
 * missing (CDS Hooks 2.0 §"Prefetch Template"; cds-hooks.md §2.4 P-1…P-8), then the Medications that active
 * medication orders and statements reference but nobody sent (instance reads, cds-hooks.md §2.2 D-8), under the
 * same deadline and byte budget. Only AppErrors leave this module.
 */
import type { FhirResource } from 'fhir/r4';
import type { CdsRequest } from '../cds-hooks/types';
import type { DataIssue } from '../domain/facts';
import { AppError } from '../shared/errors';
import type { FhirGateway, FhirGatewayFactory } from './fhir-gateway';
import { isUnderBase } from './fhir-gateway';
import { compileFhirServerAllowlist, type FhirServerAllowlist } from './fhir-server-allowlist';
import { resolvePrefetchTemplate } from './prefetch-tokens';
import { isRelativeReferenceTo } from '../shared/fhir-reference';

/** What gathering needs from the outside world. */
export interface GatherDeps {
  readonly gatewayFactory: FhirGatewayFactory;
  /** URL patterns, or an allowlist compiled once at start-up (preferred on the hot path). */
  readonly allowedFhirServers: readonly string[] | FhirServerAllowlist;
  /** One deadline for all FHIR calls of the request. */
  readonly deadlineMs: number;
  /** Maximum pages read per prefetch key (first page included). */
  readonly pageCap: number;
  /** The instant `{{today()}}` resolves against (default: now). */
  readonly now?: Date;
  /** Most referenced Medications read per call (default 20); the rest are reported as a data issue. */
  readonly medicationReadCap?: number;
}

/** The resources of the request's patient, the problems met on the way, and the keys fetched from the server. */
export interface GatheredData {
  readonly resources: FhirResource[];
  readonly issues: DataIssue[];
  readonly fetchedKeys: string[];
}

type Json = Record<string, unknown>;

const DEFAULT_MEDICATION_READ_CAP = 20;
const MEDICATION_REFERENCE = /^Medication\/([A-Za-z0-9\-.]{1,64})$/;

/** Gathers prefetch plus fallback fetches, checks they belong to context.patientId, and de-duplicates them. */
export async function gatherClinicalData(
  request: CdsRequest,
  templates: Readonly<Record<string, string>>,
  deps: GatherDeps,
): Promise<GatheredData> {
  try {
    return await gather(request, templates, deps);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('INTERNAL', 'Internal error while gathering clinical data');
  }
}

async function gather(request: CdsRequest, templates: Readonly<Record<string, string>>, deps: GatherDeps): Promise<GatheredData> {
  const issues: DataIssue[] = [];
  const perKey = new Map<string, unknown[]>();
  const missing: string[] = [];
  const toPage: Array<{ key: string; bundle: Json }> = [];
  const prefetch: Readonly<Record<string, unknown>> = request.prefetch ?? {};

  for (const key of Object.keys(templates)) {
    if (!Object.prototype.hasOwnProperty.call(prefetch, key)) {
      missing.push(key);
      continue;
    }
    const value = prefetch[key];
    if (value === null) continue; // P-3: the client ran the query and found nothing
    if (!isResource(value)) {
      issues.push({ code: 'invalid-prefetch', message: 'Prefetch value is not a FHIR resource; fetching it again', location: key });
      missing.push(key);
    } else if (value['resourceType'] === 'OperationOutcome') {
      issues.push({ code: 'prefetch-error', message: 'Prefetch value is an OperationOutcome; fetching it again', location: key });
      missing.push(key);
    } else {
      perKey.set(key, [value]);
      if (value['resourceType'] === 'Bundle' && nextLink(value) !== undefined) toPage.push({ key, bundle: value });
    }
  }

  // A template the request cannot fill (e.g. {{context.encounterId}} without an encounter) could not have been
  // prefetched either: it is a data issue, not a reason for 412.
  const queries: Array<{ key: string; query: string }> = [];
  for (const key of missing) {
    const resolved = resolvePrefetchTemplate(templates[key] ?? '', request.context, deps.now ?? new Date());
    if (resolved.ok) queries.push({ key, query: resolved.query });
    else issues.push({ code: 'prefetch-unresolvable', message: 'Prefetch template has tokens this request cannot fill; not fetched', location: key });
  }

  const fetchedKeys: string[] = [];
  const server = request.fhirServer;
  let connection: Connection | undefined;
  const connect = (): Connection => {
    if (connection !== undefined) return connection;
    const allowlist = Array.isArray(deps.allowedFhirServers)
      ? compileFhirServerAllowlist(deps.allowedFhirServers as readonly string[])
      : (deps.allowedFhirServers as FhirServerAllowlist);
    if (server === undefined || !allowlist.matches(server)) throw new AppError('FHIR_SERVER_NOT_ALLOWED', 'fhirServer is not on the allowlist', ['fhirServer']);
    connection = { gateway: deps.gatewayFactory(server, request.fhirAuthorization?.access_token), deadline: startDeadline(deps.deadlineMs) };
    return connection;
  };
  try {
    if (queries.length > 0 || toPage.length > 0) {
      if (server === undefined) {
        if (queries.length > 0) {
          const keys = queries.map((q) => q.key);
          throw new AppError('PREFETCH_UNAVAILABLE', `Prefetch missing and no fhirServer to fetch it: ${keys.join(', ')}`, keys.map((k) => `prefetch.${k}`));
        }
        for (const { key } of toPage) issues.push({ code: 'incomplete', message: 'Prefetch Bundle has more pages but no fhirServer was given', location: key });
      } else {
        const { gateway, deadline } = connect();
        await deadline.run(async (signal) => {
          const fetches = queries.map(async ({ key, query }) => {
            const first = (await gateway.search(query, signal)) as unknown;
            perKey.set(key, await followPages(gateway, server, key, first, deps.pageCap, signal, issues));
            fetchedKeys.push(key);
          });
          const pagers = toPage.map(async ({ key, bundle }) => {
            perKey.set(key, await followPages(gateway, server, key, bundle, deps.pageCap, signal, issues));
          });
          await Promise.all([...fetches, ...pagers]);
        });
      }
    }

    const resources = checkAndMerge(Object.keys(templates), perKey, request.context.patientId, issues);
    const medicationIds = unresolvedMedicationIds(resources);
    if (medicationIds.length > 0 && server !== undefined) {
      let open: Connection | undefined;
      try {
        open = connect();
      } catch {
        issues.push({ code: 'medication-not-read', message: 'Referenced Medications not read: fhirServer is not on the allowlist', location: 'fhirServer' });
      }
      if (open !== undefined) resources.push(...(await readMedications(open, medicationIds, deps.medicationReadCap ?? DEFAULT_MEDICATION_READ_CAP, issues)));
    }
    fetchedKeys.sort((a, b) => Object.keys(templates).indexOf(a) - Object.keys(templates).indexOf(b));
    return { resources, issues, fetchedKeys };
  } finally {
    connection?.deadline.clear();
  }
}

/** The FHIR server of one hook call: one gateway (one byte budget) and one deadline for every read. */
interface Connection {
  readonly gateway: FhirGateway;
  readonly deadline: Deadline;
}

/** One deadline shared by every FHIR call of the request. */
interface Deadline {
  readonly signal: AbortSignal;
  timedOut(): boolean;
  /** Runs work that must complete: failures become FHIR_FETCH_FAILED and abort the other calls. */
  run(work: (signal: AbortSignal) => Promise<void>): Promise<void>;
  clear(): void;
}

function startDeadline(deadlineMs: number): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, deadlineMs);
  const late = (): AppError => new AppError('FHIR_FETCH_FAILED', 'FHIR server did not answer within the deadline');
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    async run(work) {
      if (timedOut) throw late();
      try {
        await work(controller.signal);
      } catch (error) {
        controller.abort();
        if (timedOut) throw late();
        if (error instanceof AppError && (error.code === 'FHIR_FETCH_FAILED' || error.code === 'FHIR_SERVER_NOT_ALLOWED')) throw error;
        throw new AppError('FHIR_FETCH_FAILED', 'FHIR request failed');
      }
      if (timedOut) throw late();
    },
    clear: () => clearTimeout(timer),
  };
}

/** Ids of `Medication/{id}` referenced by active MedicationRequests/MedicationStatements and absent from the data, in order. */
function unresolvedMedicationIds(resources: readonly FhirResource[]): string[] {
  const present = new Set<string>();
  for (const r of resources) if (r.resourceType === 'Medication' && r.id !== undefined) present.add(r.id);
  const out: string[] = [];
  for (const r of resources) {
    if ((r.resourceType !== 'MedicationRequest' && r.resourceType !== 'MedicationStatement') || r.status !== 'active') continue;
    const id = MEDICATION_REFERENCE.exec(r.medicationReference?.reference ?? '')?.[1];
    if (id !== undefined && !present.has(id) && !out.includes(id)) out.push(id);
  }
  return out;
}

/** Reads up to `cap` Medications in parallel; every failure (deadline included) is a data issue, never a 412. */
async function readMedications(connection: Connection, ids: readonly string[], cap: number, issues: DataIssue[]): Promise<FhirResource[]> {
  const { gateway, deadline } = connection;
  if (ids.length > cap) {
    issues.push({ code: 'medication-cap', message: `${ids.length - cap} referenced Medications not read (cap ${cap})`, location: 'Medication' });
  }
  const outcomes = await Promise.all(
    ids.slice(0, cap).map(async (id): Promise<FhirResource | DataIssue> => {
      const location = `Medication/${id}`;
      try {
        if (deadline.timedOut()) throw new AppError('FHIR_FETCH_FAILED', 'FHIR server did not answer within the deadline');
        const result = (await gateway.search(location, deadline.signal)) as unknown;
        if (isResource(result) && result['resourceType'] === 'Medication' && result['id'] === id) return result as unknown as FhirResource;
        return { code: 'medication-unavailable', message: 'The FHIR server answered a Medication read with another resource', location };
      } catch (error) {
        const reason = deadline.timedOut()
          ? 'FHIR server did not answer within the deadline'
          : error instanceof AppError ? error.message : 'FHIR request failed';
        return { code: 'medication-unavailable', message: `Referenced Medication not read: ${reason}`, location };
      }
    }),
  );
  const read: FhirResource[] = [];
  for (const outcome of outcomes) {
    if ('resourceType' in outcome) read.push(outcome);
    else issues.push(outcome);
  }
  return read;
}

/** Returns the pages of a search result (the given one first), following `next` links under the server base. */
async function followPages(
  gateway: FhirGateway,
  server: string,
  key: string,
  first: unknown,
  pageCap: number,
  signal: AbortSignal,
  issues: DataIssue[],
): Promise<unknown[]> {
  const pages: unknown[] = [first];
  const seen = new Set<string>();
  let current = first;
  for (;;) {
    const next = isResource(current) && current['resourceType'] === 'Bundle' ? nextLink(current) : undefined;
    if (next === undefined) break;
    if (seen.has(next)) {
      issues.push({ code: 'paging-loop', message: 'Search paging repeats a next link; stopped', location: key });
      break;
    }
    if (pages.length >= pageCap) {
      issues.push({ code: 'page-cap', message: `Stopped after ${pageCap} pages`, location: key });
      break;
    }
    if (!isUnderBase(next, server)) {
      issues.push({ code: 'next-link-rejected', message: 'Next link points outside fhirServer; not followed', location: key });
      break;
    }
    seen.add(next);
    current = (await gateway.fetchAbsolute(next, signal)) as unknown;
    pages.push(current);
  }
  return pages;
}

function nextLink(bundle: Json): string | undefined {
  const links = bundle['link'];
  if (!Array.isArray(links)) return undefined;
  for (const l of links as unknown[]) {
    if (isObject(l) && l['relation'] === 'next' && typeof l['url'] === 'string' && l['url'] !== '') return l['url'];
  }
  return undefined;
}

/**
 * Flattens per-key results in template order, drops invalid and other-patient resources, de-duplicates by type/id
 * keeping the latest meta.lastUpdated. One pass per key; within a key the Bundle-shape issues come before the
 * per-resource ones, as they always have.
 */
function checkAndMerge(keys: readonly string[], perKey: Map<string, unknown[]>, patientId: string, issues: DataIssue[]): FhirResource[] {
  const out: Json[] = [];
  const byType = new Map<string, Map<string, number>>();
  const patientRef = `Patient/${patientId}`;
  for (const key of keys) {
    const values = perKey.get(key);
    if (values === undefined) continue;
    let deferred: DataIssue[] | undefined;
    const visit = (item: Json): void => {
      const type = item['resourceType'] as string;
      const rawId = item['id'];
      const id = typeof rawId === 'string' ? rawId : undefined;
      if (type === 'OperationOutcome') {
        (deferred ??= []).push({ code: 'server-outcome', message: 'The FHIR server reported an OperationOutcome', location: key });
        return;
      }
      if (!belongsTo(item, type, id, patientRef)) {
        (deferred ??= []).push({ code: 'other-patient', message: 'Resource belongs to another patient; dropped', location: id === undefined ? key : `${type}/${id}` });
        return;
      }
      if (id === undefined) {
        out.push(item);
        return;
      }
      let ids = byType.get(type);
      if (ids === undefined) {
        ids = new Map();
        byType.set(type, ids);
      }
      const at = ids.get(id);
      if (at === undefined) {
        ids.set(id, out.length);
        out.push(item);
      } else if (lastUpdated(item) > lastUpdated(out[at] as Json)) {
        out[at] = item;
      }
    };
    for (const value of values) {
      if (!isResource(value)) {
        issues.push({ code: 'invalid-resource', message: 'Not a FHIR resource; dropped', location: key });
      } else if (value['resourceType'] === 'Bundle') {
        const entries = value['entry'];
        if (entries === undefined) continue;
        if (!Array.isArray(entries)) {
          issues.push({ code: 'invalid-resource', message: 'Bundle.entry is not an array; dropped', location: key });
          continue;
        }
        for (const entry of entries as unknown[]) {
          const resource = isObject(entry) ? entry['resource'] : undefined;
          if (isResource(resource)) visit(resource);
          else issues.push({ code: 'invalid-resource', message: 'Bundle entry without a FHIR resource; dropped', location: key });
        }
      } else visit(value);
    }
    if (deferred !== undefined) for (const issue of deferred) issues.push(issue);
  }
  return out as unknown as FhirResource[];
}

function belongsTo(item: Json, type: string, id: string | undefined, patientRef: string): boolean {
  if (type === 'Patient') return `Patient/${id ?? ''}` === patientRef;
  return referenceFits(item['subject'], patientRef) && referenceFits(item['patient'], patientRef);
}

/** False when `element` carries a reference that is not to `patientRef`; an absent element or reference fits. */
function referenceFits(element: unknown, patientRef: string): boolean {
  if (element === undefined || element === null) return true;
  const ref = (element as Json)['reference'];
  if (ref === undefined) return true;
  return typeof ref === 'string' && isRelativeReferenceTo(ref, patientRef);
}

export { isRelativeReferenceTo };

function lastUpdated(item: Json): number {
  const value = (item['meta'] as Json | undefined)?.['lastUpdated'];
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResource(value: unknown): value is Json {
  return isObject(value) && typeof value['resourceType'] === 'string' && value['resourceType'] !== '';
}

