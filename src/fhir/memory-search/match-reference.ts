/**
 * Reference search matching (FHIR R4 search § reference): `[id]`, `[type]/[id]` or an absolute URL, compared
 * with the relative `Type/id` of the resource's reference (absolute and `_history` forms normalised).
 * @see https://hl7.org/fhir/R4/search.html#reference
 */

/** `https://x/fhir/Patient/1/_history/2` → `Patient/1` (the last type/id pair). */
export function relativeReference(reference: string): string {
  const parts = reference.split('/');
  const history = parts.indexOf('_history');
  return (history >= 0 ? parts.slice(0, history) : parts).slice(-2).join('/');
}

/**
 * A predicate on reference strings for a search value; a bare id means `defaultType/id`, or any type with that
 * id when no default type is given.
 */
export function referencePredicate(value: string, defaultType: string | undefined): (reference: string) => boolean {
  if (value.includes('/')) {
    const wanted = relativeReference(value);
    return (reference) => relativeReference(reference) === wanted;
  }
  if (defaultType !== undefined) {
    const wanted = `${defaultType}/${value}`;
    return (reference) => relativeReference(reference) === wanted;
  }
  return (reference) => {
    const [type, id] = relativeReference(reference).split('/');
    return type !== undefined && id === value;
  };
}
