/** The SQLite FeedbackStore: the shared store contract, plus what is specific to SQLite (WAL, old files, batching). */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FeedbackCaller } from '../../src/feedback/feedback-store';
import { openSqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import { describeFeedbackStoreContract } from './feedback-store-contract';

const EHR: FeedbackCaller = { iss: 'https://ehr' };
const card = (uuid: string, recommendationIds: string[], caller: FeedbackCaller = EHR, serviceId = 'svc') => ({
  cardUuid: uuid,
  serviceId,
  hookInstance: 'hi-1',
  recommendationIds,
  kbVersion: '1.0.0',
  servedAt: '2026-01-01T00:00:00Z',
  caller,
});
const from = (caller: FeedbackCaller = EHR, receivedAt = 'now') => ({ receivedAt, caller });

describeFeedbackStoreContract('SQLite (in memory)', () => Promise.resolve(openSqliteFeedbackStore(':memory:')));
describeFeedbackStoreContract('SQLite (file)', () => Promise.resolve(openSqliteFeedbackStore(join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'fb.sqlite'))));

describe('SQLite feedback store', () => {
  it('creates its directory on first start and uses WAL with synchronous=FULL', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'nested', 'dir', 'fb.sqlite');
    const store = openSqliteFeedbackStore(path);
    expect(existsSync(path)).toBe(true);
    await expect(store.isWritable()).resolves.toBe(true);
    await store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('stores a batch durably: another connection sees the rows as soon as recordFeedback resolves', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'fb.sqlite');
    const store = openSqliteFeedbackStore(path);
    await store.logCards([card('c1', ['R-A'])]);
    const receipt = await store.recordFeedback(
      'svc',
      [{ card: 'c1', outcome: 'overridden', outcomeTimestamp: '2026-01-01T00:00:00Z', overrideReason: { reason: { code: 'x', system: 'urn:s' } } }],
      from(EHR, '2026-01-01T00:00:01Z'),
    );
    expect(receipt).toEqual({ stored: 1, duplicates: 0, unknownCards: 0 });
    const other = new Database(path, { readonly: true });
    expect(other.prepare('SELECT card_uuid, override_code, override_display, client_iss FROM feedback').all()).toEqual([
      { card_uuid: 'c1', override_code: 'x', override_display: null, client_iss: 'https://ehr' },
    ]);
    other.close();
    await store.close();
  });

  it('adds the caller columns to a database created before issue 11; its old cards take no feedback', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'fb.sqlite');
    const old = new Database(path);
    old.exec(`CREATE TABLE card_log (card_uuid TEXT PRIMARY KEY, service_id TEXT NOT NULL, hook_instance TEXT NOT NULL, kb_version TEXT NOT NULL, served_at TEXT NOT NULL);
      CREATE TABLE feedback (id INTEGER PRIMARY KEY, service_id TEXT NOT NULL, card_uuid TEXT NOT NULL, outcome TEXT NOT NULL, outcome_timestamp TEXT NOT NULL,
        suggestion_id TEXT NOT NULL DEFAULT '', override_code TEXT, override_system TEXT, override_display TEXT, user_comment TEXT, client_iss TEXT,
        received_at TEXT NOT NULL, UNIQUE (card_uuid, outcome, outcome_timestamp, suggestion_id));
      INSERT INTO card_log VALUES ('legacy', 'svc', 'hi', '1.0.0', '2025-01-01T00:00:00Z');`);
    old.close();
    const store = openSqliteFeedbackStore(path);
    await store.logCards([card('new', ['R-A'])]);
    const item = (c: string) => ({ card: c, outcome: 'overridden' as const, outcomeTimestamp: '2026-01-01T00:00:00Z' });
    await expect(store.recordFeedback('svc', [item('legacy'), item('new')], from())).resolves.toEqual({ stored: 1, duplicates: 0, unknownCards: 1 });
    await store.close();
  });

  describe('batched card log', () => {
    const countRows = (path: string): number => {
      const other = new Database(path, { readonly: true });
      const n = (other.prepare('SELECT COUNT(*) AS n FROM card_log').get() as { n: number }).n;
      other.close();
      return n;
    };
    const fileStore = () => {
      const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'fb.sqlite');
      return { path, store: openSqliteFeedbackStore(path) };
    };

    it('keeps entries in memory until flushCardLog writes them in one go', async () => {
      const { path, store } = fileStore();
      await store.logCards([card('c1', ['R-A']), card('c2', ['R-B'])]);
      expect(countRows(path)).toBe(0);
      store.flushCardLog();
      expect(countRows(path)).toBe(2);
      await store.close();
    });

    it('flushes by itself about 50 ms after the first pending entry', async () => {
      const { path, store } = fileStore();
      await store.logCards([card('c1', ['R-A'])]);
      expect(countRows(path)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(countRows(path)).toBe(1);
      await store.close();
    });

    it('flushes inside logCards once 100 entries are pending', async () => {
      const { path, store } = fileStore();
      await store.logCards(Array.from({ length: 99 }, (_, i) => card(`c${i}`, ['R-A'])));
      expect(countRows(path)).toBe(0);
      await store.logCards([card('c99', ['R-A'])]);
      expect(countRows(path)).toBe(100);
      await store.close();
    });

    it('writes pending entries on close', async () => {
      const { path, store } = fileStore();
      await store.logCards([card('c1', ['R-A'])]);
      await store.close();
      expect(countRows(path)).toBe(1);
    });

    it('writes pending entries before a feedback write, so the join sees them', async () => {
      const { path, store } = fileStore();
      await store.logCards([card('c1', ['R-A'])]);
      await expect(store.recordFeedback('svc', [{ card: 'c1', outcome: 'overridden', outcomeTimestamp: 't' }], from())).resolves.toMatchObject({ stored: 1 });
      expect(countRows(path)).toBe(1);
      await store.close();
    });

    it('writes pending entries before the summary read', async () => {
      const store = openSqliteFeedbackStore(':memory:');
      await store.logCards([card('c1', ['R-A']), card('c2', ['R-A'])]);
      const summary = await store.feedbackSummary({ serviceId: 'svc', scope: EHR });
      expect(summary.recommendations.map((r) => [r.recommendationId, r.served])).toEqual([['R-A', 2]]);
      await store.close();
    });

    it('reports a batch lost by a background flush as a count, never throws from the timer', async () => {
      const lost: number[] = [];
      const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'fb.sqlite');
      const store = openSqliteFeedbackStore(path, { onCardLogError: (n) => lost.push(n) });
      const locker = new Database(path);
      locker.pragma('busy_timeout = 0');
      locker.exec('BEGIN EXCLUSIVE');
      await store.logCards([card('c1', ['R-A']), card('c2', ['R-A'])]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      locker.exec('ROLLBACK');
      locker.close();
      expect(lost).toEqual([2]);
      await store.close();
    });
  });
});
