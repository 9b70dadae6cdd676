import { randomUUID } from 'node:crypto';
import { createJwtVerifier, authFailureReason, type JwtVerifierOptions } from '../../src/auth/jwt-verifier';
import type { TrustedIssuer } from '../../src/auth/trusted-issuer';
import { AppError } from '../../src/shared/errors';
import type { Clock } from '../../src/shared/clock';
import { hmacSigned, makeKey, sign, unsigned, type TestKey } from './support/tokens';

const ISS = 'https://ehr.example.org';
const AUD = 'https://cds.example.org/cds-services/hcc-consensus-patient-view';
const T0 = Date.parse('2025-06-01T10:00:00Z');
const NOW = T0 / 1000;

const es = makeKey('ES384');
const rs = makeKey('RS384');

function movableClock(ms = T0): Clock & { set(ms: number): void } {
  let at = ms;
  return { now: () => new Date(at), set: (v: number) => (at = v) };
}

function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: ISS, aud: AUD, iat: NOW, exp: NOW + 300, jti: randomUUID(), ...extra };
}

function issuer(keys: TestKey[] = [es, rs], extra: Partial<TrustedIssuer> = {}): TrustedIssuer {
  return { iss: ISS, jwks: { keys: keys.map((k) => k.jwk) }, ...extra };
}

function verifier(extra: Partial<JwtVerifierOptions> = {}, issuers: TrustedIssuer[] = [issuer()]) {
  const fetchJson = jest.fn(async (_url: string): Promise<unknown> => {
    throw new Error('no network in this test');
  });
  const v = createJwtVerifier({ issuers, clock: movableClock(), fetchJson, ...extra });
  return { v, fetchJson };
}

async function rejection(p: Promise<unknown>): Promise<{ error: AppError; reason: string | undefined }> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe('AUTH_INVALID_TOKEN');
    expect(e.status).toBe(401);
    expect(e.message).toBe('Authentication failed');
    expect(JSON.stringify(e)).not.toMatch(/eyJ/);
    return { error: e, reason: authFailureReason(e) };
  }
  throw new Error('expected a rejection');
}

describe('createJwtVerifier: accepted tokens', () => {
  it('accepts an ES384 token from a pinned key', async () => {
    const { v } = verifier();
    const c = claims();
    await expect(v.verify(`Bearer ${sign(es, c)}`, AUD)).resolves.toEqual({ iss: ISS, jti: c['jti'] });
  });

  it('accepts an RS384 token from a pinned key', async () => {
    const { v } = verifier();
    await expect(v.verify(`Bearer ${sign(rs, claims())}`, AUD)).resolves.toMatchObject({ iss: ISS });
  });

  it('accepts the scheme case-insensitively and returns the tenant', async () => {
    const { v } = verifier({}, [issuer([es], { tenant: 'org-1' })]);
    await expect(v.verify(`bearer ${sign(es, claims({ tenant: 'org-1' }))}`, AUD)).resolves.toMatchObject({
      tenant: 'org-1',
    });
  });

  it('accepts aud as an array containing the called URL', async () => {
    const { v } = verifier();
    await expect(v.verify(`Bearer ${sign(es, claims({ aud: ['https://other', AUD] }))}`, AUD)).resolves.toBeDefined();
  });

  it("accepts the issuer's configured audience instead of the called URL", async () => {
    const { v } = verifier({}, [issuer([es], { audience: 'epic-client-123' })]);
    await expect(v.verify(`Bearer ${sign(es, claims({ aud: 'epic-client-123' }))}`, AUD)).resolves.toBeDefined();
  });

  it('accepts a 15-minute token (Epic) and an expired-within-skew token', async () => {
    const { v } = verifier();
    await expect(v.verify(`Bearer ${sign(es, claims({ exp: NOW + 900 }))}`, AUD)).resolves.toBeDefined();
    await expect(v.verify(`Bearer ${sign(es, claims({ iat: NOW - 300, exp: NOW - 30 }))}`, AUD)).resolves.toBeDefined();
  });
});

describe('createJwtVerifier: refused tokens (uniform 401)', () => {
  const cases: Array<[string, () => string, string?]> = [
    ['missing header', () => '', 'bearer-missing'],
    ['wrong scheme', () => `Basic ${sign(es, claims())}`, 'bearer-malformed'],
    ['garbled bearer', () => 'Bearer not-a-jwt', 'bearer-malformed'],
    ['garbled segments', () => 'Bearer a.b.c', 'token-malformed'],
    ['tampered signature', () => {
      const t = sign(es, claims());
      const sig = t.split('.')[2]!;
      const flipped = (sig[5] === 'A' ? 'B' : 'A');
      return `Bearer ${t.slice(0, t.length - sig.length)}${sig.slice(0, 5)}${flipped}${sig.slice(6)}`;
    }, 'signature'],
    ['tampered payload', () => {
      const [h, , s] = sign(es, claims()).split('.');
      return `Bearer ${h}.${Buffer.from(JSON.stringify(claims({ tenant: 'x' }))).toString('base64url')}.${s}`;
    }, 'signature'],
    ['alg none', () => `Bearer ${unsigned({ typ: 'JWT', kid: es.kid }, claims())}`, 'bearer-malformed'],
    ['alg none with a fake signature', () => `Bearer ${unsigned({ typ: 'JWT', kid: es.kid }, claims())}AAAA`, 'alg-not-allowed'],
    ['HS256 keyed with the public key', () => {
      const pem = es.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      return `Bearer ${hmacSigned(pem, { typ: 'JWT', kid: es.kid }, claims())}`;
    }, 'alg-not-allowed'],
    ['RS384 header on an EC key', () => `Bearer ${sign({ ...rs, kid: es.kid }, claims())}`, 'key-alg-mismatch'],
    ['unknown iss', () => `Bearer ${sign(es, claims({ iss: 'https://evil.example' }))}`, 'iss-untrusted'],
    ['unknown kid without a JWKS URL', () => `Bearer ${sign(es, claims(), { kid: 'nope' })}`, 'unknown-kid'],
    ['expired', () => `Bearer ${sign(es, claims({ iat: NOW - 600, exp: NOW - 61 }))}`, 'expired'],
    ['exp missing', () => `Bearer ${sign(es, { iss: ISS, aud: AUD, iat: NOW, jti: 'j' })}`, 'exp-missing'],
    ['iat missing', () => `Bearer ${sign(es, { iss: ISS, aud: AUD, exp: NOW + 60, jti: 'j' })}`, 'iat-missing'],
    ['nbf in the future', () => `Bearer ${sign(es, claims({ nbf: NOW + 120 }))}`, 'nbf-future'],
    ['iat far in the future', () => `Bearer ${sign(es, claims({ iat: NOW + 3600, exp: NOW + 3700 }))}`, 'iat-future'],
    ['lifetime too long', () => `Bearer ${sign(es, claims({ exp: NOW + 901 }))}`, 'lifetime'],
    ['aud mismatch', () => `Bearer ${sign(es, claims({ aud: `${AUD}/feedback` }))}`, 'aud-mismatch'],
    ['aud array without the URL', () => `Bearer ${sign(es, claims({ aud: ['https://a', 'https://b'] }))}`, 'aud-mismatch'],
    ['jti missing', () => `Bearer ${sign(es, { iss: ISS, aud: AUD, iat: NOW, exp: NOW + 60 })}`, 'jti-missing'],
  ];

  it.each(cases)('%s', async (_name, token, reason) => {
    const { v, fetchJson } = verifier();
    const r = await rejection(v.verify(token() === '' ? undefined : token(), AUD));
    if (reason !== undefined) expect(r.reason).toBe(reason);
    expect(fetchJson).not.toHaveBeenCalled();
  });

  it('refuses a key whose kty does not fit the alg even without a JWK alg member', async () => {
    const bare = { ...rs.jwk };
    delete bare['alg'];
    const { v } = verifier({}, [{ iss: ISS, jwks: { keys: [{ ...bare, kid: 'k' }] } }]);
    const token = sign({ ...es, kid: 'k' }, claims());
    expect((await rejection(v.verify(`Bearer ${token}`, AUD))).reason).toBe('key-type-mismatch');
  });

  it('refuses a replayed jti', async () => {
    const { v } = verifier();
    const header = `Bearer ${sign(es, claims())}`;
    await expect(v.verify(header, AUD)).resolves.toBeDefined();
    expect((await rejection(v.verify(header, AUD))).reason).toBe('jti-replayed');
  });

  it('accepts exactly one of 20 concurrent verifies of the same token', async () => {
    const { v } = verifier();
    const header = `Bearer ${sign(es, claims())}`;
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => v.verify(header, AUD)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect(authFailureReason((r as PromiseRejectedResult).reason)).toBe('jti-replayed');
    }
  });

  it('keeps the same jti usable by a different issuer', async () => {
    const other = makeKey('ES384');
    const issuers = [issuer([es]), { iss: 'https://ehr2.example.org', jwks: { keys: [other.jwk] } }];
    const { v } = verifier({}, issuers);
    await expect(v.verify(`Bearer ${sign(es, claims({ jti: 'same' }))}`, AUD)).resolves.toBeDefined();
    const t2 = sign(other, claims({ jti: 'same', iss: 'https://ehr2.example.org' }));
    await expect(v.verify(`Bearer ${t2}`, AUD)).resolves.toBeDefined();
  });

  it('forgets a jti after the token expired (bounded memory) but the token itself stays refused', async () => {
    const clock = movableClock();
    const v = createJwtVerifier({ issuers: [issuer()], clock, replayEntriesPerIssuer: 1 });
    const header = `Bearer ${sign(es, claims({ exp: NOW + 10 }))}`;
    await expect(v.verify(header, AUD)).resolves.toBeDefined();
    // partition full (size 1) and entry alive → a second, different token of that issuer fails closed
    expect((await rejection(v.verify(`Bearer ${sign(es, claims())}`, AUD))).reason).toBe('replay-store-full');
    clock.set(T0 + 200_000);
    expect((await rejection(v.verify(header, AUD))).reason).toBe('expired');
    const later = { iat: NOW + 200, exp: NOW + 400 };
    await expect(v.verify(`Bearer ${sign(es, claims(later))}`, AUD)).resolves.toBeDefined();
  });

  it('one issuer filling its replay partition never refuses another issuer', async () => {
    const other = makeKey('ES384');
    const issuers = [issuer([es]), { iss: 'https://ehr2.example.org', jwks: { keys: [other.jwk] } }];
    const v = createJwtVerifier({ issuers, clock: movableClock(), replayEntriesPerIssuer: 3 });
    for (let i = 0; i < 3; i += 1) await expect(v.verify(`Bearer ${sign(es, claims())}`, AUD)).resolves.toBeDefined();
    expect((await rejection(v.verify(`Bearer ${sign(es, claims())}`, AUD))).reason).toBe('replay-store-full');
    for (let i = 0; i < 3; i += 1) {
      await expect(v.verify(`Bearer ${sign(other, claims({ iss: 'https://ehr2.example.org' }))}`, AUD)).resolves.toBeDefined();
    }
  });

  it('frees a partition entry exactly after exp + skew', async () => {
    const clock = movableClock();
    const v = createJwtVerifier({ issuers: [issuer()], clock, replayEntriesPerIssuer: 1, skewSeconds: 30 });
    await expect(v.verify(`Bearer ${sign(es, claims({ exp: NOW + 100 }))}`, AUD)).resolves.toBeDefined();
    clock.set(T0 + 130_000); // exp + skew: still remembered
    expect((await rejection(v.verify(`Bearer ${sign(es, claims({ iat: NOW + 130, exp: NOW + 400 }))}`, AUD))).reason).toBe('replay-store-full');
    clock.set(T0 + 131_000);
    await expect(v.verify(`Bearer ${sign(es, claims({ iat: NOW + 131, exp: NOW + 400 }))}`, AUD)).resolves.toBeDefined();
  });

  it('does not consume a jti for a token whose signature fails (forgeries cannot fill a partition)', async () => {
    const store = { consume: jest.fn(async () => 'fresh' as const) };
    const { v } = verifier({ replayStore: store });
    const forged = makeKey('ES384');
    await rejection(v.verify(`Bearer ${sign({ ...forged, kid: es.kid }, claims())}`, AUD));
    expect(store.consume).not.toHaveBeenCalled();
    const c = claims();
    await v.verify(`Bearer ${sign(es, c)}`, AUD);
    expect(store.consume).toHaveBeenCalledWith(ISS, c['jti'], (c['exp'] as number) + 60);
  });

  it('accepts lifetimes up to 900 s by default and refuses longer ones', async () => {
    const { v } = verifier();
    await expect(v.verify(`Bearer ${sign(es, claims({ exp: NOW + 900 }))}`, AUD)).resolves.toBeDefined();
    expect((await rejection(v.verify(`Bearer ${sign(es, claims({ exp: NOW + 901 }))}`, AUD))).reason).toBe('lifetime');
  });

  it('requires the tenant when the issuer has one, and it must match', async () => {
    const { v } = verifier({}, [issuer([es], { tenant: 'org-1' })]);
    expect((await rejection(v.verify(`Bearer ${sign(es, claims())}`, AUD))).reason).toBe('tenant-mismatch');
    expect((await rejection(v.verify(`Bearer ${sign(es, claims({ tenant: 'org-2' }))}`, AUD))).reason).toBe(
      'tenant-mismatch',
    );
  });

  it('honours a configured max lifetime and skew', async () => {
    const { v } = verifier({ maxLifetimeSeconds: 300, skewSeconds: 0 });
    expect((await rejection(v.verify(`Bearer ${sign(es, claims({ exp: NOW + 301 }))}`, AUD))).reason).toBe('lifetime');
    expect((await rejection(v.verify(`Bearer ${sign(es, claims({ nbf: NOW + 1 }))}`, AUD))).reason).toBe('nbf-future');
  });

  it('refuses an RSA key shorter than 2048 bits', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const k = { alg: 'RS384' as const, kid: 'weak', privateKey: weak.privateKey, publicKey: weak.publicKey,
      jwk: { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak' } };
    const { v } = verifier({}, [issuer([k])]);
    expect((await rejection(v.verify(`Bearer ${sign(k, claims())}`, AUD))).reason).toBe('key-too-weak');
  });
});
