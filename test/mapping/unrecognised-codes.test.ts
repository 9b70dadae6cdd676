/** listUnrecognisedCodes: the codings of a record no value set of the shipped mappings recognises. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMappings } from '../../src/mapping';
import { listUnrecognisedCodes } from '../../src/mapping/unrecognised-codes';
import { mappings } from './support';

const LOINC = 'http://loinc.org';
const LOCAL = 'http://hospital.example/lab';

function obs(id: string, coding: { system?: string; code?: string; display?: string }[], text?: string): Record<string, unknown> {
  return { resourceType: 'Observation', id, status: 'final', subject: { reference: 'Patient/p1' }, code: { coding, ...(text === undefined ? {} : { text }) } };
}

it('lists an Observation code no lab value set holds, counted per resource, and not a recognised one', () => {
  const out = listUnrecognisedCodes(mappings(), [
    { resourceType: 'Patient', id: 'p1' },
    obs('a', [{ system: LOINC, code: '1742-6', display: 'ALT' }]),
    obs('b', [{ system: LOCAL, code: 'L-ALT', display: '谷丙转氨酶' }]),
    obs('c', [{ system: LOCAL, code: 'L-ALT' }], '谷丙转氨酶'),
    obs('d', [{ system: LOCAL, code: 'L-XYZ' }]),
  ]);
  expect(out).toEqual([
    { system: LOCAL, code: 'L-ALT', display: '谷丙转氨酶', resourceType: 'Observation', count: 2 },
    { system: LOCAL, code: 'L-XYZ', resourceType: 'Observation', count: 1 },
  ]);
});

it('does not list the unmatched codings of a concept another coding makes recognised', () => {
  const out = listUnrecognisedCodes(mappings(), [obs('a', [{ system: LOCAL, code: 'L-ALT' }, { system: LOINC, code: '1742-6' }])]);
  expect(out).toEqual([]);
});

it('reads medication[x], following a medicationReference to the Medication in the record', () => {
  const out = listUnrecognisedCodes(mappings(), [
    { resourceType: 'Medication', id: 'm1', code: { coding: [{ system: 'http://hospital.example/drug', code: 'D-9', display: 'Drug nine' }] } },
    { resourceType: 'MedicationRequest', id: 'r1', status: 'active', subject: { reference: 'Patient/p1' }, medicationReference: { reference: 'Medication/m1' } },
    // Recognised by name (systemic-drugs texts), so its local code is not listed.
    { resourceType: 'MedicationRequest', id: 'r2', status: 'active', subject: { reference: 'Patient/p1' }, medicationCodeableConcept: { coding: [{ system: 'http://hospital.example/drug', code: 'D-1' }], text: '阿替利珠单抗注射液' } },
  ]);
  expect(out).toEqual([{ system: 'http://hospital.example/drug', code: 'D-9', display: 'Drug nine', resourceType: 'MedicationRequest', count: 1 }]);
});

it('reads Condition and Procedure codes and ignores types no mapping reads through a value set and malformed items', () => {
  const out = listUnrecognisedCodes(mappings(), [
    { resourceType: 'Condition', id: 'c1', code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'C22.0' }] } },
    { resourceType: 'Condition', id: 'c2', code: { coding: [{ system: 'http://hospital.example/dx', code: 'X1', display: '某病' }] } },
    { resourceType: 'Procedure', id: 'p', code: { coding: [{ system: 'http://hospital.example/proc', code: 'P1' }] } },
    { resourceType: 'Encounter', id: 'e', type: [{ coding: [{ system: 'x', code: 'y' }] }] },
    null,
    'text',
    { resourceType: 'Observation', id: 'nocode' },
    obs('nosystem', [{ code: 'only-code' }]),
  ]);
  expect(out).toEqual([
    { system: 'http://hospital.example/dx', code: 'X1', display: '某病', resourceType: 'Condition', count: 1 },
    { system: 'http://hospital.example/proc', code: 'P1', resourceType: 'Procedure', count: 1 },
  ]);
});

it('a concept matched only by a name not trusted without a code (needs-code) or by a class (unclassified) is still listed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcc-unrecognised-'));
  try {
    mkdirSync(join(dir, 'valuesets'));
    writeFileSync(join(dir, 'site-profile.yaml'), 'name: Tags\n');
    writeFileSync(join(dir, 'valuesets', 'dx.yaml'), 'valueSet: hcc-diagnosis\ntexts:\n  - { text: zz-untrusted-name, tags: [needs-code] }\n  - { text: zz-trusted-name }\n');
    const m = loadMappings(undefined, { siteProfile: dir });
    const condition = (id: string, display: string): Record<string, unknown> => ({ resourceType: 'Condition', id, code: { coding: [{ system: 'http://hospital.example/dx', code: id, display }] } });
    expect(listUnrecognisedCodes(m, [condition('X1', 'zz-untrusted-name'), condition('X2', 'zz-trusted-name')])).toEqual([{ system: 'http://hospital.example/dx', code: 'X1', display: 'zz-untrusted-name', resourceType: 'Condition', count: 1 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
