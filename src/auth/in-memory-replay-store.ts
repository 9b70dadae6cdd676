/**
 * The per-process ReplayStore: one bounded partition per issuer, entries bucketed by their expiry second so expired
 * ones are dropped in amortised constant time (no full scan when a partition is full).
 */
import type { Clock } from '../shared/clock';
import type { ReplayStore, ReplayVerdict } from './replay-store';

/** One issuer's remembered jti values. */
class Partition {
  private readonly until = new Map<string, number>();
  private readonly buckets = new Map<number, string[]>();
  private purgedBefore: number | undefined;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.until.size;
  }

  consume(jti: string, expiresAt: number, now: number): ReplayVerdict {
    this.purge(now);
    const known = this.until.get(jti);
    if (known !== undefined && known >= now) return 'replayed';
    if (this.until.size >= this.capacity) return 'full';
    const second = Math.floor(expiresAt);
    this.until.set(jti, second);
    const bucket = this.buckets.get(second);
    if (bucket === undefined) this.buckets.set(second, [jti]);
    else bucket.push(jti);
    return 'fresh';
  }

  /** Drops every entry whose expiry second is before `now` (an entry is alive while expiry >= now). */
  private purge(now: number): void {
    const from = this.purgedBefore ?? now;
    if (now - from > this.buckets.size) {
      for (const second of [...this.buckets.keys()]) if (second < now) this.dropBucket(second);
    } else {
      for (let second = from; second < now; second += 1) this.dropBucket(second);
    }
    this.purgedBefore = Math.max(from, now);
  }

  private dropBucket(second: number): void {
    const bucket = this.buckets.get(second);
    if (bucket === undefined) return;
    for (const jti of bucket) if (this.until.get(jti) === second) this.until.delete(jti);
    this.buckets.delete(second);
  }
}

/** The in-memory store with its partition sizes visible for tests and metrics. */
export interface InMemoryReplayStore extends ReplayStore {
  /** Remembered jti values of one issuer. */
  sizeOf(issuer: string): number;
}

/** Creates the store; `entriesPerIssuer` bounds each issuer's partition (see replayPartitionSize). */
export function createInMemoryReplayStore(options: { readonly clock: Clock; readonly entriesPerIssuer: number }): InMemoryReplayStore {
  const partitions = new Map<string, Partition>();
  return {
    consume(issuer, jti, expiresAtEpochSeconds) {
      let partition = partitions.get(issuer);
      if (partition === undefined) {
        partition = new Partition(options.entriesPerIssuer);
        partitions.set(issuer, partition);
      }
      const now = Math.floor(options.clock.now().getTime() / 1000);
      return Promise.resolve(partition.consume(jti, expiresAtEpochSeconds, now));
    },
    sizeOf(issuer) {
      return partitions.get(issuer)?.size ?? 0;
    },
  };
}
