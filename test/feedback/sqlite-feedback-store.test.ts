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
});
