/**
 * A request problem's location as it may be logged: a JSON member name from an invalid request can carry a
 * patient's name, so only member names the service's own request schemas declare are kept, every other name
 * becomes `*`, array indices stay, and the result is bounded (issue 11, log hygiene).
 */
import feedbackSchema from '../cds-hooks/schemas/feedback.schema.json';
import commonSchema from '../cds-hooks/schemas/request-common.schema.json';
import orderSelectSchema from '../cds-hooks/schemas/request-order-select.schema.json';
import orderSignSchema from '../cds-hooks/schemas/request-order-sign.schema.json';
import patientViewSchema from '../cds-hooks/schemas/request-patient-view.schema.json';

const MAX_SEGMENTS = 8;
const MAX_LOCATIONS = 10;

function declaredNames(schema: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) declaredNames(item, out);
  else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if ((key === 'properties' || key === 'required') && typeof value === 'object' && value !== null) {
        for (const name of Array.isArray(value) ? value : Object.keys(value)) if (typeof name === 'string') out.add(name);
      }
      declaredNames(value, out);
    }
  }
  return out;
}

/** Member names of the CDS Hooks request and feedback schemas (hook, context, prefetch, draftOrders, …) and of a Bundle entry. */
const KNOWN = declaredNames([commonSchema, patientViewSchema, orderSelectSchema, orderSignSchema, feedbackSchema], new Set(['$', 'entry', 'resource', 'resourceType', 'id']));

/** One location with undeclared member names replaced by `*` and at most 8 segments. */
export function loggableLocation(location: string): string {
  const segments = location.slice(0, 2000).split(/\.|(?=\[)/);
  const out = segments.slice(0, MAX_SEGMENTS).map((segment) => (/^\[\d{1,6}\]$/.test(segment) || KNOWN.has(segment) ? segment : '*'));
  return out.join('.').replace(/\.\[/g, '[') + (segments.length > MAX_SEGMENTS ? '.…' : '');
}

/** The first locations of a request problem, loggable. */
export function loggableLocations(locations: readonly string[]): string[] {
  return locations.slice(0, MAX_LOCATIONS).map(loggableLocation);
}
