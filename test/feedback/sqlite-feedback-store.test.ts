import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import { AppError } from '../../src/shared/errors';

const card = (uuid: string, recommendationIds: string[]) => ({
  cardUuid: uuid,
  serviceId: 'svc',
  hookInstance: 'hi-1',
  recommendationIds,
  kbVersion: '1.0.0',
  servedAt: '2026-01-01T00:00:00Z',
});

describe('SQLite feedback store', () => {
  it('creates its directory on first start and uses WAL with synchronous=FULL', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'nested', 'dir', 'fb.sqlite');
    const store = openSqliteFeedbackStore(path);
    expect(existsSync(path)).toBe(true);
    expect(store.isWritable()).toBe(true);
    store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('stores a batch durably: another connection sees the rows as soon as recordFeedback returns', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'fb.sqlite');
    const store = openSqliteFeedbackStore(path);
    const receipt = store.recordFeedback(
      'svc',
      [{ card: 'c1', outcome: 'overridden', outcomeTimestamp: '2026-01-01T00:00:00Z', overrideReason: { reason: { code: 'x', system: 'urn:s' } } }],
      { receivedAt: '2026-01-01T00:00:01Z', iss: 'https://ehr' },
    );
    expect(receipt).toEqual({ stored: 1, duplicates: 0 });
    const other = new Database(path, { readonly: true });
    expect(other.prepare('SELECT card_uuid, override_code, override_display, client_iss FROM feedback').all()).toEqual([
      { card_uuid: 'c1', override_code: 'x', override_display: null, client_iss: 'https://ehr' },
    ]);
    other.close();
    store.close();
  });

  it('is idempotent on duplicates (card + outcome + timestamp + suggestion)', () => {
    const store = openSqliteFeedbackStore(':memory:');
    const item = { card: 'c1', outcome: 'accepted' as const, outcomeTimestamp: '2026-01-01T00:00:00Z', acceptedSuggestions: [{ id: 's1' }, { id: 's2' }] };
    expect(store.recordFeedback('svc', [item], { receivedAt: 'now' })).toEqual({ stored: 2, duplicates: 0 });
    expect(store.recordFeedback('svc', [item, item], { receivedAt: 'later' })).toEqual({ stored: 0, duplicates: 4 });
    const later = { ...item, outcomeTimestamp: '2026-01-01T00:05:00Z', acceptedSuggestions: [{ id: 's1' }] };
    expect(store.recordFeedback('svc', [later], { receivedAt: 'later' })).toEqual({ stored: 1, duplicates: 0 });
  });

  it('joins feedback to the recommendations of logged cards', () => {
    const store = openSqliteFeedbackStore(':memory:');
    store.logCards([card('c1', ['R-A', 'R-B']), card('c2', ['R-A']), card('c3', ['R-B'])]);
    store.logCards([card('c1', ['R-A', 'R-B'])]);
    store.recordFeedback(
      'svc',
      [
        { card: 'c1', outcome: 'accepted', outcomeTimestamp: '2026-01-01T00:00:00Z', acceptedSuggestions: [{ id: 's' }] },
        { card: 'c2', outcome: 'overridden', outcomeTimestamp: '2026-01-01T00:00:00Z' },
      ],
      { receivedAt: 'now' },
    );
    expect(store.recommendationStats()).toEqual([
      { recommendationId: 'R-A', kbVersion: '1.0.0', served: 2, accepted: 1, overridden: 1 },
      { recommendationId: 'R-B', kbVersion: '1.0.0', served: 2, accepted: 1, overridden: 0 },
    ]);
  });

  it('throws STORAGE_FAILED (never a silent success) when the database is gone, and reports not writable', () => {
    const store = openSqliteFeedbackStore(':memory:');
    store.close();
    expect(store.isWritable()).toBe(false);
    expect(() => store.recordFeedback('svc', [{ card: 'c', outcome: 'overridden', outcomeTimestamp: 't' }], { receivedAt: 'now' })).toThrow(AppError);
    let code: string | undefined;
    try {
      store.logCards([card('c9', ['R'])]);
    } catch (error) {
      code = (error as AppError).code;
    }
    expect(code).toBe('STORAGE_FAILED');
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

    it('keeps entries in memory until flushCardLog writes them in one go', () => {
      const { path, store } = fileStore();
      store.logCards([card('c1', ['R-A']), card('c2', ['R-B'])]);
      expect(countRows(path)).toBe(0);
      store.flushCardLog();
      expect(countRows(path)).toBe(2);
      store.close();
    });

    it('flushes by itself about 50 ms after the first pending entry', async () => {
      const { path, store } = fileStore();
      store.logCards([card('c1', ['R-A'])]);
      expect(countRows(path)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(countRows(path)).toBe(1);
      store.close();
    });

    it('flushes inside logCards once 100 entries are pending', () => {
      const { path, store } = fileStore();
      store.logCards(Array.from({ length: 99 }, (_, i) => card(`c${i}`, ['R-A'])));
      expect(countRows(path)).toBe(0);
      store.logCards([card('c99', ['R-A'])]);
      expect(countRows(path)).toBe(100);
      store.close();
    });

    it('writes pending entries on close', () => {
      const { path, store } = fileStore();
      store.logCards([card('c1', ['R-A'])]);
      store.close();
      expect(countRows(path)).toBe(1);
    });

    it('writes pending entries before a feedback write, so the join sees them', () => {
      const { path, store } = fileStore();
      store.logCards([card('c1', ['R-A'])]);
      store.recordFeedback('svc', [{ card: 'c1', outcome: 'overridden', outcomeTimestamp: 't' }], { receivedAt: 'now' });
      expect(countRows(path)).toBe(1);
      store.close();
    });

    it('writes pending entries before the summary read', () => {
      const store = openSqliteFeedbackStore(':memory:');
      store.logCards([card('c1', ['R-A']), card('c2', ['R-A'])]);
      const summary = store.feedbackSummary({ serviceId: 'svc' });
      expect(summary.recommendations.map((r) => [r.recommendationId, r.served])).toEqual([['R-A', 2]]);
      store.close();
    });

    it('reports a batch lost by a background flush as a count, never throws from the timer', async () => {
      const lost: number[] = [];
      const path = join(mkdtempSync(join(tmpdir(), 'hcc-store-')), 'fb.sqlite');
      const store = openSqliteFeedbackStore(path, { onCardLogError: (n) => lost.push(n) });
      const locker = new Database(path);
      locker.pragma('busy_timeout = 0');
      locker.exec('BEGIN EXCLUSIVE');
      store.logCards([card('c1', ['R-A']), card('c2', ['R-A'])]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      locker.exec('ROLLBACK');
      locker.close();
      expect(lost).toEqual([2]);
      store.close();
    });
  });
});
