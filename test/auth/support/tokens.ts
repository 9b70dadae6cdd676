/** Test keys and token minting for the JWT verifier suites. */
import { createHmac, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** A generated signing key with its public JWK. */
export interface TestKey {
  readonly alg: 'ES384' | 'RS384';
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: JsonWebKey;
}

/** A fresh ES384 (P-384) or RS384 (2048-bit) key pair. */
export function makeKey(alg: 'ES384' | 'RS384', kid: string = randomUUID()): TestKey {
  const pair =
    alg === 'ES384'
      ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
  return { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
}

/** Signs claims with the key; header extras (jku, kid override…) merge in. */
export function sign(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return jwt.sign(claims, key.privateKey, {
    algorithm: key.alg,
    noTimestamp: !('iat' in claims),
    allowInsecureKeySizes: true,
    header: { alg: key.alg, typ: 'JWT', kid: key.kid, ...header },
  } as jwt.SignOptions);
}

/** Encodes a JSON segment as base64url. */
export function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned token (`alg: none`). */
export function unsigned(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${segment({ ...header, alg: 'none' })}.${segment(claims)}.`;
}

/** An HS256 token keyed with the given secret (the classic "public key as HMAC secret" confusion attack). */
export function hmacSigned(secret: string, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${segment({ ...header, alg: 'HS256' })}.${segment(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
