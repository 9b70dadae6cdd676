/** Jest helpers asserting bodies against our own CDS Hooks 2.0.1 schemas and invariants (src/cds-hooks/validator.ts). */
import { validateCdsResponse, validateDiscoveryResponse } from '../../src/cds-hooks/validator';

/** Fails the test with every problem when `body` is not a valid CDS Hooks response. */
export function expectValidCdsResponse(body: unknown): void {
  expect(validateCdsResponse(body)).toEqual([]);
}

/** Fails the test with every problem when `body` is not a valid discovery response. */
export function expectValidDiscoveryResponse(body: unknown): void {
  expect(validateDiscoveryResponse(body)).toEqual([]);
}
