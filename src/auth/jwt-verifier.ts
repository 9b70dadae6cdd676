/**
 * Verification of the JWT a CDS client sends on every call (CDS Hooks 2.0 §"Trusting CDS Clients";
 * cds-hooks.md §2.8 J-1…J-8). Every failure is the same 401 AppError; the reason is kept out of the message.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AppError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import type { TrustedIssuer } from './trusted-issuer';
import { createBoundedFetchJson, type FetchJson } from './fetch-json';
import { JwksCache, pickByKid } from './jwks-cache';
import { createInMemoryReplayStore } from './in-memory-replay-store';
import { REPLAY_DEFAULTS, replayPartitionSize, type ReplayStore } from './replay-store';

/** The authenticated caller: safe to log (no token content beyond iss, jti and tenant). */
export interface VerifiedCaller {
  readonly iss: string;
  readonly jti: string;
  readonly tenant?: string;
}

/** Verifies an `Authorization` header for the exact URL that was called. */
export interface JwtVerifier {
  verify(authorizationHeader: string | undefined, audience: string): Promise<VerifiedCaller>;
}

/** Options of {@link createJwtVerifier}. */
export interface JwtVerifierOptions {
  readonly issuers: readonly TrustedIssuer[];
  readonly clock: Clock;
  /** Allowed clock skew for exp/nbf/iat (default 60 s). */
  readonly skewSeconds?: number;
  /** Largest accepted exp − iat (default 900 s). */
  readonly maxLifetimeSeconds?: number;
  /** JWK Set fetcher (default: global fetch, 2 s timeout, 100 kB cap, no redirects). */
  readonly fetchJson?: FetchJson;
  /** Minimum time between two fetches of one JWK Set URL (default 60 s). */
  readonly jwksRefreshMinIntervalMs?: number;
  /** Where accepted jti values are remembered (default: in memory, one partition per issuer). */
  readonly replayStore?: ReplayStore;
  /** Size of each issuer's in-memory partition when no replayStore is given (default: replayPartitionSize of lifetime and skew). */
  readonly replayEntriesPerIssuer?: number;
}

/** The only algorithms accepted (J-4: asymmetric, RECOMMENDED ES384 and RS384). */
const ALLOWED_ALGS = new Set(['ES384', 'RS384']);
const MAX_TOKEN_LENGTH = 16_384;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const REASON = Symbol('authFailureReason');

/** A short, fixed reason for a failed verification (for a debug log field); never token content. */
export function authFailureReason(error: unknown): string | undefined {
  if (error instanceof AppError) {
    const reason = (error as unknown as Record<symbol, unknown>)[REASON];
    return typeof reason === 'string' ? reason : undefined;
  }
  return undefined;
}

function fail(reason: string): never {
  const error = new AppError('AUTH_INVALID_TOKEN', 'Authentication failed');
  Object.defineProperty(error, REASON, { value: reason, enumerable: false });
  throw error;
}

/** Builds a verifier over a fixed list of trusted issuers. */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const skew = options.skewSeconds ?? REPLAY_DEFAULTS.skewSeconds;
  const maxLifetime = options.maxLifetimeSeconds ?? REPLAY_DEFAULTS.maxLifetimeSeconds;
  const issuers = new Map(options.issuers.map((i) => [i.iss, i] as const));
  const jwks = new JwksCache({
    fetchJson: options.fetchJson ?? createBoundedFetchJson(),
    nowMs: () => options.clock.now().getTime(),
    ...(options.jwksRefreshMinIntervalMs !== undefined ? { refreshMinIntervalMs: options.jwksRefreshMinIntervalMs } : {}),
  });
  const replay =
    options.replayStore ??
    createInMemoryReplayStore({
      clock: options.clock,
      entriesPerIssuer: options.replayEntriesPerIssuer ?? replayPartitionSize({ maxLifetimeSeconds: maxLifetime, skewSeconds: skew }),
    });
  const imported = new WeakMap<JsonWebKey, KeyObject>();

  const importKey = (jwk: JsonWebKey, alg: string): KeyObject => {
    if (jwk['use'] !== undefined && jwk['use'] !== 'sig') fail('key-use');
    if (jwk['alg'] !== undefined && jwk['alg'] !== alg) fail('key-alg-mismatch');
    if (alg === 'ES384' && !(jwk.kty === 'EC' && jwk.crv === 'P-384')) fail('key-type-mismatch');
    if (alg === 'RS384' && jwk.kty !== 'RSA') fail('key-type-mismatch');
    let key = imported.get(jwk);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: publicPart(jwk), format: 'jwk' });
      } catch {
        fail('key-unusable');
      }
      if (alg === 'RS384' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) fail('key-too-weak');
      imported.set(jwk, key);
    }
    return key;
  };

  const findJwk = async (issuer: TrustedIssuer, kid: string, jku: string | undefined): Promise<JsonWebKey> => {
    let url = issuer.jwksUrl;
    if (jku !== undefined) {
      const allowed = (issuer.jkuAllowlist ?? []).includes(jku) || jku === issuer.jwksUrl;
      if (!allowed) fail('jku-not-allowed');
      url = jku;
    }
    const pinned = issuer.jwks === undefined ? undefined : pickByKid(issuer.jwks.keys, kid);
    if (pinned !== undefined) return pinned;
    if (url === undefined) fail('unknown-kid');
    const fetched = await jwks.findKey(url, kid);
    if (fetched === undefined) fail('unknown-kid');
    return fetched;
  };

  return {
    async verify(authorizationHeader, audience) {
      const token = bearerToken(authorizationHeader);
      const [headerPart, payloadPart] = token.split('.');
      const header = decodeSegment(headerPart);
      const claims = decodeSegment(payloadPart);

      const alg = header['alg'];
      if (typeof alg !== 'string' || !ALLOWED_ALGS.has(alg)) fail('alg-not-allowed');
      const kid = header['kid'];
      if (typeof kid !== 'string' || kid === '') fail('kid-missing');
      if (header['typ'] !== undefined && String(header['typ']).toUpperCase() !== 'JWT') fail('typ');
      const jkuHeader = header['jku'];
      if (jkuHeader !== undefined && typeof jkuHeader !== 'string') fail('jku-invalid');
      if (header['crit'] !== undefined) fail('crit-unsupported');

      const iss = claims['iss'];
      if (typeof iss !== 'string') fail('iss-missing');
      const issuer = issuers.get(iss);
      if (issuer === undefined) fail('iss-untrusted');
      checkAudience(claims['aud'], audience, issuer.audience);
      const times = checkTimes(claims, Math.floor(options.clock.now().getTime() / 1000), skew, maxLifetime);
      const jti = claims['jti'];
      if (typeof jti !== 'string' || jti === '' || jti.length > 256) fail('jti-missing');
      const tenant = claims['tenant'];
      if (tenant !== undefined && typeof tenant !== 'string') fail('tenant-invalid');
      if (issuer.tenant !== undefined && tenant !== issuer.tenant) fail('tenant-mismatch');

      const jwk = await findJwk(issuer, kid, jkuHeader);
      const key = importKey(jwk, alg);
      try {
        jwt.verify(token, key, { algorithms: [alg as jwt.Algorithm], ignoreExpiration: true, ignoreNotBefore: true });
      } catch {
        fail('signature');
      }
      // The jti is consumed only for a genuine token (after the signature), so forged tokens cannot fill a partition.
      const verdict = await replay.consume(iss, jti, times.exp + skew);
      if (verdict === 'replayed') fail('jti-replayed');
      if (verdict === 'full') fail('replay-store-full');
      return tenant === undefined ? { iss, jti } : { iss, jti, tenant };
    },
  };
}

function bearerToken(header: string | undefined): string {
  if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH + 7) fail('bearer-missing');
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  const token = match?.[1];
  if (token === undefined || !TOKEN_SHAPE.test(token)) fail('bearer-malformed');
  return token;
}

function decodeSegment(segment: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the uniform failure
  }
  return fail('token-malformed');
}

function checkAudience(aud: unknown, called: string, configured: string | undefined): void {
  const accepted = (value: unknown): boolean => typeof value === 'string' && (value === called || value === configured);
  const ok = Array.isArray(aud) ? aud.some(accepted) : accepted(aud);
  if (!ok) fail('aud-mismatch');
}

function checkTimes(
  claims: Record<string, unknown>,
  now: number,
  skew: number,
  maxLifetime: number,
): { exp: number } {
  const { exp, iat, nbf } = claims;
  if (!isSeconds(exp)) fail('exp-missing');
  if (!isSeconds(iat)) fail('iat-missing');
  if (exp + skew <= now) fail('expired');
  if (iat > now + skew) fail('iat-future');
  if (nbf !== undefined && (!isSeconds(nbf) || nbf > now + skew)) fail('nbf-future');
  if (exp <= iat || exp - iat > maxLifetime) fail('lifetime');
  return { exp };
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Drops private and unknown members so a JWK can only ever import as a public key. */
function publicPart(jwk: JsonWebKey): JsonWebKey {
  const names = jwk.kty === 'RSA' ? ['kty', 'n', 'e'] : ['kty', 'crv', 'x', 'y'];
  const out: JsonWebKey = {};
  for (const name of names) if (typeof jwk[name] === 'string') out[name] = jwk[name];
  return out;
}
