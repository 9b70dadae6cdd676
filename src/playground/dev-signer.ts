/**
 * The playground's development-only CDS client identity: an ES384 key pair generated in memory at start-up
 * (never written to disk), a JWK Set the service's trust configuration can hold inline, and JWTs shaped as
 * CDS Hooks 2.0.1 § Trusting CDS Clients asks (typ JWT, kid, iss, aud = the called URL, iat, exp, jti).
 * Used only when the server runs in development mode (cds-hooks.md §5 "dev/test only").
 */
import { generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** The issuer the playground signs as; trust it only in development. */
export const PLAYGROUND_DEV_ISSUER = 'urn:hcc-cds:playground-dev';

/** Token lifetime in seconds, as the CDS Hooks sandbox uses (iat + 300). */
export const DEV_TOKEN_LIFETIME_S = 300;

/** An in-memory ES384 signer for development CDS client tokens. */
export interface DevSigner {
  readonly issuer: string;
  readonly kid: string;
  /** The JWK Set to trust for `issuer` (config `trustedIssuers[].jwks`). */
  readonly jwks: { readonly keys: readonly JsonWebKey[] };
  /** Signs a token for the given audience (the exact URL about to be called). */
  sign(audience: string, now?: Date): string;
}

/** Generates a fresh ES384 key pair and returns a signer bound to it. */
export function createDevSigner(issuer: string = PLAYGROUND_DEV_ISSUER): DevSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const kid = randomUUID();
  const jwk: JsonWebKey = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES384', use: 'sig' };
  return {
    issuer,
    kid,
    jwks: { keys: [jwk] },
    sign: (audience, now = new Date()) => signWith(privateKey, kid, issuer, audience, now),
  };
}

function signWith(key: KeyObject, kid: string, issuer: string, audience: string, now: Date): string {
  const iat = Math.floor(now.getTime() / 1000);
  return jwt.sign({ iss: issuer, aud: audience, iat, exp: iat + DEV_TOKEN_LIFETIME_S, jti: randomUUID() }, key, {
    algorithm: 'ES384',
    header: { alg: 'ES384', typ: 'JWT', kid },
  });
}
