/**
 * A CDS client's (EHR's) signing key for tests and the benchmark: a freshly generated ES384 (P-384) or RS384
 * (RSA 2048) key pair, its public JWK Set for the service's config (inline JWKS), and CDS Hooks 2.0
 * §"Trusting CDS Clients" tokens (iss, aud = exact URL, exp, iat, jti) whose claims and header can be tampered with.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A public JWK as placed in a JWK Set. */
export type PublicJwk = Record<string, unknown> & { kid: string; alg: string; use: string };

/** The signature algorithms CDS Hooks clients use here. */
export type TestAlgorithm = 'ES384' | 'RS384';

/** An issuer with its key. */
export interface TestIssuer {
  readonly iss: string;
  readonly kid: string;
  readonly alg: TestAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwks: { keys: PublicJwk[] };
  /** Signs CDS Hooks claims for `aud`; `claims` override or (when undefined) remove the defaults, `header` extends the header. */
  token(aud: string | string[], claims?: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** Signs a token for the exact URL called; a fresh jti unless one is given. */
  sign(aud: string | string[], overrides?: { jti?: string; expiresInS?: number; tenant?: string }): string;
}

/** Generates an issuer with a fresh key: ES384 (the default) or RS384 (cheaper to verify). */
export function createIssuer(iss = 'https://ehr.bench.example', kid = `bench-${randomUUID().slice(0, 8)}`, alg: TestAlgorithm = 'ES384'): TestIssuer {
  const { privateKey, publicKey } =
    alg === 'ES384' ? generateKeyPairSync('ec', { namedCurve: 'P-384' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk: PublicJwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg, use: 'sig' };
  const token: TestIssuer['token'] = (aud, claims = {}, header = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = { iss, aud, iat: now, exp: now + 300, jti: randomUUID(), ...claims };
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    return jwt.sign(payload, privateKey, { algorithm: alg, header: { alg, typ: 'JWT', kid, ...header } as jwt.JwtHeader });
  };
  return {
    iss,
    kid,
    alg,
    privateKey,
    publicKey,
    jwks: { keys: [jwk] },
    token,
    sign(aud, overrides = {}) {
      const claims: Record<string, unknown> = {};
      if (overrides.jti !== undefined) claims['jti'] = overrides.jti;
      if (overrides.expiresInS !== undefined) claims['exp'] = Math.floor(Date.now() / 1000) + overrides.expiresInS;
      if (overrides.tenant !== undefined) claims['tenant'] = overrides.tenant;
      return token(aud, claims);
    },
  };
}

/** Base64url of a JSON value (to hand-craft tampered tokens). */
export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
