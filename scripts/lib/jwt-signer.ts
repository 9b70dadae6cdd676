/**
 * A CDS client's signing key: a freshly generated ES384 key pair, its public JWK Set for the service's
 * config (inline JWKS), and CDS Hooks 2.0 §"Trusting CDS Clients" tokens (iss, aud = exact URL, exp, iat, jti).
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A public JWK as placed in a JWK Set. */
export type PublicJwk = Record<string, unknown> & { kid: string; alg: string; use: string };

/** An issuer with its key. */
export interface TestIssuer {
  readonly iss: string;
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwks: { keys: PublicJwk[] };
  /** Signs a token for the exact URL called; a fresh jti unless one is given. */
  sign(aud: string | string[], overrides?: { jti?: string; expiresInS?: number; tenant?: string }): string;
}

/** Generates an ES384 issuer (P-384 key). */
export function createIssuer(iss = 'https://ehr.bench.example', kid = `bench-${randomUUID().slice(0, 8)}`): TestIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg: 'ES384', use: 'sig' };
  return {
    iss,
    kid,
    privateKey,
    jwks: { keys: [jwk] },
    sign(aud, overrides = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss,
        aud,
        iat: now,
        exp: now + (overrides.expiresInS ?? 300),
        jti: overrides.jti ?? randomUUID(),
      };
      if (overrides.tenant !== undefined) payload['tenant'] = overrides.tenant;
      return jwt.sign(payload, privateKey, { algorithm: 'ES384', keyid: kid, header: { alg: 'ES384', typ: 'JWT', kid } });
    },
  };
}
