/**
 * Unit aliases (fhir-mappings/unit-aliases.yaml): each spelling hospitals write resolves to a UCUM unit and then
 * converts to the fact's canonical unit, whether it stands in valueQuantity.unit or .code; an unreadable unit stays
 * Unknown with a data issue naming the unit and the resource.
 */
import { extractFacts } from '../../src/mapping';
import { fact, mappings, NOW } from './support';

const LOINC = 'http://loinc.org';
const LOINC_OF: Record<string, string> = {
  totalBilirubin: '1975-2',
  creatinine: '2160-0',
  platelets: '777-3',
  alt: '1742-6',
  ast: '1920-8',
  inr: '6301-6',
  troponinI: '10839-9',
  hbvDna: '29615-2',
  tsh: '3016-3',
};

function record(factName: string, quantity: Record<string, unknown>): ReturnType<typeof extractFacts> {
  const observation = {
    resourceType: 'Observation',
    id: 'lab',
    status: 'final',
    subject: { reference: 'Patient/p1' },
    code: { coding: [{ system: LOINC, code: LOINC_OF[factName] }] },
    effectiveDateTime: '2025-05-20',
    valueQuantity: quantity,
  };
  return extractFacts(mappings(), [{ resourceType: 'Patient', id: 'p1' }, observation] as never, { patientId: 'p1', now: NOW });
}

const CASES: [string, string, number, number, string][] = [
  // fact, alias as written, value, expected value in the canonical unit, canonical unit
  ['totalBilirubin', 'μmol/L', 34, 34, 'umol/L'], // U+03BC
  ['totalBilirubin', 'µmol/L', 34, 34, 'umol/L'], // U+00B5
  ['totalBilirubin', 'umol/l', 34, 34, 'umol/L'],
  ['creatinine', 'μmol/l', 80, 80, 'umol/L'],
  ['creatinine', 'µmol/l', 80, 80, 'umol/L'],
  ['alt', 'IU/L', 45, 45, 'U/L'],
  ['ast', 'IU/L', 52, 52, 'U/L'],
  ['platelets', 'K/uL', 150, 150, '10*9/L'],
  ['platelets', 'K/μL', 150, 150, '10*9/L'],
  ['platelets', 'K/µL', 150, 150, '10*9/L'],
  ['platelets', '×10^9/L', 150, 150, '10*9/L'],
  ['platelets', 'x10^9/L', 150, 150, '10*9/L'],
  ['platelets', 'X10^9/L', 150, 150, '10*9/L'],
  ['platelets', '10^9/L', 150, 150, '10*9/L'],
  ['platelets', '×10⁹/L', 150, 150, '10*9/L'],
  ['troponinI', 'μg/L', 0.005, 5, 'ng/L'],
  ['troponinI', 'µg/L', 0.005, 5, 'ng/L'],
  ['troponinI', 'ug/l', 0.005, 5, 'ng/L'],
  ['hbvDna', 'IU/mL', 150, 150, '[IU]/mL'],
  ['hbvDna', 'IU/L', 150000, 150, '[IU]/mL'],
  ['tsh', 'mIU/L', 2.1, 2.1, 'm[IU]/L'],
  ['tsh', 'uIU/mL', 2.1, 2.1, 'm[IU]/L'],
  ['tsh', 'μIU/mL', 2.1, 2.1, 'm[IU]/L'],
  ['tsh', 'µIU/mL', 2.1, 2.1, 'm[IU]/L'],
  ['inr', 'INR', 1.1, 1.1, '{INR}'],
  ['inr', '', 1.1, 1.1, '{INR}'],
];

describe.each([
  ['valueQuantity.unit', (alias: string, value: number) => ({ value, unit: alias })],
  ['valueQuantity.code', (alias: string, value: number) => ({ value, system: 'http://unitsofmeasure.org', code: alias })],
])('an alias in %s', (_where, quantity) => {
  it.each(CASES)('%s in %j', (name, alias, value, expected, unit) => {
    const f = fact(record(name, quantity(alias, value)), name);
    expect(f).toMatchObject({ known: true, unit, sources: ['Observation/lab'] });
    expect(f.known && (f.value as number)).toBeCloseTo(expected, 9);
  });
});

it('a blank code gives way to the unit written beside it', () => {
  expect(fact(record('totalBilirubin', { value: 2, code: '', unit: 'mg/dL' }), 'totalBilirubin')).toMatchObject({ known: true, value: 34.2079157117, unit: 'umol/L' });
});

it('an alias scoped to some facts does not apply to others: an empty unit is no bilirubin unit', () => {
  const set = record('totalBilirubin', { value: 34, unit: '' });
  expect(fact(set, 'totalBilirubin')).toMatchObject({ known: false, reason: 'unmappable-unit' });
  expect(fact(record('platelets', { value: 150, unit: 'INR' }), 'platelets')).toMatchObject({ known: false, reason: 'unmappable-unit' });
});

it('an unreadable unit stays Unknown with a data issue naming the unit and the resource', () => {
  const set = record('totalBilirubin', { value: 34, unit: 'micromoles per litre' });
  expect(fact(set, 'totalBilirubin')).toMatchObject({ known: false, reason: 'unmappable-unit' });
  expect(set.issues).toContainEqual(expect.objectContaining({ code: 'unmappable-unit', location: 'Observation/lab', message: expect.stringContaining("'micromoles per litre'") }));
});

it('baselines and reference ranges read with the aliases of the fact they belong to', () => {
  const observation = {
    resourceType: 'Observation',
    id: 'alt',
    status: 'final',
    subject: { reference: 'Patient/p1' },
    code: { coding: [{ system: LOINC, code: '1742-6' }] },
    effectiveDateTime: '2025-05-20',
    valueQuantity: { value: 45, unit: 'IU/L' },
    referenceRange: [{ high: { value: 40, unit: 'IU/L' } }],
  };
  const set = extractFacts(mappings(), [{ resourceType: 'Patient', id: 'p1' }, observation] as never, { patientId: 'p1', now: NOW });
  expect(fact(set, 'altUln')).toMatchObject({ known: true, value: 40, unit: 'U/L' });
});
