/**
 * The embedded PostgreSQL launcher (scripts/lib/embedded-postgres.ts): a fresh cluster starts on a free loopback
 * port (as `nobody` when the test runs as root), answers queries, stops, and starts again with its data kept.
 */
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';

jest.setTimeout(60_000);

it('starts, answers, survives a stop/start with its data, and is destroyed', async () => {
  const t0 = Date.now();
  const pg = await startEmbeddedPostgres({ settings: { fsync: 'off' } });
  const startedMs = Date.now() - t0;
  try {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    await client.query('CREATE TABLE kept (v int)');
    await client.query('INSERT INTO kept VALUES (42)');
    const owner = await client.query<{ u: string }>('SELECT current_user AS u');
    expect(owner.rows[0]?.u).toBe('postgres');
    await client.end();
    await pg.stop();
    const down = new Client({ connectionString: pg.url, connectionTimeoutMillis: 1000 });
    await expect(down.connect()).rejects.toThrow();
    await pg.start();
    const again = new Client({ connectionString: pg.url });
    await again.connect();
    expect((await again.query<{ v: number }>('SELECT v FROM kept')).rows).toEqual([{ v: 42 }]);
    await again.end();
  } finally {
    await pg.destroy();
  }
  expect(startedMs).toBeLessThan(30_000);
});
