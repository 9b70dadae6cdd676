/**
 * Remembers accepted (iss, jti) pairs until the token expires so a token is accepted once only
 * (CDS Hooks best practice: "jti not seen before").
 */

/** Bounded in-memory replay cache; all methods are synchronous so check-and-mark cannot interleave. */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries: number = 100_000) {}

  /** True when the pair was already accepted and has not expired. */
  has(iss: string, jti: string, nowSec: number): boolean {
    const until = this.seen.get(cacheKey(iss, jti));
    return until !== undefined && until >= nowSec;
  }

  /** Marks the pair as used until `untilSec`; false when it was already marked or the cache is full (fail closed). */
  mark(iss: string, jti: string, untilSec: number, nowSec: number): boolean {
    if (this.has(iss, jti, nowSec)) return false;
    if (this.seen.size >= this.maxEntries) this.purge(nowSec);
    if (this.seen.size >= this.maxEntries) return false;
    this.seen.set(cacheKey(iss, jti), untilSec);
    return true;
  }

  /** Number of remembered pairs (tests, metrics). */
  get size(): number {
    return this.seen.size;
  }

  private purge(nowSec: number): void {
    for (const [key, until] of this.seen) if (until < nowSec) this.seen.delete(key);
  }
}

function cacheKey(iss: string, jti: string): string {
  return `${iss}\u0000${jti}`;
}
