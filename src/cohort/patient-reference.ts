/**
 * Which patient a Bulk Data resource belongs to: a Patient is its own; a resource of the patient compartment names
 * its patient in `subject` or `patient` (FHIR R4 CompartmentDefinition/patient), as a relative reference
 * `Patient/<id>`, with `_history/<v>`, or as an absolute URL ending so.
 */

const PATIENT_REF = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** Resource types that belong to no single patient and are shared by reference (kept aside, see medication-store.ts). */
export const SHARED_TYPES: ReadonlySet<string> = new Set(['Medication']);

/** The patient id a resource belongs to, or undefined when it names none. */
export function patientIdOf(resource: Readonly<Record<string, unknown>>): string | undefined {
  if (resource['resourceType'] === 'Patient') return typeof resource['id'] === 'string' && resource['id'] !== '' ? resource['id'] : undefined;
  for (const member of ['subject', 'patient']) {
    const ref = resource[member] as { reference?: unknown } | undefined;
    if (ref !== null && typeof ref === 'object' && typeof ref.reference === 'string') {
      const match = PATIENT_REF.exec(ref.reference);
      if (match?.[1] !== undefined) return match[1];
    }
  }
  return undefined;
}
