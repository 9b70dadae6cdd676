/**
 * Micro-benchmark of one replay check (ReplayStore.consume) per hook call: the in-memory store against the shared
 * PostgreSQL store (one INSERT … ON CONFLICT round trip on a synchronous_commit=off pool, as the server runs it),
 * sequentially, first uses and replays. Used by scripts/replay-bench.ts and by `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createInMemoryReplayStore } from '../../src/auth/in-memory-replay-store';
import { createPostgresReplayStore } from '../../src/auth/postgres-replay-store';
import type { ReplayStore } from '../../src/auth/replay-store';
import { migrate } from '../../src/feedback/postgres/migrate';
import { systemClock } from '../../src/shared/clock';
import { summarise, type LatencySummary } from './stats';

/** Latency of consume() per store and path. */
export interface ReplayCost {
  readonly inMemoryFresh: LatencySummary;
  readonly postgresFresh: LatencySummary;
  readonly postgresReplayed: LatencySummary;
}

async function time(store: ReplayStore, jtis: readonly string[], expiresAt: number): Promise<LatencySummary> {
  const samples: bigint[] = [];
  for (const jti of jtis) {
    const t0 = process.hrtime.bigint();
    await store.consume('https://ehr.bench.example', jti, expiresAt);
    samples.push(process.hrtime.bigint() - t0);
  }
  return summarise(samples);
}

/** Measures `n` sequential calls per case against the database at `url` (migrated here if needed). */
export async function measureReplayCost(url: string, n: number): Promise<ReplayCost> {
  const setup = new Pool({ connectionString: url, max: 1 });
  await migrate(setup);
  await setup.end();
  const pool = new Pool({ connectionString: url, max: 2, options: '-c synchronous_commit=off' });
  pool.on('error', () => undefined);
  const local = createInMemoryReplayStore({ clock: systemClock, entriesPerIssuer: 10 * n + 1000 });
  const shared = createPostgresReplayStore({ pool, local, clock: systemClock, entriesPerIssuer: 10 * n + 1000, purgeIntervalMs: 0 });
  const expiresAt = Math.floor(Date.now() / 1000) + 600;
  const fresh = (count: number): string[] => Array.from({ length: count }, () => randomUUID());
  try {
    await time(shared, fresh(Math.min(200, n)), expiresAt); // warm-up: connections, plans, JIT
    const inMemoryFresh = await time(createInMemoryReplayStore({ clock: systemClock, entriesPerIssuer: 10 * n + 1000 }), fresh(n), expiresAt);
    const used = fresh(n);
    const postgresFresh = await time(shared, used, expiresAt);
    const postgresReplayed = await time(shared, used, expiresAt);
    if (shared.mode !== 'shared') throw new Error('the replay store fell back to local during the measurement');
    return { inMemoryFresh, postgresFresh, postgresReplayed };
  } finally {
    shared.close();
    await pool.end();
  }
}
