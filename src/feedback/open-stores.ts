/**
 * Opens what the configuration selects for the state a process keeps: SQLite (the default: feedback store on a local
 * file, replay protection in memory) or PostgreSQL (feedback store and replay protection shared by every replica,
 * schema migrated at start, outages reported in the log and the metrics). server.ts is the only caller.
 */
import type { Pool } from 'pg';
import { createInMemoryReplayStore } from '../auth/in-memory-replay-store';
import { createPostgresReplayStore } from '../auth/postgres-replay-store';
import type { ReplayStore } from '../auth/replay-store';
import type { Config } from '../config';
import type { ServiceMetrics } from '../metrics/metrics';
import type { Clock } from '../shared/clock';
import { BootError } from '../shared/errors';
import type { AppLogger } from '../shared/logger';
import type { FeedbackStore } from './feedback-store';
import { openPool, type PostgresSettings } from './postgres/connection';
import { migrate } from './postgres/migrate';
import { createPostgresFeedbackStore } from './postgres/postgres-feedback-store';
import { openSqliteFeedbackStore } from './sqlite-feedback-store';

/** Where replay verdicts come from: this process (SQLite mode), the shared database, or this process during an outage. */
export type ReplayProtection = 'process' | 'shared' | 'local';

/** The opened stores. */
export interface Stores {
  readonly feedbackStore: FeedbackStore;
  readonly replayStore: ReplayStore;
  /** True with PostgreSQL: an unreachable database is reported by /readyz but does not make the replica unready. */
  readonly shared: boolean;
  replayProtection(): ReplayProtection;
  /** Writes what is pending and closes connections. */
  close(): Promise<void>;
}

/** What opening the stores needs. */
export interface OpenStoresDeps {
  readonly logger: AppLogger;
  readonly metrics: ServiceMetrics;
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
}

/** Logs a failing database operation at most once per 10 s per operation, with the count since the last line (no PHI: codes only). */
function databaseErrorReporter(logger: AppLogger, metrics: ServiceMetrics): (operation: string, error: unknown) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (operation, error) => {
    metrics.databaseError(operation);
    const now = Date.now();
    const seen = last.get(operation);
    if (seen !== undefined && now - seen.at < 10_000) {
      seen.suppressed += 1;
      return;
    }
    last.set(operation, { at: now, suppressed: 0 });
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : error instanceof Error ? error.name : 'unknown';
    logger.warn({ operation, code, suppressedSinceLast: seen?.suppressed ?? 0 }, 'database operation failed');
  };
}

async function openPostgres(settings: PostgresSettings, config: Config, deps: OpenStoresDeps): Promise<Stores> {
  const { logger, metrics } = deps;
  const report = databaseErrorReporter(logger, metrics);
  const idleError = (error: Error): void => report('connection', error);
  const main = openPool(settings, deps.env, idleError);
  // Replay rows are visible to every replica as soon as inserted; skipping the WAL flush wait keeps the per-call
  // cost at one round trip (only a crash of the database server itself can forget the last accepted jti values).
  const replayPool = openPool(settings, deps.env, idleError, '-c synchronous_commit=off');
  let result;
  try {
    result = await migrate(main);
  } catch (error) {
    await Promise.all([main.end(), replayPool.end()]).catch(() => undefined);
    if (error instanceof BootError) throw error;
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'unknown';
    throw new BootError('cannot reach PostgreSQL to check the schema', [`${config.database}: ${code}`]);
  }
  logger.info({ from: result.from, to: result.to, applied: result.applied }, 'database schema migrated');
  // One replay connection is opened now, so the first hook calls do not spend their replay budget on connecting.
  await replayPool.query('SELECT 1').catch((error: unknown) => report('replay', error));
  const feedbackStore = createPostgresFeedbackStore({
    pool: main,
    cardLogBufferMax: settings.cardLogBufferMax,
    onDatabaseError: report,
    onCardLogDropped: (count) => {
      metrics.cardLogDropped(count);
      logger.error({ cards: count }, 'card log buffer full: entries dropped');
    },
  });
  const local = createInMemoryReplayStore({ clock: deps.clock, entriesPerIssuer: config.jtiEntriesPerIssuer });
  const replayStore = createPostgresReplayStore({
    pool: replayPool,
    local,
    clock: deps.clock,
    entriesPerIssuer: config.jtiEntriesPerIssuer,
    timeoutMs: settings.replayTimeoutMs,
    onModeChange: (mode) => {
      metrics.replayMode(mode);
      if (mode === 'local') logger.warn('replay protection falls back to this process: the database is unreachable (a token replayed to another replica is not detected until it returns)');
      else logger.info('replay protection is shared again');
    },
    onLocalVerdict: () => metrics.replayLocalVerdict(),
    onDatabaseError: report,
  });
  const poolUse = (pool: Pool) => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  metrics.observeStore({
    pool: () => {
      const a = poolUse(main);
      const b = poolUse(replayPool);
      return { total: a.total + b.total, idle: a.idle + b.idle, waiting: a.waiting + b.waiting };
    },
    pendingCardLog: () => feedbackStore.pendingCardLog,
  });
  return {
    feedbackStore,
    replayStore,
    shared: true,
    replayProtection: () => replayStore.mode,
    async close() {
      replayStore.close();
      await feedbackStore.close();
      await replayPool.end();
    },
  };
}

/** Opens the stores the configuration selects. */
export async function openStores(config: Config, deps: OpenStoresDeps): Promise<Stores> {
  if (config.postgres !== undefined) return openPostgres(config.postgres, config, deps);
  const feedbackStore = openSqliteFeedbackStore(config.database, {
    onCardLogError: (cards) => {
      deps.metrics.cardLogDropped(cards);
      deps.logger.error({ cards }, 'card log write failed');
    },
  });
  return {
    feedbackStore,
    replayStore: createInMemoryReplayStore({ clock: deps.clock, entriesPerIssuer: config.jtiEntriesPerIssuer }),
    shared: false,
    replayProtection: () => 'process',
    close: () => feedbackStore.close(),
  };
}
