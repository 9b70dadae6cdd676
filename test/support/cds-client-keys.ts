/**
 * A CDS client (EHR) for tests: a freshly generated ES384 or RS384 key pair, its public JWK Set for inline
 * configuration, and a signer whose claims and header can be tampered with.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A test CDS client. */
export interface CdsClientKeys {
  readonly iss: string;
  readonly kid: string;
  readonly alg: 'ES384' | 'RS384';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwks: { keys: Record<string, unknown>[] };
  /** Signs CDS Hooks claims for `aud`; `claims` override or (with undefined) remove defaults. */
  token(aud: string | string[], claims?: Record<string, unknown>, header?: Record<string, unknown>): string;
}

/** Generates a client key of the given algorithm. */
export function createCdsClient(iss = 'https://ehr.test.example', alg: 'ES384' | 'RS384' = 'ES384'): CdsClientKeys {
  const kid = `test-${randomUUID()}`;
  const { privateKey, publicKey } =
    alg === 'ES384' ? generateKeyPairSync('ec', { namedCurve: 'P-384' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid, alg, use: 'sig' };
  return {
    iss,
    kid,
    alg,
    privateKey,
    publicKey,
    jwks: { keys: [jwk] },
    token(aud, claims = {}, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = { iss, aud, iat: now, exp: now + 300, jti: randomUUID(), ...claims };
      for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
      return jwt.sign(payload, privateKey, { algorithm: alg, header: { alg, typ: 'JWT', kid, ...header } as jwt.JwtHeader });
    },
  };
}

/** Base64url of a JSON value (to hand-craft tampered tokens). */
export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
