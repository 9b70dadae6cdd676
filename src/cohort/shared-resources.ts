/**
 * Resources a Bulk Data export writes once for many patients and patients reference (Medication, for
 * MedicationRequest.medicationReference): kept aside during partitioning and added to each patient's record when
 * referenced. Bounded: a formulary, not a cohort; past the cap a resource is dropped with an input problem.
 */
import type { FhirResource } from 'fhir/r4';
import type { InputProblems } from './input-problems';

/** Most shared resources kept. */
export const SHARED_CAP = 50_000;

/** The shared resources of a run, by relative reference (`Medication/<id>`). */
export class SharedResources {
  readonly byReference = new Map<string, FhirResource>();

  /** Keeps one shared resource (first one wins on a duplicate id). */
  add(resource: Record<string, unknown>, where: string, problems: InputProblems): void {
    const key = `${String(resource['resourceType'])}/${String(resource['id'])}`;
    if (this.byReference.has(key)) return;
    if (this.byReference.size >= SHARED_CAP) {
      const [file, line] = where.split(':');
      problems.add({ file: file ?? where, ...(line !== undefined ? { line: Number(line) } : {}), kind: 'shared-resource-cap', message: `more than ${SHARED_CAP} shared resources; ${key} is not kept` });
      return;
    }
    this.byReference.set(key, resource as unknown as FhirResource);
  }

  /** Plain entries, to hand to worker threads. */
  entries(): [string, FhirResource][] {
    return [...this.byReference.entries()];
  }
}

/** The shared resources a patient's resources reference (`medicationReference`), from `lookup`. */
export function referencedShared(resources: readonly FhirResource[], lookup: ReadonlyMap<string, FhirResource>): FhirResource[] {
  if (lookup.size === 0) return [];
  const out = new Map<string, FhirResource>();
  for (const r of resources) {
    const ref = (r as { medicationReference?: { reference?: unknown } }).medicationReference?.reference;
    if (typeof ref !== 'string') continue;
    const match = /(?:^|\/)(Medication\/[^/]+)(?:\/_history\/[^/]+)?$/.exec(ref);
    const found = match?.[1] !== undefined ? lookup.get(match[1]) : undefined;
    if (found !== undefined && match?.[1] !== undefined) out.set(match[1], found);
  }
  return [...out.values()];
}
