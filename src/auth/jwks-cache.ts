/**
 * Per-URL cache of JWK Sets with single-flight fetches and a rate-limited refresh on an unknown `kid`
 * (CDS Hooks best practice: cache keys, refresh on rotation).
 */
import type { JsonWebKey } from 'node:crypto';
import type { FetchJson } from './fetch-json';

interface Entry {
  keys: readonly JsonWebKey[];
  fetchedAt: number;
}

/** Options of {@link JwksCache}. */
export interface JwksCacheOptions {
  readonly fetchJson: FetchJson;
  /** Milliseconds since an epoch, monotonic enough for rate limiting. */
  readonly nowMs: () => number;
  /** Minimum time between two fetches of the same URL (default 60 s). */
  readonly refreshMinIntervalMs?: number;
  /** Age after which a cached set is fetched again on next use (default 1 h). */
  readonly maxAgeMs?: number;
}

/** Finds a key by `kid` at a JWK Set URL, fetching at most once per refresh interval. */
export class JwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry | undefined>>();
  private readonly lastAttempt = new Map<string, number>();
  private readonly refreshMinIntervalMs: number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: JwksCacheOptions) {
    this.refreshMinIntervalMs = options.refreshMinIntervalMs ?? 60_000;
    this.maxAgeMs = options.maxAgeMs ?? 3_600_000;
  }

  /** The key with this `kid` at the URL, or undefined when absent even after one allowed refresh. */
  async findKey(url: string, kid: string): Promise<JsonWebKey | undefined> {
    const now = this.options.nowMs();
    let entry = this.entries.get(url);
    if (entry !== undefined && now - entry.fetchedAt <= this.maxAgeMs) {
      const hit = pickByKid(entry.keys, kid);
      if (hit !== undefined) return hit;
    }
    if (!this.mayFetch(url, now)) return entry === undefined ? undefined : pickByKid(entry.keys, kid);
    entry = (await this.fetchOnce(url)) ?? entry;
    return entry === undefined ? undefined : pickByKid(entry.keys, kid);
  }

  private mayFetch(url: string, now: number): boolean {
    if (this.inFlight.has(url)) return true;
    const last = this.lastAttempt.get(url);
    return last === undefined || now - last >= this.refreshMinIntervalMs;
  }

  private fetchOnce(url: string): Promise<Entry | undefined> {
    const pending = this.inFlight.get(url);
    if (pending !== undefined) return pending;
    this.lastAttempt.set(url, this.options.nowMs());
    const promise = this.options
      .fetchJson(url)
      .then((body) => {
        const keys = parseJwks(body);
        if (keys === undefined) return undefined;
        const entry: Entry = { keys, fetchedAt: this.options.nowMs() };
        this.entries.set(url, entry);
        return entry;
      })
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, promise);
    return promise;
  }
}

function parseJwks(body: unknown): readonly JsonWebKey[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const keys = (body as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) return undefined;
  return keys.filter((k): k is JsonWebKey => typeof k === 'object' && k !== null && !Array.isArray(k));
}

/** The key of a set whose `kid` equals the given one (first match). */
export function pickByKid(keys: readonly JsonWebKey[], kid: string): JsonWebKey | undefined {
  return keys.find((k) => k['kid'] === kid);
}
