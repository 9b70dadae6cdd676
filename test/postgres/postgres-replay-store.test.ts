/**
 * The shared replay store on a real PostgreSQL server: two stores with their own pools stand for two replicas.
 * A jti accepted by one is refused by the other, concurrent first uses have exactly one winner, expired rows are
 * revived and purged, a full issuer is refused without affecting another, and an outage falls back to the local
 * store (saying so) and recovers by itself, writing back what it accepted meanwhile.
 */
import { Pool } from 'pg';
import { createInMemoryReplayStore } from '../../src/auth/in-memory-replay-store';
import { createPostgresReplayStore, type ReplayMode } from '../../src/auth/postgres-replay-store';
import { migrate } from '../../src/feedback/postgres/migrate';
import type { Clock } from '../../src/shared/clock';
import { testDatabase, type TestDatabase } from '../support/postgres';

jest.setTimeout(60_000);

let db: TestDatabase;
const pools: Pool[] = [];
let nowMs = Date.UTC(2026, 0, 1);
const clock: Clock = { now: () => new Date(nowMs) };
const nowSec = (): number => Math.floor(nowMs / 1000);

function replica(overrides: { entriesPerIssuer?: number; onModeChange?: (m: ReplayMode) => void; timeoutMs?: number } = {}) {
  const pool = new Pool({ connectionString: db.url, max: 4, connectionTimeoutMillis: 500 });
  pool.on('error', () => undefined);
  pools.push(pool);
  const local = createInMemoryReplayStore({ clock, entriesPerIssuer: 1000 });
  const errors: string[] = [];
  const store = createPostgresReplayStore({
    pool,
    local,
    clock,
    entriesPerIssuer: overrides.entriesPerIssuer ?? 1000,
    purgeIntervalMs: 0,
    retryAfterMs: 100,
    // Generous by default: on a loaded machine a slow answer would otherwise fall back to the local store (by design).
    timeoutMs: overrides.timeoutMs ?? 10_000,
    onDatabaseError: (operation) => errors.push(operation),
    ...(overrides.onModeChange === undefined ? {} : { onModeChange: overrides.onModeChange }),
  });
  return { store, pool, errors };
}

beforeAll(async () => {
  db = await testDatabase({ embedded: true });
  const pool = new Pool({ connectionString: db.url });
  await migrate(pool);
  await pool.end();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.release();
});

it('a jti accepted by one replica is refused by another, per issuer', async () => {
  const a = replica();
  const b = replica();
  expect(await a.store.consume('https://ehr-1', 'j1', nowSec() + 300)).toBe('fresh');
  expect(await b.store.consume('https://ehr-1', 'j1', nowSec() + 300)).toBe('replayed');
  expect(await a.store.consume('https://ehr-1', 'j1', nowSec() + 300)).toBe('replayed');
  expect(await b.store.consume('https://ehr-2', 'j1', nowSec() + 300)).toBe('fresh');
  expect(a.store.mode).toBe('shared');
});

it('twenty concurrent first uses of one jti on two replicas: exactly one is fresh', async () => {
  const a = replica();
  const b = replica();
  const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).store.consume('https://ehr-1', 'race', nowSec() + 300)));
  expect(verdicts.filter((v) => v === 'fresh')).toHaveLength(1);
  expect(verdicts.filter((v) => v === 'replayed')).toHaveLength(19);
});

it('an expired row no longer blocks its jti, and purge deletes expired rows', async () => {
  const a = replica();
  expect(await a.store.consume('https://ehr-3', 'old', nowSec() + 10)).toBe('fresh');
  nowMs += 11_000;
  expect(await a.store.consume('https://ehr-3', 'old', nowSec() + 10)).toBe('fresh');
  expect(await a.store.consume('https://ehr-3', 'gone', nowSec() + 5)).toBe('fresh');
  nowMs += 6_000;
  await a.store.purge();
  const rows = await a.pool.query<{ jti: string }>("SELECT jti FROM jti_replay WHERE iss = 'https://ehr-3' ORDER BY jti");
  expect(rows.rows.map((r) => r.jti)).toEqual(['old']);
});

it('an issuer at its bound is refused as full after the purge measures it; another issuer is unaffected', async () => {
  const a = replica({ entriesPerIssuer: 3 });
  for (const jti of ['f1', 'f2', 'f3']) expect(await a.store.consume('https://greedy', jti, nowSec() + 300)).toBe('fresh');
  await a.store.purge();
  expect(await a.store.consume('https://greedy', 'f4', nowSec() + 300)).toBe('full');
  expect(await a.store.consume('https://modest', 'm1', nowSec() + 300)).toBe('fresh');
});

it('during an outage answers from the local store and says so; recovers by itself and writes back what it accepted', async () => {
  const modes: ReplayMode[] = [];
  const a = replica({ onModeChange: (m) => modes.push(m), timeoutMs: 1000 });
  const b = replica();
  expect(await a.store.consume('https://ehr-1', 'before', nowSec() + 300)).toBe('fresh');
  await db.server?.stop();
  const t0 = Date.now();
  expect(await a.store.consume('https://ehr-1', 'during', nowSec() + 300)).toBe('fresh');
  expect(Date.now() - t0).toBeLessThan(1500);
  expect(a.store.mode).toBe('local');
  expect(modes).toEqual(['local']);
  expect(a.errors).toContain('replay');
  expect(await a.store.consume('https://ehr-1', 'during', nowSec() + 300)).toBe('replayed');
  // remembered locally while shared, so still refused during the outage
  expect(await a.store.consume('https://ehr-1', 'before', nowSec() + 300)).toBe('replayed');
  await db.server?.start();
  await new Promise((r) => setTimeout(r, 150));
  let verdict = await a.store.consume('https://ehr-1', 'after', nowSec() + 300);
  for (let i = 0; i < 20 && a.store.mode === 'local'; i += 1) {
    await new Promise((r) => setTimeout(r, 150));
    verdict = await a.store.consume('https://ehr-1', `after-${i}`, nowSec() + 300);
  }
  expect(verdict).toBe('fresh');
  expect(a.store.mode).toBe('shared');
  expect(modes).toEqual(['local', 'shared']);
  expect(await b.store.consume('https://ehr-1', 'during', nowSec() + 300)).toBe('replayed');
});
