/**
 * One patient record indexed once per extraction: by resource type, by relative reference (for suspectEntity /
 * medicationReference resolution, built on first use), and — through the load-time code dispatch table — the
 * resources of every closed-code source with the value-set concept they matched, so each resource's codings are
 * looked up once. Resources of another patient, and resources carrying a modifierExtension, are dropped here with a
 * data issue. Components of a panel Observation that carry a dispatched code are indexed as results of their own.
 */
import type { DataIssue } from '../domain/facts';
import { isRelativeReferenceTo } from '../shared/fhir-reference';
import type { CodeDispatch, DispatchHit, SystemDispatch } from './code-dispatch';
import { parseFhirDate } from './fhir-date';
import { relativeRef } from './medication';
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
  /** Resources of the patient left out because they carry a modifierExtension (each already a data issue). */
  readonly withModifiers: readonly AnyResource[];
  /** The date of the DiagnosticReport whose `result` references this Observation ("Observation/id"), built on first use. */
  reportDateOf(reference: string): string | undefined;
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
    // Relative, absolute and version-specific references, read as the HTTP gathering reads them (src/shared/fhir-reference).
    return isRelativeReferenceTo(reference, patientRef);
  }
  return true;
}

/** FHIR R4 §2.4.1.1 (isModifier): a modifierExtension this service does not know changes the meaning of the resource. */
function modifierUrls(resource: AnyResource): string | undefined {
  const modifiers = resource['modifierExtension'];
  if (!Array.isArray(modifiers) || modifiers.length === 0) return undefined;
  const urls = modifiers.map((m) => (m !== null && typeof m === 'object' && typeof (m as { url?: unknown }).url === 'string' ? (m as { url: string }).url : '(no url)'));
  return [...new Set(urls)].join(', ');
}

/** DiagnosticReport.effective[x] (dateTime, else Period.start), else issued — as config.yaml datePaths.DiagnosticReport. */
function reportDate(report: AnyResource): string | undefined {
  const period = report['effectivePeriod'];
  const start = period !== null && typeof period === 'object' ? (period as { start?: unknown }).start : undefined;
  for (const value of [report['effectiveDateTime'], start, report['issued']]) {
    if (typeof value === 'string' && Number.isFinite(parseFhirDate(value))) return value;
  }
  return undefined;
}

/** "Observation/id" → the date of the first DiagnosticReport (not entered-in-error) whose `result` references it. */
function reportDates(byType: ReadonlyMap<string, readonly AnyResource[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const report of byType.get('DiagnosticReport') ?? []) {
    if (report['status'] === 'entered-in-error' || report['status'] === 'cancelled' || !Array.isArray(report['result'])) continue;
    const date = reportDate(report);
    if (date === undefined) continue;
    for (const r of report['result'] as unknown[]) {
      const reference = r !== null && typeof r === 'object' ? (r as { reference?: unknown }).reference : undefined;
      if (typeof reference !== 'string') continue;
      // Transaction Bundles (Synthea) reference results as urn:uuid:<id>; otherwise relative, absolute or versioned.
      const key = reference.startsWith('urn:uuid:') ? `Observation/${reference.slice(9)}` : relativeRef(reference);
      if (key.startsWith('Observation/') && !out.has(key)) out.set(key, date);
    }
  }
  return out;
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

const NO_HITS: readonly DispatchHit[] = [];

/** The dispatch hits of a CodeableConcept's codings, in coding order (no allocation when there are none). */
function hitsOf(concept: unknown, systems: SystemDispatch): readonly DispatchHit[] {
  if (concept === null || typeof concept !== 'object') return NO_HITS;
  const coding = (concept as { coding?: unknown }).coding;
  if (!Array.isArray(coding)) return NO_HITS;
  let out: DispatchHit[] | undefined;
  for (const c of coding) {
    if (c === null || typeof c !== 'object') continue;
    const system = (c as { system?: unknown }).system;
    const code = (c as { code?: unknown }).code;
    if (typeof system !== 'string' || typeof code !== 'string') continue;
    const hits = systems.get(system)?.get(code);
    if (hits !== undefined) (out ??= []).push(...hits);
  }
  return out ?? NO_HITS;
}

/** Adds hits of one resource to the per-source lists (first coding in the value set wins the concept; `skip` = dispatch ids left out). */
function addHits(resource: AnyResource, hits: readonly DispatchHit[], byDispatch: (SourceHit[] | undefined)[], skip?: ReadonlySet<number>): void {
  for (const hit of hits) {
    if (skip?.has(hit.dispatchId) === true) continue;
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

const COMPONENT_FIELDS = new Set(['code', 'component', 'referenceRange', 'interpretation', 'dataAbsentReason', 'hasMember']);

/**
 * A panel Observation's components that carry a dispatched code (e.g. ALT inside hepatic function panel 24325-3)
 * become results of their own: the panel's status, subject and dates with the component's code, value,
 * referenceRange and interpretation. They keep the panel's id, so facts and data issues name the panel.
 * Value sets the panel itself already matched are left out (no result is read twice).
 */
function dispatchComponents(panel: AnyResource, systems: SystemDispatch, panelHits: readonly DispatchHit[], byDispatch: (SourceHit[] | undefined)[]): void {
  const components = panel['component'];
  if (!Array.isArray(components)) return;
  let skip: Set<number> | undefined;
  for (const component of components) {
    if (component === null || typeof component !== 'object') continue;
    const hits = hitsOf((component as { code?: unknown }).code, systems);
    if (hits.length === 0) continue;
    skip ??= new Set(panelHits.map((h) => h.dispatchId));
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(panel)) if (!COMPONENT_FIELDS.has(key) && !key.startsWith('value')) result[key] = value;
    for (const [key, value] of Object.entries(component as Record<string, unknown>)) if (key !== 'extension' && key !== 'id') result[key] = value;
    addHits(result as AnyResource, hits, byDispatch, skip);
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
  const withModifiers: AnyResource[] = [];
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
    const modifiers = modifierUrls(resource);
    if (modifiers !== undefined) {
      issues.push({ code: 'unknown-modifier', message: `modifierExtension ${modifiers} is not understood; the resource was not used`, location: refOf(resource) });
      withModifiers.push(resource);
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
    if (systems !== undefined) {
      const hits = hitsOf(resource['code'], systems);
      if (hits.length > 0) addHits(resource, hits, byDispatch);
      if (type === 'Observation') dispatchComponents(resource, systems, hits, byDispatch);
    }
  }
  for (const list of byDispatch) if (list !== undefined) sortByRank(list);
  if (otherPatient > 0) issues.push({ code: 'other-patient', message: `${otherPatient} resource(s) of another patient were ignored` });
  let dates: Map<string, string> | undefined;
  return {
    byType,
    byRef: refLookup(byType),
    byDispatch,
    ...(patient === undefined ? {} : { patient }),
    issues,
    withModifiers,
    reportDateOf(reference: string): string | undefined {
      dates ??= reportDates(byType);
      return dates.get(reference);
    },
  };
}
