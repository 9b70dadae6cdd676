/**
 * Token search matching (FHIR R4 search § token): `[code]`, `[system]|[code]`, `|[code]` (no system) and
 * `[system]|` against code strings, Codings, CodeableConcepts and Identifiers.
 * @see https://hl7.org/fhir/R4/search.html#token
 */

type Json = Record<string, unknown>;

/** One parsed token value: system undefined = any system, '' = no system; code '' = any code. */
export interface TokenValue {
  readonly system: string | undefined;
  readonly code: string;
}

/** Parses `system|code`, `|code`, `system|` or `code`. */
export function parseToken(text: string): TokenValue {
  const bar = text.indexOf('|');
  return bar < 0 ? { system: undefined, code: text } : { system: text.slice(0, bar), code: text.slice(bar + 1) };
}

function systemMatches(actual: unknown, wanted: string | undefined): boolean {
  if (wanted === undefined) return true;
  if (wanted === '') return actual === undefined;
  return actual === wanted;
}

/** True when the element (code, Coding, CodeableConcept or Identifier) matches the token. */
export function tokenMatches(element: unknown, token: TokenValue): boolean {
  if (typeof element === 'string' || typeof element === 'boolean') {
    return (token.system === undefined || token.system === '') && (token.code === '' || String(element) === token.code);
  }
  if (element === null || typeof element !== 'object') return false;
  const json = element as Json;
  if (Array.isArray(json['coding'])) return (json['coding'] as unknown[]).some((c) => tokenMatches(c, token));
  if (json['value'] !== undefined && json['code'] === undefined) {
    // Identifier: system|value.
    return systemMatches(json['system'], token.system) && (token.code === '' || json['value'] === token.code);
  }
  if (json['code'] === undefined) return false;
  return systemMatches(json['system'], token.system) && (token.code === '' || json['code'] === token.code);
}
