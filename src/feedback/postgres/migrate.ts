/**
 * Brings a PostgreSQL database to this code's schema version at start-up. Every replica calls it; a session-level
 * advisory lock serialises them, so when N replicas start together exactly one applies the missing migrations and
 * the others find them applied. A database whose schema is newer than this code is refused (BootError): an older
 * release must not write to tables it does not know.
 * @see https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
import type { Pool } from 'pg';
import { BootError } from '../../shared/errors';
import { MIGRATIONS } from './migrations';
import type { Migration } from './migrations/migration';

/** The advisory lock key of schema migrations ("hcc-cds" as a 64-bit integer). */
export const MIGRATION_LOCK_KEY = '29400493599556467';

/** What a migration run found and did. */
export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  /** Versions this call applied (empty when another replica had already done it). */
  readonly applied: readonly number[];
}

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS hcc_cds_schema (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** Applies the missing migrations under the advisory lock; throws BootError when the schema is newer than the code. */
export async function migrate(pool: Pool, options: { readonly migrations?: readonly Migration[]; readonly lockTimeoutMs?: number } = {}): Promise<MigrationResult> {
  const migrations = options.migrations ?? MIGRATIONS;
  const known = migrations[migrations.length - 1]?.version ?? 0;
  const client = await pool.connect();
  const absorb = (): void => undefined; // a dying connection's 'error' event; the pending query fails with it
  client.on('error', absorb);
  try {
    await client.query(`SET statement_timeout = ${Math.max(1, Math.floor(options.lockTimeoutMs ?? 60_000))}`);
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('SET statement_timeout = 0');
      await client.query(VERSION_TABLE);
      const current = Number((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM hcc_cds_schema')).rows[0]?.v ?? 0);
      if (current > known) {
        throw new BootError('the database schema is newer than this release', [
          `the database is at schema version ${current}; this release knows versions up to ${known}`,
          'an older replica must not write to a newer schema: deploy the release that migrated it (README § Deploy, rolling upgrades)',
        ]);
      }
      const applied: number[] = [];
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO hcc_cds_schema (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new BootError(`schema migration ${migration.version} (${migration.name}) failed`, [error instanceof Error ? error.message : String(error)]);
        }
        applied.push(migration.version);
      }
      return { from: current, to: Math.max(current, known), applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.off('error', absorb);
    client.release();
  }
}
