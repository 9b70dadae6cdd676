/** UCUM conversions used by the mappings (@lhncbc/ucum-lhc, cached factors). */
import { isValidUcum, UnitConverter } from '../../src/mapping/units';

const u = new UnitConverter();

it.each([
  [1, 'mg/dL', 'umol/L', 584.66, 17.10396],
  [1, 'mg/dL', 'umol/L', 113.12, 88.40170],
  [3.5, 'g/dL', 'g/L', undefined, 35],
  [150, '10*3/uL', '10*9/L', undefined, 150],
  [55, 'mm', 'cm', undefined, 5.5],
  [2.5, 'u[IU]/mL', 'm[IU]/L', undefined, 2.5],
  [1, 'ng/dL', 'pmol/L', 776.87, 12.87217],
  [0.05, 'ng/mL', 'ng/L', undefined, 50],
])('%p %s → %s', (value, from, to, mm, expected) => {
  expect(u.convert(value, from, to, mm)).toBeCloseTo(expected, 4);
});

it('refuses what cannot be converted', () => {
  expect(u.convert(1, 'U/L', 'cm')).toBeUndefined();
  expect(u.convert(1, 'mg/dL', 'umol/L')).toBeUndefined(); // no molar mass
  expect(u.convert(1, '{INR}', '{ratio}')).toBeUndefined();
  expect(u.convert(1, 'Cel', 'K')).toBeUndefined(); // not a ratio scale
  expect(u.convert(1, 'not a unit', 'g/L')).toBeUndefined();
});

it('validates UCUM strings', () => {
  expect(isValidUcum('m[IU]/L')).toBe(true);
  expect(isValidUcum('10*9/L')).toBe(true);
  expect(isValidUcum('furlongs per fortnight')).toBe(false);
});
