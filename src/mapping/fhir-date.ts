/**
 * Epoch milliseconds of a FHIR date / dateTime / instant string, equal to Date.parse for every input: the common
 * forms (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm:ss[.f{1,3}](Z|±hh:mm)) are read digit by digit, anything else
 * (local times, out-of-range fields, other spellings) goes to Date.parse. FHIR R4 §2.24.0.1 (date, dateTime, instant).
 */

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i += 1) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return DAYS[month - 1] as number;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), as Date.UTC counts them. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  return daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

function fast(s: string): number | undefined {
  const len = s.length;
  if (len !== 4 && len !== 7 && len < 10) return undefined;
  const year = digits(s, 0, 4);
  if (year < 0) return undefined;
  if (len === 4) return utc(year, 1, 1);
  if (s.charCodeAt(4) !== 45) return undefined; // '-'
  const month = digits(s, 5, 2);
  if (month < 1 || month > 12) return undefined;
  if (len === 7) return utc(year, month, 1);
  if (s.charCodeAt(7) !== 45) return undefined;
  const day = digits(s, 8, 2);
  if (day < 1 || day > daysIn(year, month)) return undefined;
  if (len === 10) return utc(year, month, day);
  // Time: Thh:mm:ss then optional .f{1,3}, then Z or ±hh:mm (a time without offset is local: Date.parse).
  if (len < 20 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined; // 'T' ':' ':'
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let at = 19;
  let ms = 0;
  if (s.charCodeAt(at) === 46) {
    // '.'
    let n = 0;
    at += 1;
    while (at < len && n < 4) {
      const c = s.charCodeAt(at) - 48;
      if (c < 0 || c > 9) break;
      ms = ms * 10 + c;
      n += 1;
      at += 1;
    }
    if (n === 0 || n > 3) return undefined;
    ms *= n === 1 ? 100 : n === 2 ? 10 : 1;
  }
  const at0 = utc(year, month, day, hour, minute, second, ms);
  const zone = s.charCodeAt(at);
  if (zone === 90) return at + 1 === len ? at0 : undefined; // 'Z'
  if ((zone !== 43 && zone !== 45) || at + 6 !== len || s.charCodeAt(at + 3) !== 58) return undefined; // '+' '-' ':'
  const oh = digits(s, at + 1, 2);
  const om = digits(s, at + 4, 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
  const offset = (oh * 60 + om) * 60_000;
  return zone === 43 ? at0 - offset : at0 + offset;
}

/** Date.parse of a FHIR date/dateTime/instant, several times faster for the common forms (NaN when invalid). */
export function parseFhirDate(s: string): number {
  const ms = fast(s);
  return ms === undefined ? Date.parse(s) : ms;
}
