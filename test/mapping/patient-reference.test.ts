/**
 * The mapping layer and the HTTP gathering agree on which references name the patient (src/shared/fhir-reference.ts):
 * relative, absolute and `_history` forms of Patient/<id> belong to the patient; anything else is another patient's.
 */
import fc from 'fast-check';
import { isRelativeReferenceTo } from '../../src/fhir/gather-clinical-data';
import type { Compiled } from '../../src/mapping/compiled';
import { indexRecord } from '../../src/mapping/record-index';
import { isRelativeReferenceTo as shared } from '../../src/shared/fhir-reference';
import { mappings } from './support';

function kept(reference: string): boolean {
  const resource = { resourceType: 'Observation', id: 'o', status: 'final', subject: { reference } };
  return (indexRecord([resource], 'p1', (mappings().compiled as Compiled).dispatch).byType.get('Observation') ?? []).length === 1;
}

describe('a subject reference belongs to the patient', () => {
  it('the HTTP gathering uses the shared reading', () => {
    expect(isRelativeReferenceTo).toBe(shared);
  });

  it.each([
    ['Patient/p1', true],
    ['Patient/p1/_history/3', true],
    ['https://ehr.example.org/fhir/Patient/p1', true],
    ['https://ehr.example.org/fhir/Patient/p1/_history/7', true],
    ['Patient/p2', false],
    ['https://ehr.example.org/fhir/Patient/p2/_history/1', false],
    ['Patient/p10', false],
    ['Group/p1', false],
  ])('%s → %s', (reference, expected) => {
    expect(kept(reference)).toBe(expected);
  });

  it('the mapping layer keeps exactly what the HTTP gathering accepts (urn:uuid aside)', () => {
    const segment = fc.constantFrom('', 'Patient', 'p1', 'p2', '_history', '3', 'https:', 'ehr.example.org', 'fhir');
    const reference = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/'));
    fc.assert(fc.property(reference, (ref) => kept(ref) === shared(ref, 'Patient/p1')), { numRuns: 2000 });
  });
});
