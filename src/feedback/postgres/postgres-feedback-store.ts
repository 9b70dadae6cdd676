/**
 * FeedbackStore on PostgreSQL (node-postgres pool), for several replicas sharing one database. Feedback is one
 * INSERT … ON CONFLICT DO NOTHING statement (atomic, committed with the server's synchronous_commit before the 200);
 * duplicates are ignored through the same unique key as the SQLite store (CDS Hooks 2.0 § Feedback allows repeats).
 * Card-log entries go through a bounded write-behind buffer (card-log-buffer.ts): batched off the hot path, kept
 * and retried while the database is unreachable, counted when dropped.
 */
import type { Pool, PoolClient } from 'pg';
import { AppError } from '../../shared/errors';
import type { CardLogEntry, FeedbackItem, FeedbackReceipt, RecommendationStats } from '../feedback-store';
import { createCardLogBuffer } from './card-log-buffer';

/** Events of the store for logs and metrics (counts and operation names only: no PHI). */
export interface PostgresStoreEvents {
  /** A database operation failed ('card-log', 'feedback', 'summary', 'stats', 'ready'). */
  readonly onDatabaseError?: (operation: string, error: unknown) => void;
  /** Card-log entries dropped because the buffer was full during an outage. */
  readonly onCardLogDropped?: (count: number) => void;
}

/** Options of {@link createPostgresFeedbackStore}. */
export interface PostgresFeedbackStoreOptions extends PostgresStoreEvents {
  readonly pool: Pool;
  /** Most card-log entries buffered while the database is unreachable. */
  readonly cardLogBufferMax: number;
  /** Card-log batching delay (default 50 ms, like the SQLite store). */
  readonly cardLogDelayMs?: number;
}

/** The PostgreSQL store (async; the schema must have been migrated: migrate.ts). */
export interface PostgresFeedbackStore {
  /** Queues served cards for the batched write; never throws, never waits. */
  logCards(entries: readonly CardLogEntry[]): void;
  /** Writes the pending card-log entries now; rejects with STORAGE_FAILED when they could not be committed (they stay queued). */
  flushCardLog(): Promise<void>;
  /** Card-log entries waiting to be written. */
  readonly pendingCardLog: number;
  /** Stores a feedback batch; resolves once committed, rejects with STORAGE_FAILED otherwise. */
  recordFeedback(serviceId: string, items: readonly FeedbackItem[], context: { readonly receivedAt: string; readonly iss?: string; readonly tenant?: string }): Promise<FeedbackReceipt>;
  /** True when the database answers a write-capable round trip now. */
  isWritable(): Promise<boolean>;
  recommendationStats(): Promise<readonly RecommendationStats[]>;
  /** Writes what is pending (bounded by the pool's timeouts), then closes the pool. */
  close(): Promise<void>;
}

function storageFailed(): AppError {
  return new AppError('STORAGE_FAILED', 'Feedback could not be stored; please retry.');
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A connection that failed mid-transaction is discarded, not returned to the pool.
    client.release(broken);
  }
}

const INSERT_CARDS = `
INSERT INTO card_log (card_uuid, service_id, hook_instance, kb_version, served_at, client_iss, client_tenant)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
ON CONFLICT (card_uuid) DO NOTHING`;

const INSERT_RECOMMENDATIONS = `
INSERT INTO card_recommendation (card_uuid, recommendation_id)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT DO NOTHING`;

const INSERT_FEEDBACK = `
INSERT INTO feedback (service_id, card_uuid, outcome, outcome_timestamp, suggestion_id, override_code, override_system,
                      override_display, user_comment, client_iss, client_tenant, received_at)
SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]),
       LATERAL (SELECT $10::text, $11::text, $12::timestamptz) AS ctx
ON CONFLICT (card_uuid, outcome, outcome_timestamp, suggestion_id) DO NOTHING`;

const STATS = `
SELECT r.recommendation_id AS "recommendationId", c.kb_version AS "kbVersion",
       COUNT(DISTINCT c.card_uuid)::int AS served,
       COUNT(DISTINCT CASE WHEN f.outcome = 'accepted' THEN f.card_uuid END)::int AS accepted,
       COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' THEN f.card_uuid END)::int AS overridden
  FROM card_recommendation r
  JOIN card_log c ON c.card_uuid = r.card_uuid
  LEFT JOIN feedback f ON f.card_uuid = r.card_uuid
 GROUP BY r.recommendation_id, c.kb_version
 ORDER BY r.recommendation_id, c.kb_version`;

/** One row per (card, suggestion): accepted feedback has one row per accepted suggestion, overrides one with ''. */
function feedbackColumns(items: readonly FeedbackItem[]): string[][] {
  const columns: string[][] = [[], [], [], [], [], [], [], []];
  const [card, outcome, at, suggestion, code, system, display, comment] = columns as [string[], string[], string[], string[], (string | null)[], (string | null)[], (string | null)[], (string | null)[]];
  for (const item of items) {
    const suggestions = item.outcome === 'accepted' ? (item.acceptedSuggestions ?? []).map((s) => s.id) : [''];
    for (const suggestionId of suggestions) {
      card.push(item.card);
      outcome.push(item.outcome);
      at.push(item.outcomeTimestamp);
      suggestion.push(suggestionId);
      code.push(item.overrideReason?.reason?.code ?? null);
      system.push(item.overrideReason?.reason?.system ?? null);
      display.push(item.overrideReason?.reason?.display ?? null);
      comment.push(item.overrideReason?.userComment ?? null);
    }
  }
  return columns;
}

/** Creates the store over a pool whose database is at this code's schema version. */
export function createPostgresFeedbackStore(options: PostgresFeedbackStoreOptions): PostgresFeedbackStore {
  const { pool } = options;
  const writeCards = (batch: readonly CardLogEntry[]): Promise<void> =>
    inTransaction(pool, async (client) => {
      await client.query(INSERT_CARDS, [
        batch.map((e) => e.cardUuid),
        batch.map((e) => e.serviceId),
        batch.map((e) => e.hookInstance),
        batch.map((e) => e.kbVersion),
        batch.map((e) => e.servedAt),
        batch.map(() => null),
        batch.map(() => null),
      ]);
      const cards: string[] = [];
      const recommendations: string[] = [];
      for (const e of batch) {
        for (const id of e.recommendationIds) {
          cards.push(e.cardUuid);
          recommendations.push(id);
        }
      }
      if (cards.length > 0) await client.query(INSERT_RECOMMENDATIONS, [cards, recommendations]);
    });
  const buffer = createCardLogBuffer<CardLogEntry>({
    write: writeCards,
    maxEntries: options.cardLogBufferMax,
    ...(options.cardLogDelayMs === undefined ? {} : { delayMs: options.cardLogDelayMs }),
    onDropped: (count) => options.onCardLogDropped?.(count),
    onWriteError: (error) => options.onDatabaseError?.('card-log', error),
  });
  let closed = false;

  /** Flushes before feedback and reads so they see every card served before them; a failure is reported, not thrown. */
  const flushQuietly = (): Promise<void> => buffer.flush().catch(() => undefined);

  return {
    logCards(entries) {
      if (closed) throw storageFailed();
      buffer.add(entries);
    },
    async flushCardLog() {
      try {
        await buffer.flush();
      } catch {
        throw storageFailed();
      }
    },
    get pendingCardLog() {
      return buffer.pending;
    },
    async recordFeedback(serviceId, items, context) {
      if (closed) throw storageFailed();
      await flushQuietly();
      const rows = feedbackColumns(items);
      const total = rows[0]?.length ?? 0;
      if (total === 0) return { stored: 0, duplicates: 0 };
      try {
        const result = await pool.query(INSERT_FEEDBACK, [serviceId, ...rows, context.iss ?? null, context.tenant ?? null, context.receivedAt]);
        const stored = result.rowCount ?? 0;
        return { stored, duplicates: total - stored };
      } catch (error) {
        options.onDatabaseError?.('feedback', error);
        throw storageFailed();
      }
    },
    async isWritable() {
      if (closed) return false;
      try {
        const result = await pool.query<{ ro: string }>('SELECT current_setting($1) AS ro', ['transaction_read_only']);
        return result.rows[0]?.ro === 'off';
      } catch (error) {
        options.onDatabaseError?.('ready', error);
        return false;
      }
    },
    async recommendationStats() {
      await flushQuietly();
      try {
        return (await pool.query<RecommendationStats>(STATS)).rows;
      } catch (error) {
        options.onDatabaseError?.('stats', error);
        throw new AppError('STORAGE_FAILED', 'The feedback statistics could not be read; please retry.');
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await flushQuietly();
      buffer.stop();
      await pool.end();
    },
  };
}
