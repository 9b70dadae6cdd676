/**
 * Finds what drug or procedure a resource names: medication[x] (inline, or a medicationReference resolved against
 * the record's Medication resources or `contained`, then its `display`) or code. FHIR R4 MedicationRequest.medication[x].
 */
import type { AnyResource, RefLookup } from './record-index';

function present(node: unknown): boolean {
  return node !== null && typeof node === 'object' && Object.keys(node).length > 0;
}

function containedTarget(resource: Readonly<Record<string, unknown>>, reference: string): unknown {
  const contained = resource['contained'];
  if (!Array.isArray(contained)) return undefined;
  const id = reference.slice(1);
  return contained.find((c) => c !== null && typeof c === 'object' && (c as { id?: unknown }).id === id);
}

/**
 * The CodeableConcept naming the medication of a MedicationRequest / Statement / Administration / DSTU2 MedicationOrder,
 * or a Medication's code. A medicationReference yields the referenced Medication's code and the reference's display
 * (both, as a list, when both exist); undefined when neither can be found.
 */
export function medicationConcept(resource: Readonly<Record<string, unknown>>, byRef?: RefLookup): unknown {
  if (resource['resourceType'] === 'Medication') return resource['code'];
  if (resource['medicationCodeableConcept'] !== undefined) return resource['medicationCodeableConcept'];
  const ref = resource['medicationReference'];
  if (ref === null || typeof ref !== 'object') return undefined;
  const reference = (ref as { reference?: unknown }).reference;
  const display = (ref as { display?: unknown }).display;
  let code: unknown;
  if (typeof reference === 'string') {
    const target = reference.startsWith('#') ? containedTarget(resource, reference) : byRef?.get(relativeRef(reference));
    if (target !== null && typeof target === 'object') code = (target as { code?: unknown }).code;
  }
  const named = typeof display === 'string' && display.trim() !== '' ? { text: display } : undefined;
  if (present(code)) return named === undefined ? code : [code, named];
  return named;
}

/** True when a medication concept carries something to recognise a drug by: a coded coding, a text or a display. */
export function isIdentifiable(concept: unknown): boolean {
  if (Array.isArray(concept)) return concept.some(isIdentifiable);
  if (concept === null || typeof concept !== 'object') return false;
  const c = concept as { text?: unknown; coding?: unknown };
  if (typeof c.text === 'string' && c.text.trim() !== '') return true;
  if (!Array.isArray(c.coding)) return false;
  return c.coding.some((x: unknown) => {
    if (x === null || typeof x !== 'object') return false;
    const { code, display } = x as { code?: unknown; display?: unknown };
    return (typeof code === 'string' && code.trim() !== '') || (typeof display === 'string' && display.trim() !== '');
  });
}

/** "http://x/fhir/MedicationRequest/1" or "MedicationRequest/1/_history/2" → "MedicationRequest/1". */
export function relativeRef(reference: string): string {
  const parts = reference.split('/').filter((p) => p !== '');
  const hist = parts.indexOf('_history');
  const trimmed = hist >= 0 ? parts.slice(0, hist) : parts;
  return trimmed.slice(-2).join('/');
}

/** The concept that identifies a resource for value-set matching. */
export function primaryConcept(resource: AnyResource, byRef?: RefLookup): unknown {
  switch (resource.resourceType) {
    case 'MedicationRequest':
    case 'MedicationStatement':
    case 'MedicationAdministration':
    case 'MedicationOrder':
    case 'Medication':
      return medicationConcept(resource, byRef);
    case 'AdverseEvent':
      return resource['event'];
    case 'ImagingStudy':
      return resource['procedureCode'];
    default:
      return resource['code'];
  }
}
