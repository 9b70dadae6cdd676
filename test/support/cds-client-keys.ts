/**
 * The test CDS client under its older name: a thin alias of scripts/lib/jwt-signer (the one test-key signer),
 * kept for test files outside this area that still import it.
 */
import { randomUUID } from 'node:crypto';
import { b64url, createIssuer, type TestAlgorithm, type TestIssuer } from '../../scripts/lib/jwt-signer';

/** A test CDS client (the signer of scripts/lib/jwt-signer). */
export type CdsClientKeys = TestIssuer;

/** Generates a client key of the given algorithm with a fresh kid. */
export function createCdsClient(iss = 'https://ehr.test.example', alg: TestAlgorithm = 'ES384'): CdsClientKeys {
  return createIssuer(iss, `test-${randomUUID()}`, alg);
}

export { b64url };
