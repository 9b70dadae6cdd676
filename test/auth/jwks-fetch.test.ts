import { randomUUID, createPublicKey } from 'node:crypto';
import { Readable } from 'node:stream';
import nock from 'nock';
import { createJwtVerifier, authFailureReason } from '../../src/auth/jwt-verifier';
import { createBoundedFetchJson } from '../../src/auth/fetch-json';
import { SANDBOX_ISSUER, SANDBOX_JWKS_URL } from '../../src/auth/sandbox-issuer';
import type { Clock } from '../../src/shared/clock';
import { useNockGuard } from '../fhir/support/nock-guard';
import { makeKey, sign } from './support/tokens';

const ISS = 'https://ehr.example.org';
const AUD = 'https://cds.example.org/cds-services';
const KEYS_ORIGIN = 'https://keys.example.org';
const T0 = Date.parse('2025-06-01T10:00:00Z');
const NOW = T0 / 1000;
const key = makeKey('ES384');
const rotated = makeKey('RS384');

function clockAt(ms = T0): Clock & { advance(ms: number): void } {
  let at = ms;
  return { now: () => new Date(at), advance: (d: number) => (at += d) };
}
const claims = () => ({ iss: ISS, aud: AUD, iat: NOW, exp: NOW + 300, jti: randomUUID() });
const bearer = (k = key, header: Record<string, unknown> = {}) => `Bearer ${sign(k, claims(), header)}`;

describe('JWK Set retrieval (global fetch intercepted by nock)', () => {
  const guard = useNockGuard();
  const JWKS = `${KEYS_ORIGIN}/jwks.json`;
  const OTHER = `${KEYS_ORIGIN}/other.json`;
  /** Counts the requests a scope actually answered. */
  const answered = (scope: nock.Scope) => {
    const seen: string[] = [];
    scope.on('request', (_req: unknown, interceptor: { path: string }) => seen.push(interceptor.path));
    return seen;
  };

  it('fetches the issuer jwksUrl once and caches it', async () => {
    const scope = nock(KEYS_ORIGIN).get('/jwks.json').reply(200, { keys: [key.jwk] });
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: JWKS }], clock: clockAt() });
    await expect(v.verify(bearer(), AUD)).resolves.toMatchObject({ iss: ISS });
    await expect(v.verify(bearer(), AUD)).resolves.toMatchObject({ iss: ISS });
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('single-flights concurrent first fetches', async () => {
    const scope = nock(KEYS_ORIGIN).get('/jwks.json').delay(100).reply(200, { keys: [key.jwk] });
    const seen = answered(scope);
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: JWKS }], clock: clockAt() });
    const results = await Promise.all(Array.from({ length: 5 }, () => v.verify(bearer(), AUD)));
    expect(results).toHaveLength(5);
    expect(seen).toEqual(['/jwks.json']);
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('an unknown kid triggers exactly one refresh, then 401 without refetching inside the interval', async () => {
    const scope = nock(KEYS_ORIGIN).get('/jwks.json').times(2).reply(200, { keys: [key.jwk] });
    const seen = answered(scope);
    const clock = clockAt();
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: JWKS }], clock, jwksRefreshMinIntervalMs: 60_000 });
    await expect(v.verify(bearer(), AUD)).resolves.toBeDefined();
    expect(seen).toHaveLength(1);
    clock.advance(61_000);
    const stranger = makeKey('ES384');
    expect(authFailureReason(await v.verify(bearer(stranger), AUD).catch((e: unknown) => e))).toBe('unknown-kid');
    expect(seen).toHaveLength(2);
    expect(authFailureReason(await v.verify(bearer(stranger), AUD).catch((e: unknown) => e))).toBe('unknown-kid');
    expect(seen).toHaveLength(2);
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('picks up a rotated key on refresh once the interval has passed', async () => {
    const scope = nock(KEYS_ORIGIN)
      .get('/jwks.json').reply(200, { keys: [key.jwk] })
      .get('/jwks.json').reply(200, { keys: [key.jwk, rotated.jwk] });
    const clock = clockAt();
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: JWKS }], clock, jwksRefreshMinIntervalMs: 30_000 });
    await expect(v.verify(bearer(), AUD)).resolves.toBeDefined();
    clock.advance(31_000);
    await expect(v.verify(bearer(rotated), AUD)).resolves.toBeDefined();
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a jku that is not allowlisted without any outbound request', async () => {
    const trap = nock(/.*/).persist().get(() => true).reply(200, { keys: [key.jwk] });
    const fetchJson = jest.fn(createBoundedFetchJson());
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: JWKS, jkuAllowlist: [OTHER] }], clock: clockAt(), fetchJson });
    const error = await v.verify(bearer(key, { jku: `${KEYS_ORIGIN}/attacker.json` }), AUD).catch((e: unknown) => e);
    expect(authFailureReason(error)).toBe('jku-not-allowed');
    expect(fetchJson).not.toHaveBeenCalled();
    expect(trap.isDone()).toBe(false);
    expect(guard.unmatched).toEqual([]);
  });

  it('refuses a jku when the issuer has pinned keys only, even if the kid is pinned', async () => {
    const trap = nock(/.*/).persist().get(() => true).reply(200, { keys: [key.jwk] });
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwks: { keys: [key.jwk] } }], clock: clockAt() });
    const error = await v.verify(bearer(key, { jku: JWKS }), AUD).catch((e: unknown) => e);
    expect(authFailureReason(error)).toBe('jku-not-allowed');
    expect(trap.isDone()).toBe(false);
    expect(guard.unmatched).toEqual([]);
  });

  it('fetches an allowlisted jku, and only that', async () => {
    const scope = nock(KEYS_ORIGIN).get('/other.json').reply(200, { keys: [key.jwk] });
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jkuAllowlist: [OTHER] }], clock: clockAt() });
    await expect(v.verify(bearer(key, { jku: OTHER }), AUD)).resolves.toBeDefined();
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('treats a jku equal to the issuer jwksUrl as allowed', async () => {
    const scope = nock(KEYS_ORIGIN).get('/jwks.json').reply(200, { keys: [key.jwk] });
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: JWKS }], clock: clockAt() });
    await expect(v.verify(bearer(key, { jku: JWKS }), AUD)).resolves.toBeDefined();
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('bounded fetch: refuses oversized bodies (declared or streamed), redirects, non-2xx and slow servers', async () => {
    const big = JSON.stringify({ keys: [], pad: 'x'.repeat(200_000) });
    const scope = nock(KEYS_ORIGIN)
      .get('/declared.json').reply(200, big, { 'content-type': 'application/json', 'content-length': String(big.length) })
      // No Content-Length: only the streaming cap can stop it.
      .get('/chunked.json').reply(200, () => Readable.from(Array.from({ length: 50 }, () => Buffer.from('x'.repeat(5000)))))
      .get('/redirect').reply(302, '', { location: JWKS })
      .get('/missing').reply(404, {})
      .get('/hang').delay(2000).reply(200, { keys: [] })
      .get('/jwks.json').reply(200, { keys: [key.jwk] });
    const trap = nock(KEYS_ORIGIN).get('/jwks.json').reply(200, { keys: [] });
    const f = createBoundedFetchJson({ timeoutMs: 300, maxBytes: 100_000 });
    await expect(f(`${KEYS_ORIGIN}/declared.json`)).rejects.toThrow('body too large');
    await expect(f(`${KEYS_ORIGIN}/chunked.json`)).rejects.toThrow('body too large');
    await expect(f(`${KEYS_ORIGIN}/redirect`)).rejects.toThrow();
    await expect(f(`${KEYS_ORIGIN}/missing`)).rejects.toThrow('status 404');
    const started = Date.now();
    await expect(f(`${KEYS_ORIGIN}/hang`)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(f('file:///etc/passwd')).rejects.toThrow('unsupported scheme');
    await expect(f(JWKS)).resolves.toEqual({ keys: [key.jwk] });
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(trap.isDone()).toBe(false); // the redirect was not followed
  });

  it('a JWKS endpoint failure is a plain 401', async () => {
    const scope = nock(KEYS_ORIGIN).get('/jwks.json').reply(500, 'oops');
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: JWKS }], clock: clockAt() });
    expect(authFailureReason(await v.verify(bearer(), AUD).catch((e: unknown) => e))).toBe('unknown-kid');
    expect(scope.isDone()).toBe(true);
  });
});

describe('SANDBOX_ISSUER', () => {
  it('pins the sandbox P-384 key that imports as a public EC key', () => {
    expect(SANDBOX_ISSUER.iss).toBe('https://sandbox.cds-hooks.org');
    expect(SANDBOX_ISSUER.jkuAllowlist).toEqual([SANDBOX_JWKS_URL]);
    const jwk = SANDBOX_ISSUER.jwks?.keys.find((k) => k['kid'] === '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f');
    expect(jwk).toBeDefined();
    const k = createPublicKey({ key: jwk!, format: 'jwk' });
    expect(k.type).toBe('public');
    expect(k.asymmetricKeyType).toBe('ec');
    expect(k.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
  });

  it('refuses a token claiming the sandbox kid that was not signed by the sandbox key (no network)', async () => {
    const forger = makeKey('ES384', '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f');
    const fetchJson = jest.fn(async () => ({ keys: [] }));
    const v = createJwtVerifier({ issuers: [SANDBOX_ISSUER], clock: clockAt(), fetchJson });
    const token = sign(
      forger,
      { iss: SANDBOX_ISSUER.iss, aud: AUD, iat: NOW, exp: NOW + 300, jti: 'j' },
      { jku: SANDBOX_JWKS_URL },
    );
    expect(authFailureReason(await v.verify(`Bearer ${token}`, AUD).catch((e: unknown) => e))).toBe('signature');
    expect(fetchJson).not.toHaveBeenCalled();
  });
});
