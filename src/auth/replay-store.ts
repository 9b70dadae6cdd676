/**
 * The replay-store port: remembers which (issuer, jti) pairs were accepted until their tokens expire, so a CDS
 * client JWT is accepted once only (CDS Hooks 2.0 § Trusting CDS Clients: "jti not seen before").
 * Implementations keep one partition per issuer: one issuer filling its share never refuses another issuer's tokens.
 */

/** What consuming a jti found: first use (accept), a replay (refuse), or the issuer's partition is full (refuse, fail closed). */
export type ReplayVerdict = 'fresh' | 'replayed' | 'full';

/** A store shared by every verification of this process (or, with a shared database, of every replica). */
export interface ReplayStore {
  /**
   * Atomically checks and marks `jti` of `issuer` as used until `expiresAtEpochSeconds` (the token's `exp` plus
   * the allowed clock skew). Two concurrent calls with the same pair never both answer 'fresh'.
   */
  consume(issuer: string, jti: string, expiresAtEpochSeconds: number): Promise<ReplayVerdict>;
}

/** Defaults of the token-lifetime bound and replay partition sizing (README § Security). */
export const REPLAY_DEFAULTS = {
  /** Largest accepted exp − iat (s): CDS clients use 5 minutes (the sandbox) to 15 (Epic, reference/cds-hooks.md §2.8). */
  maxLifetimeSeconds: 900,
  /** Clock skew allowed on exp, nbf and iat (s). */
  skewSeconds: 60,
  /** Sustained calls per second one issuer is sized for. */
  callsPerSecondPerIssuer: 100,
} as const;

/**
 * Entries one issuer's partition needs: an accepted token's jti lives at most lifetime + 2 × skew seconds
 * (iat may be skew in the future, the entry lasts until exp + skew), times the calls per second it is sized for.
 */
export function replayPartitionSize(options: { readonly maxLifetimeSeconds: number; readonly skewSeconds: number; readonly callsPerSecond?: number }): number {
  const rate = options.callsPerSecond ?? REPLAY_DEFAULTS.callsPerSecondPerIssuer;
  return Math.max(1, Math.ceil(rate * (options.maxLifetimeSeconds + 2 * options.skewSeconds)));
}
