/**
 * Two real service processes (dist/src/server.js, production mode) on one real PostgreSQL server, behind the same
 * public URL as a load balancer would put them (issue 12):
 * - started at the same instant, they migrate the schema once;
 * - a jti accepted by replica A is refused by replica B;
 * - feedback posted to A appears in B's summary, and feedback on a card A served is accepted by B;
 * - PostgreSQL stopped and restarted under load: hook calls answer 200 throughout, feedback 503 + Retry-After
 *   during the outage and 200 after, replay protection says it fell back and recovers, nothing acknowledged is lost;
 * - `kill -9` of one replica while feedback is posted to both: every feedback that got a 200 is in the database;
 * - a replica whose release is older than the schema refuses to start with a clear message.
 * Needs `npm run build`. The whole suite stays under about a minute.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { Pool } from 'pg';
import { send, type Answer } from '../../scripts/lib/http-client';
import { createIssuer } from '../../scripts/lib/jwt-signer';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';
import { builtServerEntry, freePort, startProcess, writeServiceConfig, type RunningServer } from '../../scripts/lib/server-process';
import { projectRoot } from '../../src/config/project-root';
import { currentFixtureResources } from '../support/current-fixture';
import { loadEngine } from '../../src/knowledge/load-engine';
import { testDatabase, type TestDatabase } from '../support/postgres';

jest.setTimeout(120_000);

/** The URL the EHR calls (the load balancer's); every replica's publicBaseUrl, so tokens are valid on either. */
const PUBLIC = 'https://cds.hospital.test';
const PV = '/cds-services/hcc-consensus-patient-view';
const issuer = createIssuer('https://ehr.hospital.test');
const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });

const fixtureResources = currentFixtureResources('patient-cnlc-iiia-pvtt-child-pugh-a-naive.json');
const patientId = 'hcc-iiia-naive';
const prefetch = fillPrefetch(loadEngine().prefetchFor('patient-view'), fixtureResources, { patientId, userId: 'Practitioner/doc' });

let db: TestDatabase;
let pool: Pool;
let a: RunningServer;
let b: RunningServer;

function hookBody(): Buffer {
  return Buffer.from(JSON.stringify({ hook: 'patient-view', hookInstance: randomUUID(), context: { userId: 'Practitioner/doc', patientId }, prefetch }));
}

function call(server: RunningServer, path: string, body?: unknown, token = issuer.sign(`${PUBLIC}${path}`)): Promise<Answer> {
  return send(agent, {
    method: body === undefined ? 'GET' : 'POST',
    url: `${server.baseUrl}${path}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)) }),
  }, 10_000);
}

const json = (answer: Answer): Record<string, unknown> => JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;

async function serveCards(server: RunningServer, calls: number): Promise<string[]> {
  const uuids: string[] = [];
  for (let i = 0; i < calls; i += 1) {
    const answer = await call(server, PV, hookBody());
    expect(answer.status).toBe(200);
    for (const card of (json(answer)['cards'] as { uuid: string }[])) uuids.push(card.uuid);
  }
  return uuids;
}

function feedbackBody(card: string, at: string): unknown {
  return { feedback: [{ card, outcome: 'overridden', outcomeTimestamp: at, overrideReason: { reason: { code: 'not-applicable', system: 'urn:hcc-cds:test-reasons' } } }] };
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.toString();
}

async function launchReplica(name: string): Promise<RunningServer> {
  const port = await freePort();
  const { configPath } = writeServiceConfig({
    issuer,
    port,
    // The URL without its password; the password comes from the environment variable the configuration names.
    database: withoutPassword(db.url),
    extra: { publicBaseUrl: PUBLIC, postgres: { passwordEnv: 'HCC_CDS_DB_PASSWORD', poolSize: 4, connectTimeoutMs: 500, statementTimeoutMs: 2000, replayTimeoutMs: 200 } },
  });
  return startProcess({
    entry: builtServerEntry(),
    port,
    env: { NODE_ENV: 'production', HCC_CDS_CONFIG: configPath, LOG_LEVEL: 'info', REPLICA: name, HCC_CDS_DB_PASSWORD: decodeURIComponent(new URL(db.url).password) },
    readyTimeoutMs: 30_000,
  });
}

/** Runs the built server with a PostgreSQL configuration until it exits; resolves with its exit code and output. */
async function runToExit(): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const { configPath } = writeServiceConfig({ issuer, port, database: db.url, extra: { publicBaseUrl: PUBLIC } });
  const child = spawn(process.execPath, [join(projectRoot(), builtServerEntry())], {
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', HCC_CDS_CONFIG: configPath, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

async function acknowledgedAreStored(acknowledged: readonly { card: string; at: string }[]): Promise<void> {
  const rows = await pool.query<{ card_uuid: string; outcome_timestamp: string }>('SELECT card_uuid, outcome_timestamp FROM feedback');
  const stored = new Set(rows.rows.map((r) => `${r.card_uuid}|${r.outcome_timestamp}`));
  const missing = acknowledged.filter((f) => !stored.has(`${f.card}|${f.at}`));
  expect(missing).toEqual([]);
}

beforeAll(async () => {
  db = await testDatabase({ embedded: true });
  pool = new Pool({ connectionString: db.url, max: 2 });
  pool.on('error', () => undefined);
  [a, b] = await Promise.all([launchReplica('a'), launchReplica('b')]);
});

afterAll(async () => {
  if (process.env['HCC_CDS_DEBUG_LOGS'] !== undefined) require('node:fs').writeFileSync(process.env['HCC_CDS_DEBUG_LOGS'], [...(a?.logs ?? []), '-----', ...(b?.logs ?? [])].join('\n'));
  await Promise.all([a?.stop(), b?.stop()]);
  agent.destroy();
  await pool?.end();
  await db?.release();
});

it('two replicas started at the same instant migrate the schema once', async () => {
  const versions = await pool.query<{ version: number }>('SELECT version FROM hcc_cds_schema');
  expect(versions.rows.map((r) => r.version)).toEqual([1]);
  const migrated = [a, b].filter((r) => r.logs.some((l) => l.includes('"msg":"database schema migrated"') && l.includes('"applied":[1]')));
  const found = [a, b].filter((r) => r.logs.some((l) => l.includes('"msg":"database schema migrated"') && l.includes('"applied":[]')));
  expect([migrated.length, found.length]).toEqual([1, 1]);
  for (const r of [a, b]) {
    const listening = r.logs.find((l) => l.includes('hcc-cds listening')) ?? '';
    expect(listening).toContain(`"database":"postgres://postgres@127.0.0.1:${db.server?.port ?? 0}/postgres"`);
    expect(r.logs.join('\n')).not.toContain(decodeURIComponent(new URL(db.url).password));
    expect(r.logs.join('\n')).not.toContain('database URL carries a password');
  }
});

it('a jti accepted by replica A is refused by replica B (and by A again)', async () => {
  const token = issuer.sign(`${PUBLIC}${PV}`);
  expect((await call(a, PV, hookBody(), token)).status).toBe(200);
  expect((await call(b, PV, hookBody(), token)).status).toBe(401);
  expect((await call(a, PV, hookBody(), token)).status).toBe(401);
  const metrics = (await call(b, '/metrics')).body.toString('utf8');
  expect(metrics).toContain('hcc_cds_jwt_replay_refusals_total{reason="replayed"} 1');
});

it("feedback posted to A appears in B's summary; feedback on a card A served is accepted by B", async () => {
  // Two calls, so there are two distinct cards whatever the number of cards per answer.
  const [first, second] = await serveCards(a, 2);
  expect(first).toBeDefined();
  expect(second).toBeDefined();
  const at = new Date().toISOString();
  const toA = await call(a, `${PV}/feedback`, feedbackBody(first ?? '', at));
  expect([toA.status, json(toA)['stored']]).toEqual([200, 1]);
  await new Promise((r) => setTimeout(r, 200)); // A's card log is written in ≤ 50 ms batches
  const toB = await call(b, `${PV}/feedback`, feedbackBody(second ?? first ?? '', at));
  expect([toB.status, json(toB)['stored']]).toEqual([200, 1]);
  const summary = json(await call(b, `${PV}/feedback/summary`));
  const overridden = (summary['recommendations'] as { overridden: number }[]).reduce((n, r) => n + r.overridden, 0);
  expect(overridden).toBeGreaterThanOrEqual(2);
});

it('PostgreSQL stopped and restarted under load: hooks 200 throughout, feedback 503 then 200, nothing acknowledged lost', async () => {
  const cards = await serveCards(b, 3);
  await new Promise((r) => setTimeout(r, 200));
  const acknowledged: { card: string; at: string }[] = [];
  const hookStatuses: number[] = [];
  const feedbackStatuses: number[] = [];
  let retryAfter: string | undefined;
  let stop = false;
  let n = 0;
  const hookLoop = async (server: RunningServer): Promise<void> => {
    while (!stop) hookStatuses.push((await call(server, PV, hookBody())).status);
  };
  const feedbackLoop = async (): Promise<void> => {
    while (!stop) {
      const item = { card: cards[n % cards.length] ?? '', at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString() };
      n += 1;
      const answer = await call(n % 2 === 0 ? a : b, `${PV}/feedback`, feedbackBody(item.card, item.at));
      feedbackStatuses.push(answer.status);
      if (answer.status === 200 && json(answer)['stored'] === 1) acknowledged.push(item);
      if (answer.status === 503) retryAfter = String(answer.headers['retry-after']);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const loops = Promise.all([hookLoop(a), hookLoop(b), feedbackLoop()]);
  await new Promise((r) => setTimeout(r, 500));
  await db.server?.stop();
  await new Promise((r) => setTimeout(r, 2500));
  const during = { ready: (await send(agent, { method: 'GET', url: `${a.baseUrl}/readyz` })), metrics: (await call(a, '/metrics')).body.toString('utf8') };
  const statusesDuring = feedbackStatuses.length;
  await db.server?.start();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && feedbackStatuses.slice(-3).join() !== '200,200,200') await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 500));
  stop = true;
  await loops;

  expect(hookStatuses.length).toBeGreaterThan(20);
  expect(hookStatuses.filter((s) => s !== 200)).toEqual([]);
  expect(feedbackStatuses.slice(0, statusesDuring)).toContain(503);
  expect(retryAfter).toMatch(/^\d+$/);
  expect(feedbackStatuses.slice(-3)).toEqual([200, 200, 200]);
  expect(during.ready.status).toBe(200);
  expect(JSON.parse(during.ready.body.toString('utf8'))).toMatchObject({ status: 'ready', database: 'unavailable', replayProtection: 'local' });
  expect(during.metrics).toContain('hcc_cds_replay_store_local 1');
  expect(a.logs.some((l) => l.includes('replay protection falls back to this process'))).toBe(true);
  const after = (await call(a, '/metrics')).body.toString('utf8');
  expect(after).toContain('hcc_cds_replay_store_local 0');
  expect(after).toMatch(/hcc_cds_database_errors_total\{operation="feedback"\} [1-9]/);
  expect(after).toMatch(/hcc_cds_database_pool_connections\{state="total"\} [1-9]/);
  await acknowledgedAreStored(acknowledged);
  // Card-log rows of hook calls answered during the outage were buffered and written after it.
  await new Promise((r) => setTimeout(r, 500));
  const logged = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM card_log');
  expect(logged.rows[0]?.n ?? 0).toBeGreaterThan(hookStatuses.length);
});

it('kill -9 of replica A while feedback is posted to both: every feedback that got a 200 is in the database', async () => {
  const cards = await serveCards(b, 3);
  await new Promise((r) => setTimeout(r, 200));
  const acknowledged: { card: string; at: string }[] = [];
  let n = 10_000;
  let killed = false;
  const poster = async (server: RunningServer): Promise<void> => {
    for (let i = 0; i < 60; i += 1) {
      const item = { card: cards[n % cards.length] ?? '', at: new Date(Date.UTC(2026, 0, 2, 0, 0, 0, n)).toISOString() };
      n += 1;
      try {
        const answer = await call(server, `${PV}/feedback`, feedbackBody(item.card, item.at));
        if (answer.status === 200 && json(answer)['stored'] === 1) acknowledged.push(item);
      } catch {
        if (server === a && killed) return; // the connection died with the process
        throw new Error('feedback to the surviving replica failed');
      }
    }
  };
  const posting = Promise.all([poster(a), poster(a), poster(b), poster(b)]);
  await new Promise((r) => setTimeout(r, 300));
  killed = true;
  a.child.kill('SIGKILL');
  await posting;
  expect((await a.exited).signal).toBe('SIGKILL');
  expect(acknowledged.length).toBeGreaterThan(60);
  await acknowledgedAreStored(acknowledged);
});

it('a replica whose release is older than the database schema refuses to start, saying why', async () => {
  await pool.query("INSERT INTO hcc_cds_schema (version, name) VALUES (99, 'from-a-newer-release')");
  try {
    const { code, output } = await runToExit();
    expect(code).toBe(1);
    expect(output).toContain('refusing to start: the database schema is newer than this release');
    expect(output).toContain('the database is at schema version 99; this release knows versions up to 1');
  } finally {
    await pool.query('DELETE FROM hcc_cds_schema WHERE version = 99');
  }
});
