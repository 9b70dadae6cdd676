/**
 * Issue 5 "Durability": feedback is posted concurrently to the real server, the process is killed with
 * SIGKILL mid-load, restarted on the same SQLite file; every feedback entry that was answered 200 is in the
 * database (read directly with better-sqlite3) and PRAGMA integrity_check says ok. Feedback is stored only for
 * cards the server served to the same caller (issue 11), so the cards are served first; each feedback entry is
 * made unique by its outcome timestamp.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { startRealServer, type RealServer } from '../support/reliability/real-server';
import { serveCards } from '../support/reliability/serve-cards';

jest.setTimeout(60_000);

const SERVICE = 'hcc-consensus-patient-view';

function feedbackBody(card: string, outcomeTimestamp: string): unknown {
  return { feedback: [{ card, outcome: 'overridden', overrideReason: { userComment: 'durability test' }, outcomeTimestamp }] };
}

let sequence = 0;
/** A distinct outcome timestamp per entry (one ms apart), so every entry is a new row. */
function nextTimestamp(): string {
  sequence += 1;
  return new Date(Date.UTC(2026, 0, 1) + sequence).toISOString();
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
    const cards = await serveCards(server);
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        const card = cards[sequence % cards.length] as string;
        const at = nextTimestamp();
        try {
          const a = await server!.post(`/cds-services/${SERVICE}/feedback`, feedbackBody(card, at), { timeoutMs: 5000 });
          if (a.status === 200) acknowledged.push(`${card} ${at}`);
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
    const after = `${cards[0] as string} ${nextTimestamp()}`;
    const [afterCard, afterAt] = after.split(' ') as [string, string];
    const receipt = await restarted.post(`/cds-services/${SERVICE}/feedback`, feedbackBody(afterCard, afterAt));
    expect([receipt.status, JSON.parse(receipt.body.toString('utf8'))]).toEqual([200, { stored: 1, duplicates: 0, unknownCards: 0 }]);

    const db = new Database(server.database, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = db.prepare('SELECT card_uuid, outcome_timestamp FROM feedback').all() as { card_uuid: string; outcome_timestamp: string }[];
      const stored = new Set(rows.map((r) => `${r.card_uuid} ${r.outcome_timestamp}`));
      const lost = acknowledged.filter((c) => !stored.has(c));
      expect(lost).toEqual([]);
      expect(stored.has(after)).toBe(true);
    } finally {
      db.close();
    }
  });
});
