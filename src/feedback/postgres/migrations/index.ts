/**
 * Every migration of the PostgreSQL store, in order. Append only: a released migration is never edited, and each
 * must keep the previous release working on the new schema (add, do not rename or drop) so replicas can be
 * upgraded one at a time (README § Deploy).
 */
import { initial } from './001-initial';
import type { Migration } from './migration';

/** The migrations this code knows, in version order. */
export const MIGRATIONS: readonly Migration[] = [initial];

/** The schema version this code expects (the last migration's). */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
