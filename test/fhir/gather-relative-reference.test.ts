import fc from 'fast-check';
import { isRelativeReferenceTo } from '../../src/fhir/gather-clinical-data';

/** The split-based reading the fast check must agree with. */
function relativeReference(ref: string): string {
  const parts = ref.split('/');
  const h = parts.indexOf('_history');
  return (h >= 0 ? parts.slice(0, h) : parts).slice(-2).join('/');
}

describe('isRelativeReferenceTo', () => {
  it.each([
    ['Patient/p1', 'Patient/p1', true],
    ['https://x/fhir/Patient/p1', 'Patient/p1', true],
    ['https://x/fhir/Patient/p1/_history/2', 'Patient/p1', true],
    ['Patient/p1/_history', 'Patient/p1', true],
    ['Patient/p2', 'Patient/p1', false],
    ['Patient/p1x', 'Patient/p1', false],
    ['_history/Patient/p1', 'Patient/p1', false],
    ['Patient/_history_x', 'Patient/_history_x', true],
    ['/p1', '/p1', true],
    ['', 'Patient/p1', false],
  ])('%s against %s is %s', (ref, target, expected) => {
    expect(isRelativeReferenceTo(ref, target)).toBe(expected);
    expect(relativeReference(ref) === target).toBe(expected);
  });

  it('agrees with the split-based reading on arbitrary references', () => {
    const segment = fc.constantFrom('', 'Patient', 'p1', '_history', '_historyx', 'x_history', '2', 'https:', 'fhir');
    const reference = fc.array(segment, { maxLength: 7 }).map((parts) => parts.join('/'));
    const target = fc.oneof(fc.constant('Patient/p1'), fc.constant('p1'), fc.constant('/p1'), reference);
    fc.assert(
      fc.property(reference, target, (ref, t) => isRelativeReferenceTo(ref, t) === (relativeReference(ref) === t)),
      { numRuns: 20000 },
    );
  });
});
