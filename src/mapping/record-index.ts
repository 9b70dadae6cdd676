/**
 * One patient record indexed once per extraction: by resource type, by (type, system|code) of the primary code,
 * and by relative reference (for suspectEntity / medicationReference resolution). Resources of another patient
 * and entered-in-error resources are dropped here with a data issue.
 */
import type { DataIssue } from '../domain/facts';

/** A FHIR resource as received: a JSON object with a resourceType (anything else is ignored). */
export type AnyResource = Readonly<Record<string, unknown>> & { readonly resourceType: string };

/** The index of one record. */
export interface RecordIndex {
  readonly byType: ReadonlyMap<string, readonly AnyResource[]>;
  readonly byCode: ReadonlyMap<string, readonly AnyResource[]>;
  readonly byRef: ReadonlyMap<string, AnyResource>;
  readonly patient?: AnyResource;
  readonly issues: DataIssue[];
}

/** Relative reference of a resource ("Observation/abc"), or a stable placeholder when it has no id. */
export function refOf(resource: AnyResource): string {
  return typeof resource['id'] === 'string' ? `${resource.resourceType}/${resource['id']}` : `${resource.resourceType}/(no id)`;
}

function codingsOfConcept(concept: unknown): { system: string; code: string }[] {
  if (concept === null || typeof concept !== 'object') return [];
  const coding = (concept as { coding?: unknown }).coding;
  if (!Array.isArray(coding)) return [];
  const out: { system: string; code: string }[] = [];
  for (const c of coding) {
    if (c !== null && typeof c === 'object' && typeof (c as { system?: unknown }).system === 'string' && typeof (c as { code?: unknown }).code === 'string') {
      out.push({ system: (c as { system: string }).system, code: (c as { code: string }).code });
    }
  }
  return out;
}

const SUBJECT_FIELDS = ['subject', 'patient'] as const;

function belongsTo(resource: AnyResource, patientId: string): boolean {
  if (resource.resourceType === 'Patient') return resource['id'] === undefined || resource['id'] === patientId;
  for (const field of SUBJECT_FIELDS) {
    const ref = resource[field];
    if (ref === null || typeof ref !== 'object') continue;
    const reference = (ref as { reference?: unknown }).reference;
    if (typeof reference !== 'string') continue;
    // A urn:uuid reference (transaction Bundles) is trusted only when the uuid is the patient id itself.
    if (reference.startsWith('urn:uuid:')) return reference === `urn:uuid:${patientId}`;
    return reference === `Patient/${patientId}` || reference.endsWith(`/Patient/${patientId}`);
  }
  return true;
}

/** Builds the index in one pass (linear in the number of resources). */
export function indexRecord(resources: readonly unknown[], patientId: string): RecordIndex {
  const byType = new Map<string, AnyResource[]>();
  const byCode = new Map<string, AnyResource[]>();
  const byRef = new Map<string, AnyResource>();
  const issues: DataIssue[] = [];
  let patient: AnyResource | undefined;
  let otherPatient = 0;
  for (const item of resources) {
    if (item === null || typeof item !== 'object' || typeof (item as { resourceType?: unknown }).resourceType !== 'string') {
      issues.push({ code: 'not-a-resource', message: 'an entry without resourceType was ignored' });
      continue;
    }
    const resource = item as AnyResource;
    if (!belongsTo(resource, patientId)) {
      otherPatient += 1;
      continue;
    }
    if (resource.resourceType === 'Patient') patient = resource;
    let list = byType.get(resource.resourceType);
    if (list === undefined) byType.set(resource.resourceType, (list = []));
    list.push(resource);
    if (typeof resource['id'] === 'string') byRef.set(refOf(resource), resource);
    for (const { system, code } of codingsOfConcept(resource['code'])) {
      const key = `${resource.resourceType}|${system}|${code}`;
      let bucket = byCode.get(key);
      if (bucket === undefined) byCode.set(key, (bucket = []));
      if (bucket[bucket.length - 1] !== resource) bucket.push(resource);
    }
  }
  if (otherPatient > 0) issues.push({ code: 'other-patient', message: `${otherPatient} resource(s) of another patient were ignored` });
  return { byType, byCode, byRef, ...(patient === undefined ? {} : { patient }), issues };
}
