/**
 * Date search matching (FHIR R4 search § date): a value of any precision is the range it covers, compared
 * with the prefixes eq, ne, lt, gt, le, ge, sa and eb (ap is not supported). Date-only values are UTC days.
 * @see https://hl7.org/fhir/R4/search.html#date
 */

/** The half-open instant range [start, end) a FHIR date or dateTime covers; undefined when it is not one. */
export function dateRange(text: string): readonly [number, number] | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  if (m[2] === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  const month = Number(m[2]) - 1;
  if (m[3] === undefined) return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
  const day = Number(m[3]);
  if (m[4] === undefined) return [Date.UTC(year, month, day), Date.UTC(year, month, day + 1)];
  const instant = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}${m[5] ?? 'Z'}`);
  if (Number.isNaN(instant)) return undefined;
  const precision = m[4].length <= 5 ? 60_000 : 1000;
  return [instant, instant + precision];
}

const DATE_VALUE = /^(eq|ne|lt|gt|ge|le|sa|eb)?(\d.*)$/;

/** A predicate on a resource's date for a search value (`ge2025-01-01`); undefined when the value is not supported. */
export function datePredicate(value: string): ((date: string | undefined) => boolean) | undefined {
  const m = DATE_VALUE.exec(value);
  const wanted = m?.[2] === undefined ? undefined : dateRange(m[2]);
  if (m === null || wanted === undefined) return undefined;
  const prefix = m[1] ?? 'eq';
  const [ws, we] = wanted;
  return (date) => {
    const range = date === undefined ? undefined : dateRange(date);
    if (range === undefined) return false;
    const [rs, re] = range;
    switch (prefix) {
      case 'lt':
        return rs < ws;
      case 'eb':
        return re <= ws;
      case 'gt':
        return re > we;
      case 'sa':
        return rs >= we;
      case 'le':
        return rs < we;
      case 'ge':
        return re > ws;
      case 'ne':
        return !(rs >= ws && re <= we);
      default:
        return rs >= ws && re <= we;
    }
  };
}
