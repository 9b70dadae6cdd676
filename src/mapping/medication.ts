/** Finds what drug or procedure a resource names: medication[x] (inline, referenced or contained) or code. */
import type { AnyResource } from './record-index';

/** The CodeableConcept naming the medication of a MedicationRequest / Statement / Administration / DSTU2 MedicationOrder, or a Medication's code. */
export function medicationConcept(resource: Readonly<Record<string, unknown>>, byRef?: ReadonlyMap<string, AnyResource>): unknown {
  if (resource['resourceType'] === 'Medication') return resource['code'];
  if (resource['medicationCodeableConcept'] !== undefined) return resource['medicationCodeableConcept'];
  const ref = resource['medicationReference'];
  if (ref === null || typeof ref !== 'object') return undefined;
  const reference = (ref as { reference?: unknown }).reference;
  const display = (ref as { display?: unknown }).display;
  if (typeof reference === 'string') {
    let target: unknown;
    if (reference.startsWith('#')) {
      const contained = resource['contained'];
      if (Array.isArray(contained)) target = contained.find((c) => c !== null && typeof c === 'object' && `#${String((c as { id?: unknown }).id)}` === reference);
    } else target = byRef?.get(relativeRef(reference));
    if (target !== null && typeof target === 'object') {
      const code = (target as { code?: unknown }).code;
      if (code !== undefined) return code;
    }
  }
  return typeof display === 'string' ? { text: display } : undefined;
}

/** "http://x/fhir/MedicationRequest/1" or "MedicationRequest/1/_history/2" → "MedicationRequest/1". */
export function relativeRef(reference: string): string {
  const parts = reference.split('/').filter((p) => p !== '');
  const hist = parts.indexOf('_history');
  const trimmed = hist >= 0 ? parts.slice(0, hist) : parts;
  return trimmed.slice(-2).join('/');
}

/** The concept that identifies a resource for value-set matching. */
export function primaryConcept(resource: AnyResource, byRef?: ReadonlyMap<string, AnyResource>): unknown {
  switch (resource.resourceType) {
    case 'MedicationRequest':
    case 'MedicationStatement':
    case 'MedicationAdministration':
    case 'MedicationOrder':
    case 'Medication':
      return medicationConcept(resource, byRef);
    case 'AdverseEvent':
      return resource['event'];
    default:
      return resource['code'];
  }
}
