/**
 * Issue 5 "Durability": feedback is posted concurrently to the real server, the process is killed with
 * SIGKILL mid-load, restarted on the same SQLite file; every feedback entry that was answered 200 is in the
 * database (read directly with better-sqlite3) and PRAGMA integrity_check says ok.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { startRealServer, type RealServer } from '../support/reliability/real-server';

jest.setTimeout(60_000);

const SERVICE = 'hcc-consensus-patient-view';

function feedbackBody(card: string): unknown {
  return {
    feedback: [
      {
        card,
        outcome: 'overridden',
        overrideReason: { userComment: 'durability test' },
        outcomeTimestamp: new Date().toISOString(),
      },
    ],
  };
}

describe('feedback durability under kill -9', () => {
  let server: RealServer | undefined;
  let restarted: RealServer | undefined;

  afterAll(async () => {
    await restarted?.dispose();
    if (server !== undefined) {
      await server.proc.stop('SIGKILL');
      rmSync(server.dir, { recursive: true, force: true });
    }
  });

  it('keeps every acknowledged feedback row and an intact database after SIGKILL and restart', async () => {
    server = await startRealServer();
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const card = randomUUID();
        try {
          const a = await server!.post(`/cds-services/${SERVICE}/feedback`, feedbackBody(card), { timeoutMs: 5000 });
          if (a.status === 200) acknowledged.push(card);
          else if (a.status !== 503) failures.push(`${a.status} ${a.body.toString('utf8').slice(0, 200)}`);
        } catch {
          // connection reset by the kill: this entry was never acknowledged
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    // Let the load run until a few hundred writes are acknowledged, then kill without warning.
    const until = Date.now() + 20_000;
    while (acknowledged.length < 300 && Date.now() < until && failures.length === 0) await new Promise((r) => setTimeout(r, 10));
    process.kill(server.proc.pid, 'SIGKILL');
    await server.proc.exited;
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);

    restarted = await startRealServer({ reuse: { issuer: server.issuer, database: server.database, dir: server.dir } });
    expect((await restarted.get('/readyz')).status).toBe(200);
    // The restarted server accepts new feedback on the recovered database.
    const after = randomUUID();
    expect((await restarted.post(`/cds-services/${SERVICE}/feedback`, feedbackBody(after))).status).toBe(200);

    const db = new Database(server.database, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((db.prepare('SELECT card_uuid FROM feedback').all() as { card_uuid: string }[]).map((r) => r.card_uuid));
      const lost = acknowledged.filter((c) => !stored.has(c));
      expect(lost).toEqual([]);
      expect(stored.has(after)).toBe(true);
    } finally {
      db.close();
    }
  });
});
