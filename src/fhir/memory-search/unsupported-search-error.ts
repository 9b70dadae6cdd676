/**
 * The error a strict in-memory search raises for a query it cannot answer exactly (FHIR R4 search § handling:
 * `Prefer: handling=strict` servers refuse unknown or unsupported parameters instead of ignoring them).
 */

/** A query the in-memory search cannot answer: an unsupported parameter, modifier or value, or a malformed URL. */
export class UnsupportedSearchError extends Error {
  /** The names of the offending parameters (empty for a malformed URL). */
  readonly parameters: readonly string[];

  constructor(message: string, parameters: readonly string[] = []) {
    super(message);
    this.name = 'UnsupportedSearchError';
    this.parameters = parameters;
  }
}
