/**
 * FeedbackStore on SQLite (better-sqlite3): WAL journal, synchronous=FULL for feedback, so a feedback batch is durable when
 * recordFeedback resolves and the HTTP 200 is sent. Duplicates are ignored through a unique key
 * (card uuid, outcome, outcome timestamp, suggestion id) — CDS Hooks 2.0 § Feedback allows repeats. Feedback is stored
 * only for a card logged for the same service, issuer and tenant (the card log records the caller of each card).
 * better-sqlite3 is synchronous; the port's Promises resolve once the statement has run.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../shared/errors';
import type { CardLogEntry, FeedbackCaller, FeedbackItem, FeedbackReceipt, FeedbackStore, RecommendationStats } from './feedback-store';
import { prepareFeedbackSummary } from './summary';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS card_log (
  card_uuid TEXT PRIMARY KEY,
  service_id TEXT NOT NULL,
  hook_instance TEXT NOT NULL,
  kb_version TEXT NOT NULL,
  served_at TEXT NOT NULL,
  issuer TEXT,
  tenant TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS card_recommendation (
  card_uuid TEXT NOT NULL REFERENCES card_log(card_uuid),
  recommendation_id TEXT NOT NULL,
  PRIMARY KEY (card_uuid, recommendation_id)
);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY,
  service_id TEXT NOT NULL,
  card_uuid TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
  outcome_timestamp TEXT NOT NULL,
  suggestion_id TEXT NOT NULL DEFAULT '',
  override_code TEXT,
  override_system TEXT,
  override_display TEXT,
  user_comment TEXT,
  client_iss TEXT,
  client_tenant TEXT NOT NULL DEFAULT '',
  received_at TEXT NOT NULL,
  UNIQUE (card_uuid, outcome, outcome_timestamp, suggestion_id)
);
CREATE INDEX IF NOT EXISTS feedback_card ON feedback(card_uuid);
`;

/** Columns added by issue 11 to databases created before it (their old card rows have no issuer: feedback on them is refused). */
const ADDED_COLUMNS: readonly (readonly [table: string, column: string, definition: string])[] = [
  ['card_log', 'issuer', 'TEXT'],
  ['card_log', 'tenant', "TEXT NOT NULL DEFAULT ''"],
  ['feedback', 'client_tenant', "TEXT NOT NULL DEFAULT ''"],
];

function migrate(db: Database.Database): void {
  for (const [table, column, definition] of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
  db.exec('CREATE INDEX IF NOT EXISTS card_log_caller ON card_log(service_id, issuer, tenant, served_at)');
}

function storageFailed(): AppError {
  return new AppError('STORAGE_FAILED', 'Feedback could not be stored; please retry.');
}

/** Card-log entries pending before a flush is forced from logCards itself. */
const CARD_LOG_BATCH = 100;
/** Longest a card-log entry waits in memory before its batch is written. */
const CARD_LOG_DELAY_MS = 50;

/** Options of the SQLite store. */
export interface SqliteFeedbackStoreOptions {
  /** Called (no PHI: a count only) when a card-log batch written outside logCards could not be committed. */
  readonly onCardLogError?: (lostCards: number) => void;
}

/** The SQLite store, with an explicit flush of the batched card log. */
export interface SqliteFeedbackStore extends FeedbackStore {
  /** Writes every pending card-log entry in one transaction now; throws STORAGE_FAILED if that fails (entries dropped). */
  flushCardLog(): void;
  /** Closes the database now (the port's close() resolves after this). */
  closeSync(): void;
}

/**
 * Opens (creating if needed) the SQLite store at `path` (":memory:" for tests).
 *
 * Card-log entries are batched in memory off the hook's hot path and written in one transaction when 100 are
 * pending, 50 ms after the first pending one (unref'd timer), and synchronously before every feedback write,
 * before the stats and summary reads (so feedback joins and counts see every card served before them) and on
 * close(). Durability trade-off: a process crash loses at most the card-log rows of the last ~50 ms (analytics
 * only, non-PHI); acknowledged feedback is unaffected: it is still committed with synchronous=FULL before the 200.
 */
export function openSqliteFeedbackStore(path: string, options: SqliteFeedbackStoreOptions = {}): SqliteFeedbackStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Card-log rows commit with synchronous=NORMAL: in WAL mode they survive a process crash (kill -9) and cost no
  // fsync on the hook's hot path; only an OS crash can lose the last ones. Feedback commits switch to FULL, so an
  // acknowledged feedback row also survives power loss (https://www.sqlite.org/pragma.html#pragma_synchronous).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 2000');
  db.exec(SCHEMA);
  migrate(db);
  const summarize = prepareFeedbackSummary(db);

  const insertCard = db.prepare(
    'INSERT OR IGNORE INTO card_log (card_uuid, service_id, hook_instance, kb_version, served_at, issuer, tenant) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const issuedTo = db.prepare<[string, string, string, string], { one: number }>(
    'SELECT 1 AS one FROM card_log WHERE card_uuid = ? AND service_id = ? AND issuer = ? AND tenant = ?',
  );
  const insertRecommendation = db.prepare('INSERT OR IGNORE INTO card_recommendation (card_uuid, recommendation_id) VALUES (?, ?)');
  const insertFeedback = db.prepare(
    `INSERT OR IGNORE INTO feedback (service_id, card_uuid, outcome, outcome_timestamp, suggestion_id, override_code,
       override_system, override_display, user_comment, client_iss, client_tenant, received_at)
     VALUES (@serviceId, @card, @outcome, @outcomeTimestamp, @suggestionId, @code, @system, @display, @comment, @iss, @tenant, @receivedAt)`,
  );
  const stats = db.prepare(
    `SELECT r.recommendation_id AS recommendationId, c.kb_version AS kbVersion,
            COUNT(DISTINCT c.card_uuid) AS served,
            COUNT(DISTINCT CASE WHEN f.outcome = 'accepted' THEN f.card_uuid END) AS accepted,
            COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' THEN f.card_uuid END) AS overridden
       FROM card_recommendation r
       JOIN card_log c ON c.card_uuid = r.card_uuid
       LEFT JOIN feedback f ON f.card_uuid = r.card_uuid
      GROUP BY r.recommendation_id, c.kb_version
      ORDER BY r.recommendation_id, c.kb_version`,
  );

  const logCardsTx = db.transaction((entries: readonly CardLogEntry[]) => {
    for (const e of entries) {
      insertCard.run(e.cardUuid, e.serviceId, e.hookInstance, e.kbVersion, e.servedAt, e.caller.iss, e.caller.tenant ?? '');
      for (const id of e.recommendationIds) insertRecommendation.run(e.cardUuid, id);
    }
  });

  const recordTx = db.transaction((serviceId: string, items: readonly FeedbackItem[], receivedAt: string, caller: FeedbackCaller) => {
    let stored = 0;
    let total = 0;
    let unknownCards = 0;
    const tenant = caller.tenant ?? '';
    for (const item of items) {
      if (issuedTo.get(item.card, serviceId, caller.iss, tenant) === undefined) {
        unknownCards += 1;
        continue;
      }
      const suggestions = item.outcome === 'accepted' ? (item.acceptedSuggestions ?? []).map((s) => s.id) : [''];
      for (const suggestionId of suggestions) {
        total += 1;
        stored += insertFeedback.run({
          serviceId,
          card: item.card,
          outcome: item.outcome,
          outcomeTimestamp: item.outcomeTimestamp,
          suggestionId,
          code: item.overrideReason?.reason?.code ?? null,
          system: item.overrideReason?.reason?.system ?? null,
          display: item.overrideReason?.reason?.display ?? null,
          comment: item.overrideReason?.userComment ?? null,
          iss: caller.iss,
          tenant,
          receivedAt,
        }).changes;
      }
    }
    return { stored, duplicates: total - stored, unknownCards };
  });

  let pending: CardLogEntry[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flushCardLog = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    try {
      logCardsTx(batch);
    } catch {
      throw storageFailed();
    }
  };
  /** Flushes where no caller can take the error (timer, before reads and feedback): the loss is reported instead. */
  const flushQuietly = (): void => {
    const count = pending.length;
    try {
      flushCardLog();
    } catch {
      options.onCardLogError?.(count);
    }
  };

  const closeSync = (): void => {
    if (db.open) flushQuietly();
    if (db.open) db.close();
  };

  return {
    logCards(entries) {
      return attempt(() => {
        if (!db.open) throw storageFailed();
        for (const e of entries) pending.push(e);
        if (pending.length >= CARD_LOG_BATCH) flushCardLog();
        else if (timer === undefined && pending.length > 0) {
          timer = setTimeout(flushQuietly, CARD_LOG_DELAY_MS);
          timer.unref();
        }
      });
    },
    flushCardLog,
    recordFeedback(serviceId, items, context): Promise<FeedbackReceipt> {
      return attempt(() => {
        flushQuietly();
        try {
          db.pragma('synchronous = FULL');
          return recordTx(serviceId, items, context.receivedAt, context.caller);
        } catch {
          throw storageFailed();
        } finally {
          if (db.open) db.pragma('synchronous = NORMAL');
        }
      });
    },
    isWritable() {
      try {
        if (!db.open || db.readonly) return Promise.resolve(false);
        db.exec('BEGIN IMMEDIATE');
        db.exec('ROLLBACK');
        return Promise.resolve(true);
      } catch {
        return Promise.resolve(false);
      }
    },
    recommendationStats(): Promise<readonly RecommendationStats[]> {
      return attempt(() => {
        flushQuietly();
        return stats.all() as RecommendationStats[];
      });
    },
    feedbackSummary(query) {
      return attempt(() => {
        flushQuietly();
        try {
          return summarize(query);
        } catch {
          throw new AppError('STORAGE_FAILED', 'The feedback summary could not be read; please retry.');
        }
      });
    },
    closeSync,
    close() {
      return attempt(closeSync);
    },
  };
}

/** Runs synchronous database work as the port's Promise: a throw becomes a rejection. */
function attempt<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof AppError ? error : storageFailed());
  }
}
