/** describeOrder: draft orders of order-select / order-sign, including lenient sandbox shapes; never throws. */
import { describeOrder } from '../../src/mapping';
import { mappings } from './support';

const H = 'http://hcc-cds.org/fhir/CodeSystem/hcc-procedure';

it('an R4 MedicationRequest for atezolizumab (ATC)', () => {
  expect(
    describeOrder(mappings(), {
      resourceType: 'MedicationRequest', id: 'd1', status: 'draft',
      medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01FF05', display: 'Atezolizumab' }] },
    }),
  ).toEqual({ resourceType: 'MedicationRequest', reference: 'MedicationRequest/d1', classes: ['ici', 'targeted-immune-drug'], display: 'Atezolizumab', agent: 'atezolizumab' });
});

it('a DSTU2 MedicationOrder for lenvatinib named in Chinese', () => {
  expect(describeOrder(mappings(), { resourceType: 'MedicationOrder', medicationCodeableConcept: { text: '仑伐替尼胶囊' } })).toMatchObject({
    classes: ['targeted', 'targeted-immune-drug', 'tki'],
    agent: 'lenvatinib',
  });
});

it('bevacizumab via a contained Medication', () => {
  const order = {
    resourceType: 'MedicationRequest', contained: [{ resourceType: 'Medication', id: 'm', code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '253337' }] } }],
    medicationReference: { reference: '#m' },
  };
  expect(describeOrder(mappings(), order).classes).toEqual(['anti-vegf', 'targeted', 'targeted-immune-drug']);
});

it('ServiceRequest for TACE, HAIC, SIRT; object-valued category tolerated', () => {
  const sr = (code: string, extra: Record<string, unknown> = {}): unknown => ({ resourceType: 'ServiceRequest', id: code, code: { coding: [{ system: H, code }] }, ...extra });
  expect(describeOrder(mappings(), sr('tace', { category: { text: 'procedure' } }))).toMatchObject({ classes: ['tace'], agent: 'tace', reference: 'ServiceRequest/tace' });
  expect(describeOrder(mappings(), sr('haic')).classes).toEqual(['haic']);
  expect(describeOrder(mappings(), sr('sirt-y90')).classes).toEqual(['internal-radiotherapy']);
  expect(describeOrder(mappings(), { resourceType: 'ServiceRequest', category: { coding: [{ system: H, code: 'ablation' }] } }).classes).toEqual(['ablation']);
});

it('unrecognised or malformed input → no classes, no throw', () => {
  for (const junk of [null, 42, 'x', [], {}, { resourceType: 'MedicationRequest' }, { resourceType: 'MedicationRequest', medicationCodeableConcept: 7 },
    { resourceType: 'ServiceRequest', code: { coding: 'nope' } }, { resourceType: 'Observation', id: 'o' }]) {
    expect(() => describeOrder(mappings(), junk)).not.toThrow();
    expect(describeOrder(mappings(), junk).classes).toEqual([]);
  }
  expect(describeOrder(mappings(), { resourceType: 'MedicationRequest', medicationCodeableConcept: { text: 'paracetamol' } })).toMatchObject({ classes: [], display: 'paracetamol' });
});
