/**
 * FHIR R4 identity checks for what a suggestion may point at: the `id` datatype and a relative reference
 * `Type/id` built from them.
 * @see https://hl7.org/fhir/R4/datatypes.html#id
 * @see https://hl7.org/fhir/R4/references.html#literal
 */

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/;

/** True when the value is a valid FHIR R4 `id`. */
export function isFhirId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** The relative reference `Type/id` of a resource, or undefined unless both parts are valid. */
export function relativeReference(resource: Readonly<Record<string, unknown>>): string | undefined {
  const type = resource['resourceType'];
  const id = resource['id'];
  return typeof type === 'string' && RESOURCE_TYPE.test(type) && isFhirId(id) ? `${type}/${id}` : undefined;
}
