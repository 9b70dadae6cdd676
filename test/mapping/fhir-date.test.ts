/** parseFhirDate equals Date.parse on every input (fast digit-by-digit path for FHIR forms, Date.parse otherwise). */
import fc from 'fast-check';
import { parseFhirDate } from '../../src/mapping/fhir-date';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
const same = (s: string): void => expect([s, parseFhirDate(s)]).toEqual([s, Date.parse(s)]);

it.each([
  '2025', '2025-06', '2025-06-01', '2024-02-29', '2023-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-06-01T08:30:00Z',
  '2025-06-01T08:30:00.1Z', '2025-06-01T08:30:00.12Z', '2025-06-01T08:30:00.123Z', '2025-06-01T08:30:00.1234Z', '2025-06-01T08:30:00+08:00',
  '2025-06-01T08:30:00-05:30', '2025-06-01T23:59:59.999+14:00', '2025-06-01T24:00:00Z', '2025-06-01T08:30:60Z', '2025-06-01T08:30Z',
  '2025-06-01T08:30:00', '2025-06-01 08:30:00Z', '2025-06-01T08:30:00+0800', '2025-06-01T08:30:00.Z', '2025-06-01Z', '1900-02-29',
  '2000-02-29', '0000-01-01', '+002025-06-01', 'June 1, 2025', '', 'not a date', '2025-6-1', '2025-06-01T08:30:00+24:00',
])('%s', same);

it('matches Date.parse on generated FHIR dateTimes and near-misses', () => {
  const part = fc.record({
    y: fc.integer({ min: 0, max: 9999 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }),
    h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 60 }),
    f: fc.constantFrom('', '.5', '.25', '.125', '.1250'), z: fc.constantFrom('Z', '+08:00', '-05:30', '+14:00', '', '+8:00'),
    form: fc.integer({ min: 0, max: 3 }),
  });
  fc.assert(
    fc.property(part, ({ y, mo, d, h, mi, s, f, z, form }) => {
      const date = [pad(y, 4), `${pad(y, 4)}-${pad(mo, 2)}`, `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`][Math.min(form, 2)] as string;
      const text = form < 3 ? date : `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${f}${z}`;
      const a = parseFhirDate(text);
      const b = Date.parse(text);
      return Object.is(a, b);
    }),
    { numRuns: 20_000 },
  );
});
