/**
 * A PostgreSQL database for one test suite: a fresh database on the server named by DATABASE_URL when it is set,
 * otherwise a throw-away embedded server (scripts/lib/embedded-postgres.ts) started by the suite itself.
 * Either way the suite gets an empty database it may migrate and fill, and `release()` removes it.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../scripts/lib/embedded-postgres';

/** An empty database for one suite. */
export interface TestDatabase {
  /** Connection URL of the suite's own database. */
  readonly url: string;
  /** The embedded server, when the suite started one (undefined with DATABASE_URL). */
  readonly server?: EmbeddedPostgres;
  release(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates the suite's database (DATABASE_URL) or starts an embedded server (fsync off: tests never crash the host). */
export async function testDatabase(options: { readonly embedded?: boolean } = {}): Promise<TestDatabase> {
  const external = process.env['DATABASE_URL'];
  if (external !== undefined && external !== '' && options.embedded !== true) {
    const name = `hcc_cds_test_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return {
      url: withDatabase(external, name),
      async release() {
        const drop = new Client({ connectionString: external });
        await drop.connect();
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await drop.end();
      },
    };
  }
  const server = await startEmbeddedPostgres({ settings: { fsync: 'off' } });
  return { url: server.url, server, release: () => server.destroy() };
}
