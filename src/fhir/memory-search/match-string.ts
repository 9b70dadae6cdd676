/**
 * String search matching (FHIR R4 search § string): case-insensitive "starts with" by default, exact
 * (case-sensitive, whole value) with `:exact`.
 * @see https://hl7.org/fhir/R4/search.html#string
 */

/** A predicate on one string element for a search value. */
export function stringPredicate(value: string, exact: boolean): (text: unknown) => boolean {
  if (exact) return (text) => text === value;
  const needle = value.toLowerCase();
  return (text) => typeof text === 'string' && text.toLowerCase().startsWith(needle);
}
