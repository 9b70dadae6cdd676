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

/** Generates an issuer with a fresh key: ES384 (P-384, the default) or RS384 (RSA 2048, cheaper to verify). */
export function createIssuer(iss = 'https://ehr.bench.example', kid = `bench-${randomUUID().slice(0, 8)}`, alg: 'ES384' | 'RS384' = 'ES384'): TestIssuer {
  const { privateKey, publicKey } =
    alg === 'ES384' ? generateKeyPairSync('ec', { namedCurve: 'P-384' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg, use: 'sig' };
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
      return jwt.sign(payload, privateKey, { algorithm: alg, header: { alg, typ: 'JWT', kid } });
    },
  };
}
