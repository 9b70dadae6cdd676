/**
 * The shared ReplayStore on PostgreSQL: a jti accepted by one replica is refused by every other. Each call is one
 * atomic statement, INSERT … ON CONFLICT (iss, jti) DO UPDATE … WHERE the old row has expired — a new row or a
 * revived expired one means first use, no row returned means a replay; two replicas racing on one pair cannot both
 * win (the primary key serialises them). Expired rows are deleted in the background, which also measures each
 * issuer's partition and marks issuers at their bound as full (one issuer cannot fill the table for the others).
 *
 * When the database does not answer within the budget, the call falls back to this process's in-memory store
 * (which also remembers every jti this replica accepted while shared) and the store says so (onModeChange) until a
 * later call succeeds; the jti values accepted locally meanwhile are written to the shared table before it is
 * trusted again. The pool should run with synchronous_commit=off: rows are visible to every replica at once, and
 * only a crash of the database server itself can forget the last fraction of a second of accepted jti values.
 */
import type { Pool } from 'pg';
import type { Clock } from '../shared/clock';
import type { ReplayStore, ReplayVerdict } from './replay-store';

/** Where verdicts currently come from. */
export type ReplayMode = 'shared' | 'local';

/** Options of {@link createPostgresReplayStore}. */
export interface PostgresReplayStoreOptions {
  readonly pool: Pool;
  /** The per-process store used during outages (and kept up to date while shared). */
  readonly local: ReplayStore;
  readonly clock: Clock;
  /** Bound of each issuer's rows (as the in-memory partitions). */
  readonly entriesPerIssuer: number;
  /** Budget of one shared check before falling back (default 250 ms). */
  readonly timeoutMs?: number;
  /** After a failure, how long calls go straight to the local store before the database is tried again (default 1000 ms). */
  readonly retryAfterMs?: number;
  /** Period of the background expiry and partition measurement (default 30 s; 0 disables it). */
  readonly purgeIntervalMs?: number;
  /** Most locally accepted jti values kept for writing back after an outage (default 100 000). */
  readonly writeBackMax?: number;
  /** Called when verdicts switch between the shared table and the local store (no token content). */
  readonly onModeChange?: (mode: ReplayMode) => void;
  /** Called once per call answered by the local store while the database is unreachable. */
  readonly onLocalVerdict?: () => void;
  /** Called when a database operation failed ('replay', 'replay-purge', 'replay-write-back'). */
  readonly onDatabaseError?: (operation: string, error: unknown) => void;
}

/** The shared store, its current mode, and its background task. */
export interface PostgresReplayStore extends ReplayStore {
  readonly mode: ReplayMode;
  /** Deletes expired rows and re-measures the issuers' partitions now (also run periodically). */
  purge(): Promise<void>;
  /** Stops the background task (the pool is closed by its owner). */
  close(): void;
}

const CONSUME = `
INSERT INTO jti_replay (iss, jti, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (iss, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE jti_replay.expires_at < $4
RETURNING 1`;

const WRITE_BACK = `
INSERT INTO jti_replay (iss, jti, expires_at)
SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
ON CONFLICT (iss, jti) DO UPDATE SET expires_at = GREATEST(jti_replay.expires_at, EXCLUDED.expires_at)`;

class Timeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout('replay check timed out')), ms);
  });
  // The query may still settle after the timeout; its late outcome is ignored.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Creates the shared store over a migrated database. */
export function createPostgresReplayStore(options: PostgresReplayStoreOptions): PostgresReplayStore {
  const timeoutMs = options.timeoutMs ?? 250;
  const retryAfterMs = options.retryAfterMs ?? 1000;
  const writeBackMax = options.writeBackMax ?? 100_000;
  const nowSec = (): number => Math.floor(options.clock.now().getTime() / 1000);
  let mode: ReplayMode = 'shared';
  let retryAt = 0;
  let fullIssuers = new Set<string>();
  let writeBack: { iss: string; jti: string; exp: number }[] = [];

  const setMode = (next: ReplayMode): void => {
    if (next === mode) return;
    mode = next;
    options.onModeChange?.(next);
  };

  const locally = async (issuer: string, jti: string, expiresAt: number): Promise<ReplayVerdict> => {
    options.onLocalVerdict?.();
    const verdict = await options.local.consume(issuer, jti, expiresAt);
    if (verdict === 'fresh' && writeBack.length < writeBackMax) writeBack.push({ iss: issuer, jti, exp: Math.floor(expiresAt) });
    return verdict;
  };

  const flushWriteBack = async (): Promise<void> => {
    if (writeBack.length === 0) return;
    const batch = writeBack;
    const now = nowSec();
    const alive = batch.filter((e) => e.exp >= now);
    await withTimeout(options.pool.query(WRITE_BACK, [alive.map((e) => e.iss), alive.map((e) => e.jti), alive.map((e) => e.exp)]), timeoutMs * 4);
    writeBack = writeBack.slice(batch.length);
  };

  const purge = async (): Promise<void> => {
    try {
      await options.pool.query('DELETE FROM jti_replay WHERE expires_at < $1', [nowSec()]);
      const full = await options.pool.query<{ iss: string }>('SELECT iss FROM jti_replay GROUP BY iss HAVING count(*) >= $1', [options.entriesPerIssuer]);
      fullIssuers = new Set(full.rows.map((r) => r.iss));
    } catch (error) {
      options.onDatabaseError?.('replay-purge', error);
    }
  };
  const interval = options.purgeIntervalMs ?? 30_000;
  const timer = interval > 0 ? setInterval(() => void purge(), interval) : undefined;
  timer?.unref();

  return {
    get mode() {
      return mode;
    },
    async consume(issuer, jti, expiresAtEpochSeconds) {
      if (mode === 'local' && Date.now() < retryAt) return locally(issuer, jti, expiresAtEpochSeconds);
      if (fullIssuers.has(issuer)) return 'full';
      let verdict: ReplayVerdict;
      try {
        if (mode === 'local') await flushWriteBack();
        const result = await withTimeout(options.pool.query(CONSUME, [issuer, jti, Math.floor(expiresAtEpochSeconds), nowSec()]), timeoutMs);
        verdict = result.rowCount === 1 ? 'fresh' : 'replayed';
      } catch (error) {
        options.onDatabaseError?.('replay', error);
        retryAt = Date.now() + retryAfterMs;
        setMode('local');
        return locally(issuer, jti, expiresAtEpochSeconds);
      }
      setMode('shared');
      // Remembered here too, so an outage that starts now still refuses this replica's recent tokens.
      if (verdict === 'fresh') await options.local.consume(issuer, jti, expiresAtEpochSeconds);
      return verdict;
    },
    purge,
    close() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
