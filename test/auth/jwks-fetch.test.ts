import { randomUUID, createPublicKey } from 'node:crypto';
import { createJwtVerifier, authFailureReason } from '../../src/auth/jwt-verifier';
import { createBoundedFetchJson } from '../../src/auth/fetch-json';
import { SANDBOX_ISSUER, SANDBOX_JWKS_URL } from '../../src/auth/sandbox-issuer';
import type { Clock } from '../../src/shared/clock';
import { startLocalServer, sendJson, type LocalServer } from '../fhir/support/local-http-server';
import { makeKey, sign } from './support/tokens';

const ISS = 'https://ehr.example.org';
const AUD = 'https://cds.example.org/cds-services';
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

describe('JWK Set retrieval over real HTTP', () => {
  let server: LocalServer;
  let served: { keys: unknown[] };
  beforeEach(async () => {
    served = { keys: [key.jwk] };
    server = await startLocalServer((req, res) => {
      if (req.url === '/jwks.json' || req.url === '/other.json') sendJson(res, 200, served);
      else if (req.url === '/big.json') sendJson(res, 200, { keys: [], pad: 'x'.repeat(200_000) });
      else if (req.url === '/redirect') {
        res.writeHead(302, { location: '/jwks.json' });
        res.end();
      } else if (req.url === '/hang') {
        /* never answers */
      } else sendJson(res, 404, {});
    });
  });
  afterEach(() => server.close());

  it('fetches the issuer jwksUrl once and caches it', async () => {
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: `${server.origin}/jwks.json` }], clock: clockAt() });
    await expect(v.verify(bearer(), AUD)).resolves.toMatchObject({ iss: ISS });
    await expect(v.verify(bearer(), AUD)).resolves.toMatchObject({ iss: ISS });
    expect(server.requests.map((r) => r.url)).toEqual(['/jwks.json']);
  });

  it('single-flights concurrent first fetches', async () => {
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: `${server.origin}/jwks.json` }], clock: clockAt() });
    const results = await Promise.all(Array.from({ length: 5 }, () => v.verify(bearer(), AUD)));
    expect(results).toHaveLength(5);
    expect(server.requests).toHaveLength(1);
  });

  it('refreshes once on an unknown kid, then refuses without refetching inside the interval', async () => {
    const clock = clockAt();
    const v = createJwtVerifier({
      issuers: [{ iss: ISS, jwksUrl: `${server.origin}/jwks.json` }],
      clock,
      jwksRefreshMinIntervalMs: 60_000,
    });
    const stranger = makeKey('ES384');
    const first = await v.verify(bearer(stranger), AUD).catch((e: unknown) => e);
    expect(authFailureReason(first)).toBe('unknown-kid');
    expect(server.requests).toHaveLength(1);
    const second = await v.verify(bearer(stranger), AUD).catch((e: unknown) => e);
    expect(authFailureReason(second)).toBe('unknown-kid');
    expect(server.requests).toHaveLength(1);
  });

  it('picks up a rotated key on refresh once the interval has passed', async () => {
    const clock = clockAt();
    const v = createJwtVerifier({
      issuers: [{ iss: ISS, jwksUrl: `${server.origin}/jwks.json` }],
      clock,
      jwksRefreshMinIntervalMs: 30_000,
    });
    await expect(v.verify(bearer(), AUD)).resolves.toBeDefined();
    served = { keys: [key.jwk, rotated.jwk] };
    clock.advance(31_000);
    await expect(v.verify(bearer(rotated), AUD)).resolves.toBeDefined();
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a jku that is not allowlisted without any outbound request', async () => {
    const fetchJson = jest.fn(createBoundedFetchJson());
    const v = createJwtVerifier({
      issuers: [{ iss: ISS, jwksUrl: `${server.origin}/jwks.json`, jkuAllowlist: [`${server.origin}/other.json`] }],
      clock: clockAt(),
      fetchJson,
    });
    const error = await v.verify(bearer(key, { jku: `${server.origin}/attacker.json` }), AUD).catch((e: unknown) => e);
    expect(authFailureReason(error)).toBe('jku-not-allowed');
    expect(fetchJson).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a jku when the issuer has pinned keys only, even if the kid is pinned', async () => {
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwks: { keys: [key.jwk] } }], clock: clockAt() });
    const error = await v.verify(bearer(key, { jku: `${server.origin}/jwks.json` }), AUD).catch((e: unknown) => e);
    expect(authFailureReason(error)).toBe('jku-not-allowed');
    expect(server.requests).toHaveLength(0);
  });

  it('fetches an allowlisted jku', async () => {
    const v = createJwtVerifier({
      issuers: [{ iss: ISS, jkuAllowlist: [`${server.origin}/other.json`] }],
      clock: clockAt(),
    });
    await expect(v.verify(bearer(key, { jku: `${server.origin}/other.json` }), AUD)).resolves.toBeDefined();
    expect(server.requests.map((r) => r.url)).toEqual(['/other.json']);
  });

  it('treats a jku equal to the issuer jwksUrl as allowed', async () => {
    const url = `${server.origin}/jwks.json`;
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: url }], clock: clockAt() });
    await expect(v.verify(bearer(key, { jku: url }), AUD)).resolves.toBeDefined();
    expect(server.requests).toHaveLength(1);
  });

  it('bounded fetch: refuses bodies over the cap, redirects, non-2xx and slow servers', async () => {
    const f = createBoundedFetchJson({ timeoutMs: 300, maxBytes: 100_000 });
    await expect(f(`${server.origin}/big.json`)).rejects.toThrow();
    await expect(f(`${server.origin}/redirect`)).rejects.toThrow();
    await expect(f(`${server.origin}/missing`)).rejects.toThrow();
    await expect(f(`${server.origin}/hang`)).rejects.toThrow();
    await expect(f('file:///etc/passwd')).rejects.toThrow();
    await expect(f(`${server.origin}/jwks.json`)).resolves.toEqual(served);
  });

  it('a JWKS endpoint failure is a plain 401', async () => {
    const v = createJwtVerifier({ issuers: [{ iss: ISS, jwksUrl: `${server.origin}/big.json` }], clock: clockAt() });
    expect(authFailureReason(await v.verify(bearer(), AUD).catch((e: unknown) => e))).toBe('unknown-kid');
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
