/**
 * One patient record indexed once per extraction: by resource type, by relative reference (for suspectEntity /
 * medicationReference resolution, built on first use), and — through the load-time code dispatch table — the
 * resources of every closed-code source with the value-set concept they matched, so each resource's codings are
 * looked up once. Resources of another patient are dropped here with a data issue.
 */
import type { DataIssue } from '../domain/facts';
import type { CodeDispatch, SystemDispatch } from './code-dispatch';
import type { Concept } from './value-sets';

/** A FHIR resource as received: a JSON object with a resourceType (anything else is ignored). */
export type AnyResource = Readonly<Record<string, unknown>> & { readonly resourceType: string };

/** A resource matched to a dispatched value set: the concept of its first coding in it, and that code's rank. */
export interface SourceHit {
  readonly resource: AnyResource;
  readonly concept: Concept;
  /** Position in the value set's code list of the earliest listed code the resource carries (ordering). */
  rank: number;
}

/** Resolves relative references within the record. */
export interface RefLookup {
  get(reference: string): AnyResource | undefined;
}

/** The index of one record. */
export interface RecordIndex {
  readonly byType: ReadonlyMap<string, readonly AnyResource[]>;
  /** Relative reference ("Medication/abc") → resource; a type's lookup is built on first use. */
  readonly byRef: RefLookup;
  /** Per dispatch id: the resources in value-set code order, then record order. */
  readonly byDispatch: readonly (readonly SourceHit[] | undefined)[];
  readonly patient?: AnyResource;
  readonly issues: DataIssue[];
}

/** Relative reference of a resource ("Observation/abc"), or a stable placeholder when it has no id. */
export function refOf(resource: AnyResource): string {
  return typeof resource['id'] === 'string' ? `${resource.resourceType}/${resource['id']}` : `${resource.resourceType}/(no id)`;
}

const SUBJECT_FIELDS = ['subject', 'patient'] as const;

function belongsTo(resource: AnyResource, patientId: string, patientRef: string, patientUrn: string): boolean {
  if (resource.resourceType === 'Patient') return resource['id'] === undefined || resource['id'] === patientId;
  for (const field of SUBJECT_FIELDS) {
    const ref = resource[field];
    if (ref === null || typeof ref !== 'object') continue;
    const reference = (ref as { reference?: unknown }).reference;
    if (typeof reference !== 'string') continue;
    // A urn:uuid reference (transaction Bundles) is trusted only when the uuid is the patient id itself.
    if (reference.startsWith('urn:uuid:')) return reference === patientUrn;
    return reference === patientRef || reference.endsWith(`/${patientRef}`);
  }
  return true;
}

/** Lookup by "Type/id", building one type's id map on first use (the last resource with an id wins, as in a Bundle). */
function refLookup(byType: ReadonlyMap<string, readonly AnyResource[]>): RefLookup {
  const maps = new Map<string, Map<string, AnyResource>>();
  return {
    get(reference: string): AnyResource | undefined {
      const slash = reference.indexOf('/');
      if (slash <= 0 || reference.indexOf('/', slash + 1) >= 0) return undefined;
      const type = reference.slice(0, slash);
      let ids = maps.get(type);
      if (ids === undefined) {
        ids = new Map();
        for (const r of byType.get(type) ?? []) if (typeof r['id'] === 'string') ids.set(r['id'], r);
        maps.set(type, ids);
      }
      return ids.get(reference.slice(slash + 1));
    },
  };
}

/** Adds the hits of one resource's codings to the per-source lists (first coding in the value set wins the concept). */
function dispatchResource(resource: AnyResource, systems: SystemDispatch, byDispatch: (SourceHit[] | undefined)[]): void {
  const concept = resource['code'];
  if (concept === null || typeof concept !== 'object') return;
  const coding = (concept as { coding?: unknown }).coding;
  if (!Array.isArray(coding)) return;
  for (const c of coding) {
    if (c === null || typeof c !== 'object') continue;
    const system = (c as { system?: unknown }).system;
    const code = (c as { code?: unknown }).code;
    if (typeof system !== 'string' || typeof code !== 'string') continue;
    const hits = systems.get(system)?.get(code);
    if (hits === undefined) continue;
    for (const hit of hits) {
      let list = byDispatch[hit.dispatchId];
      if (list === undefined) byDispatch[hit.dispatchId] = list = [];
      const last = list[list.length - 1];
      if (last !== undefined && last.resource === resource) {
        // A later coding of the same value set: the concept stays, the rank is the lowest.
        if (hit.rank < last.rank) last.rank = hit.rank;
        continue;
      }
      list.push({ resource, concept: hit.concept, rank: hit.rank });
    }
  }
}

function sortByRank(list: SourceHit[]): void {
  for (let i = 1; i < list.length; i += 1) {
    if ((list[i] as SourceHit).rank < (list[i - 1] as SourceHit).rank) {
      list.sort((a, b) => a.rank - b.rank); // stable: record order within a code
      return;
    }
  }
}

/** Builds the index in one pass (linear in the number of resources). */
export function indexRecord(resources: readonly unknown[], patientId: string, dispatch: CodeDispatch): RecordIndex {
  const byType = new Map<string, AnyResource[]>();
  const byDispatch: (SourceHit[] | undefined)[] = new Array<SourceHit[] | undefined>(dispatch.size);
  const issues: DataIssue[] = [];
  const patientRef = `Patient/${patientId}`;
  const patientUrn = `urn:uuid:${patientId}`;
  let patient: AnyResource | undefined;
  let otherPatient = 0;
  let lastType = '';
  let lastList: AnyResource[] | undefined;
  for (const item of resources) {
    if (item === null || typeof item !== 'object' || typeof (item as { resourceType?: unknown }).resourceType !== 'string') {
      issues.push({ code: 'not-a-resource', message: 'an entry without resourceType was ignored' });
      continue;
    }
    const resource = item as AnyResource;
    if (!belongsTo(resource, patientId, patientRef, patientUrn)) {
      otherPatient += 1;
      continue;
    }
    const type = resource.resourceType;
    if (type === 'Patient') patient = resource;
    let list = type === lastType ? lastList : byType.get(type);
    if (list === undefined) byType.set(type, (list = []));
    lastType = type;
    lastList = list;
    list.push(resource);
    const systems = dispatch.byType.get(type);
    if (systems !== undefined) dispatchResource(resource, systems, byDispatch);
  }
  for (const list of byDispatch) if (list !== undefined) sortByRank(list);
  if (otherPatient > 0) issues.push({ code: 'other-patient', message: `${otherPatient} resource(s) of another patient were ignored` });
  return {
    byType,
    byRef: refLookup(byType),
    byDispatch,
    ...(patient === undefined ? {} : { patient }),
    issues,
  };
}
