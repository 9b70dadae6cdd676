/**
 * FeedbackStore on PostgreSQL (node-postgres pool), for several replicas sharing one database. Feedback is one
 * INSERT … SELECT … ON CONFLICT DO NOTHING statement (atomic, committed with the server's synchronous_commit before
 * the 200) joined to the card log, so it is stored only for a card this service issued to the same issuer and tenant;
 * duplicates are ignored through the same unique key as the SQLite store (CDS Hooks 2.0 § Feedback allows repeats).
 * Card-log entries go through a bounded write-behind buffer (card-log-buffer.ts): batched off the hot path, kept
 * and retried while the database is unreachable, counted when dropped.
 */
import type { Pool, PoolClient } from 'pg';
import { AppError } from '../../shared/errors';
import type { CardLogEntry, FeedbackCaller, FeedbackItem, FeedbackStore, RecommendationStats } from '../feedback-store';
import { assembleFeedbackSummary, type CountRow, type ReasonRow } from '../summary';
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

/** The PostgreSQL store (the schema must have been migrated: migrate.ts), with its card-log buffer visible. */
export interface PostgresFeedbackStore extends FeedbackStore {
  /** Writes the pending card-log entries now; rejects with STORAGE_FAILED when they could not be committed (they stay queued). */
  flushCardLog(): Promise<void>;
  /** Card-log entries waiting to be written. */
  readonly pendingCardLog: number;
}

function storageFailed(): AppError {
  return new AppError('STORAGE_FAILED', 'Feedback could not be stored; please retry.');
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out connection that dies emits 'error' on the client (the pool listens only while it is idle); the
  // failure is seen by the pending query, so the event is only absorbed here.
  const absorb = (): void => undefined;
  client.on('error', absorb);
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
    client.off('error', absorb);
    // A connection that failed mid-transaction is discarded, not returned to the pool.
    client.release(broken);
  }
}

const INSERT_CARDS = `
INSERT INTO card_log (card_uuid, service_id, hook_instance, kb_version, served_at, issuer, tenant)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
ON CONFLICT (card_uuid) DO NOTHING`;

const INSERT_RECOMMENDATIONS = `
INSERT INTO card_recommendation (card_uuid, recommendation_id)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT DO NOTHING`;

/**
 * Feedback in one statement: the items (one row per accepted suggestion) joined to the card log, so only cards this
 * service issued to this caller are inserted; it answers rows stored, rows of issued cards (stored + duplicates)
 * and items on any other card. $1 service, $2…$10 item columns, $11 issuer, $12 tenant, $13 received at.
 */
const INSERT_FEEDBACK = `
WITH incoming AS (
  SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
    AS t(item, card, outcome, at, suggestion, code, system, display, comment)
), issued AS (
  SELECT i.* FROM incoming i
    JOIN card_log c ON c.card_uuid = i.card AND c.service_id = $1::text AND c.issuer = $11::text AND c.tenant = $12::text
), stored AS (
  INSERT INTO feedback (service_id, card_uuid, outcome, outcome_timestamp, suggestion_id, override_code, override_system,
                        override_display, user_comment, client_iss, client_tenant, received_at)
  SELECT $1::text, card, outcome, at, suggestion, code, system, display, comment, $11::text, $12::text, $13::timestamptz FROM issued
  ON CONFLICT (card_uuid, outcome, outcome_timestamp, suggestion_id) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM stored)::int AS stored,
       (SELECT count(*) FROM issued)::int AS issued,
       (SELECT count(DISTINCT item) FROM incoming WHERE item NOT IN (SELECT item FROM issued))::int AS unknown`;

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

/** The caller filter of both summary queries: $4 true = every caller, else issuer $5 and tenant $6. */
const WINDOW = `c.service_id = $1 AND c.served_at >= $2::timestamptz AND c.served_at < $3::timestamptz
   AND ($4::boolean OR (c.issuer = $5::text AND c.tenant = $6::text))`;

// The SQLite store orders by binary collation; COLLATE "C" gives the same order whatever the database's locale.
const SUMMARY_COUNTS = `
SELECT r.recommendation_id AS "recommendationId",
       string_agg(DISTINCT c.kb_version, ',') AS "kbVersions",
       COUNT(DISTINCT c.card_uuid)::int AS served,
       COUNT(DISTINCT CASE WHEN f.outcome = 'accepted' THEN c.card_uuid END)::int AS accepted,
       COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' THEN c.card_uuid END)::int AS overridden,
       COUNT(DISTINCT f.card_uuid)::int AS "withFeedback",
       COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' AND f.user_comment IS NOT NULL THEN c.card_uuid END)::int AS "overriddenWithComment"
  FROM card_recommendation r
  JOIN card_log c ON c.card_uuid = r.card_uuid
  LEFT JOIN feedback f ON f.card_uuid = c.card_uuid AND f.service_id = c.service_id
 WHERE ${WINDOW}
 GROUP BY r.recommendation_id
 ORDER BY r.recommendation_id COLLATE "C"`;

const SUMMARY_REASONS = `
SELECT r.recommendation_id AS "recommendationId", f.override_system AS system, f.override_code AS code,
       MAX(f.override_display) AS display, COUNT(DISTINCT c.card_uuid)::int AS cards
  FROM card_recommendation r
  JOIN card_log c ON c.card_uuid = r.card_uuid
  JOIN feedback f ON f.card_uuid = c.card_uuid AND f.service_id = c.service_id
 WHERE ${WINDOW} AND f.outcome = 'overridden'
 GROUP BY r.recommendation_id, f.override_system, f.override_code
 ORDER BY r.recommendation_id COLLATE "C", cards DESC, f.override_code COLLATE "C" NULLS FIRST`;

/** One row per (item, suggestion): accepted feedback has one row per accepted suggestion, overrides one with ''. */
function feedbackColumns(items: readonly FeedbackItem[]): [number[], ...(string | null)[][]] {
  const index: number[] = [];
  const columns: (string | null)[][] = [[], [], [], [], [], [], [], []];
  const [card, outcome, at, suggestion, code, system, display, comment] = columns as [(string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[]];
  items.forEach((item, i) => {
    const suggestions = item.outcome === 'accepted' ? (item.acceptedSuggestions ?? []).map((s) => s.id) : [''];
    for (const suggestionId of suggestions) {
      index.push(i);
      card.push(item.card);
      outcome.push(item.outcome);
      at.push(item.outcomeTimestamp);
      suggestion.push(suggestionId);
      code.push(item.overrideReason?.reason?.code ?? null);
      system.push(item.overrideReason?.reason?.system ?? null);
      display.push(item.overrideReason?.reason?.display ?? null);
      comment.push(item.overrideReason?.userComment ?? null);
    }
  });
  return [index, ...columns];
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
        batch.map((e) => e.caller.iss),
        batch.map((e) => e.caller.tenant ?? ''),
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
      if (closed) return Promise.reject(storageFailed());
      buffer.add(entries);
      return Promise.resolve();
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
      const [index, ...rows] = feedbackColumns(items);
      if (index.length === 0) return { stored: 0, duplicates: 0, unknownCards: 0 };
      const caller: FeedbackCaller = context.caller;
      try {
        const result = await pool.query<{ stored: number; issued: number; unknown: number }>(INSERT_FEEDBACK, [
          serviceId,
          index,
          ...rows,
          caller.iss,
          caller.tenant ?? '',
          context.receivedAt,
        ]);
        const counts = result.rows[0] ?? { stored: 0, issued: 0, unknown: 0 };
        return { stored: counts.stored, duplicates: counts.issued - counts.stored, unknownCards: counts.unknown };
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
    async feedbackSummary(query) {
      await flushQuietly();
      const all = query.scope === 'all-callers';
      const scope = query.scope === 'all-callers' ? undefined : query.scope;
      const params = [query.serviceId, query.since?.toISOString() ?? '-infinity', query.until?.toISOString() ?? 'infinity', all, scope?.iss ?? '', scope?.tenant ?? ''];
      try {
        const [counts, reasons] = await Promise.all([pool.query<CountRow>(SUMMARY_COUNTS, params), pool.query<ReasonRow>(SUMMARY_REASONS, params)]);
        return assembleFeedbackSummary(query, counts.rows, reasons.rows);
      } catch (error) {
        options.onDatabaseError?.('summary', error);
        throw new AppError('STORAGE_FAILED', 'The feedback summary could not be read; please retry.');
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
