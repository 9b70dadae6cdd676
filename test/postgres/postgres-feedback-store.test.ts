/**
 * The PostgreSQL FeedbackStore on a real server (embedded: the outage test stops and restarts it): the shared store contract, and what a
 * networked store adds: feedback visible to another connection once recordFeedback resolves, card-log entries
 * written in batches off the caller's path, kept and retried while the server is down, counted when the buffer
 * overflows, and written after it returns; feedback rejected (never falsely stored) during the outage.
 */
import { Pool } from 'pg';
import type { CardLogEntry } from '../../src/feedback/feedback-store';
import { migrate } from '../../src/feedback/postgres/migrate';
import { createPostgresFeedbackStore, type PostgresFeedbackStore } from '../../src/feedback/postgres/postgres-feedback-store';
import { describeFeedbackStoreContract } from '../feedback/feedback-store-contract';
import { testDatabase, type TestDatabase } from '../support/postgres';

jest.setTimeout(60_000);

let db: TestDatabase;
let reader: Pool;
const EHR = { iss: 'https://ehr' };
const card = (uuid: string): CardLogEntry => ({ cardUuid: uuid, serviceId: 'svc', hookInstance: 'hi', recommendationIds: ['R-A'], kbVersion: '1', servedAt: '2026-01-01T00:00:00.000Z', caller: EHR });

function openStore(options: { cardLogBufferMax?: number; dropped?: number[]; errors?: string[] } = {}): PostgresFeedbackStore {
  const pool = new Pool({ connectionString: db.url, max: 4, connectionTimeoutMillis: 500 });
  pool.on('error', () => undefined);
  return createPostgresFeedbackStore({
    pool,
    cardLogBufferMax: options.cardLogBufferMax ?? 10_000,
    onCardLogDropped: (n) => options.dropped?.push(n),
    onDatabaseError: (operation) => options.errors?.push(operation),
  });
}

async function count(table: string): Promise<number> {
  return (await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n ?? -1;
}

beforeAll(async () => {
  db = await testDatabase({ embedded: true }); // the outage test stops and restarts the server
  reader = new Pool({ connectionString: db.url, max: 2 });
  reader.on('error', () => undefined);
  await migrate(reader);
});
afterAll(async () => {
  await reader.end();
  await db.release();
});

describeFeedbackStoreContract('PostgreSQL', async () => {
  await reader.query('TRUNCATE card_log, card_recommendation, feedback');
  return openStore();
});

describe('PostgreSQL store specifics', () => {
  beforeEach(async () => {
    await reader.query('TRUNCATE card_log, card_recommendation, feedback');
  });

  it('feedback is committed when recordFeedback resolves (another connection sees it); card-log writes are batched', async () => {
    const store = openStore();
    await store.logCards([card('c1')]);
    expect(store.pendingCardLog).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect([store.pendingCardLog, await count('card_log')]).toEqual([0, 1]);
    await store.recordFeedback('svc', [{ card: 'c1', outcome: 'overridden', outcomeTimestamp: '2026-01-01T00:00:00Z' }], { receivedAt: new Date().toISOString(), caller: EHR });
    expect(await count('feedback')).toBe(1);
    await store.close();
  });

  it('writes pending card-log entries on close', async () => {
    const store = openStore();
    await store.logCards([card('c1'), card('c2')]);
    await store.close();
    expect(await count('card_log')).toBe(2);
  });

  it('during an outage: hook-side logCards never fails, entries stay buffered up to the bound (overflow counted), feedback is refused, and all is written after recovery', async () => {
    const dropped: number[] = [];
    const errors: string[] = [];
    const store = openStore({ cardLogBufferMax: 5, dropped, errors });
    await db.server?.stop();
    try {
      await store.logCards([card('o1'), card('o2'), card('o3')]);
      await new Promise((r) => setTimeout(r, 300));
      await store.logCards([card('o4'), card('o5'), card('o6'), card('o7')]);
      expect(store.pendingCardLog).toBe(5);
      expect(dropped).toEqual([2]);
      expect(errors).toContain('card-log');
      await expect(store.recordFeedback('svc', [{ card: 'o1', outcome: 'overridden', outcomeTimestamp: '2026-01-01T00:00:00Z' }], { receivedAt: new Date().toISOString(), caller: EHR })).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
      await expect(store.isWritable()).resolves.toBe(false);
    } finally {
      await db.server?.start();
    }
    const deadline = Date.now() + 10_000;
    while (store.pendingCardLog > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await count('card_log')).toBe(5);
    await expect(store.isWritable()).resolves.toBe(true);
    await expect(store.recordFeedback('svc', [{ card: 'o1', outcome: 'overridden', outcomeTimestamp: '2026-01-01T00:00:00Z' }], { receivedAt: new Date().toISOString(), caller: EHR })).resolves.toEqual({ stored: 1, duplicates: 0, unknownCards: 0 });
    await store.close();
  });
});
