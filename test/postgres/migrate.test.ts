/**
 * Schema migrations on a real PostgreSQL server (embedded, or DATABASE_URL): applied once, also when several
 * callers migrate at the same instant (advisory lock), and a schema newer than the code is refused with a clear
 * message.
 */
import { Pool } from 'pg';
import { migrate } from '../../src/feedback/postgres/migrate';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/feedback/postgres/migrations';
import { BootError } from '../../src/shared/errors';
import { testDatabase, type TestDatabase } from '../support/postgres';

jest.setTimeout(60_000);

let db: TestDatabase;
const pools: Pool[] = [];
const pool = (): Pool => {
  const p = new Pool({ connectionString: db.url, max: 2 });
  p.on('error', () => undefined); // an idle connection closed by the server is replaced on the next query
  pools.push(p);
  return p;
};

beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db.release();
});

it('eight callers migrating at the same instant apply each migration exactly once', async () => {
  const results = await Promise.all(Array.from({ length: 8 }, () => migrate(pool())));
  const applied = results.flatMap((r) => r.applied);
  expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
  expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
  for (const r of results) expect(r.to).toBe(SCHEMA_VERSION);
  const rows = await pool().query<{ version: number }>('SELECT version FROM hcc_cds_schema ORDER BY version');
  expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  const tables = await pool().query<{ t: string }>("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
  expect(tables.rows.map((r) => r.t)).toEqual(['card_log', 'card_recommendation', 'feedback', 'hcc_cds_schema', 'jti_replay']);
});

it('a later start finds nothing to apply', async () => {
  expect(await migrate(pool())).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
});

it('code older than the schema refuses, naming both versions, and changes nothing', async () => {
  const p = pool();
  await p.query("INSERT INTO hcc_cds_schema (version, name) VALUES ($1, 'from-a-newer-release')", [SCHEMA_VERSION + 1]);
  const error = await migrate(p).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BootError);
  expect((error as BootError).message).toContain(`the database is at schema version ${SCHEMA_VERSION + 1}; this release knows versions up to ${SCHEMA_VERSION}`);
  // The lock was released: a newer release (knowing that version) migrates without waiting.
  const newer = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'from-a-newer-release', sql: 'SELECT 1' }];
  expect(await migrate(p, { migrations: newer, lockTimeoutMs: 5000 })).toEqual({ from: SCHEMA_VERSION + 1, to: SCHEMA_VERSION + 1, applied: [] });
});

it('a failing migration is rolled back and reported, and is retried by the next start', async () => {
  const p = pool();
  const v = SCHEMA_VERSION + 2;
  const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'x', sql: 'SELECT 1' }, { version: v, name: 'broken', sql: 'CREATE TABLE half (a int); SELECT * FROM no_such_table' }];
  await expect(migrate(p, { migrations: broken })).rejects.toThrow(`schema migration ${v} (broken) failed`);
  const half = await p.query("SELECT to_regclass('half') AS t");
  expect(half.rows[0]).toEqual({ t: null });
  const fixed = [...broken.slice(0, -1), { version: v, name: 'fixed', sql: 'CREATE TABLE half (a int)' }];
  expect((await migrate(p, { migrations: fixed })).applied).toEqual([v]);
});
