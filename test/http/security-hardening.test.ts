/**
 * Issue 11 (security hardening) through the real server process: production mode, real sockets, the built
 * dist/src/server.js (run `npm run build` first). One describe per finding.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marked } from 'marked';
import { send } from '../../scripts/lib/http-client';
import { createIssuer } from '../../scripts/lib/jwt-signer';
import { builtServerEntry } from '../../scripts/lib/server-process';
import { repoRoot } from '../../scripts/lib/repo-root';
import { isOperationOutcome, jsonOf, startRealServer, type RealServer } from '../support/reliability/real-server';
import { firingOrderSelect, firingPatientView, prefetchTemplates, serveCards } from '../support/reliability/serve-cards';

const PV = '/cds-services/hcc-consensus-patient-view';
const OS = '/cds-services/hcc-consensus-order-select';
const OSIGN = '/cds-services/hcc-consensus-order-sign';

interface Extension {
  dataIssues: { code: string; message: string }[];
  limits?: { dataIssuesNotListed?: number; draftOrdersNotEvaluated?: number; cardsNotSent?: number };
}
interface HookAnswer {
  cards: { indicator: string; detail?: string; summary: string }[];
  extension: { 'org.hcc-cds': Extension };
}

/** Opens a raw TCP connection and resolves when the server closes it (ms after `since`), or after `maxMs`. */
function closedAfter(socket: net.Socket, since: number, maxMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), maxMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - since);
    });
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.resume(); // read (and drop) whatever the server answers, so its closing is seen
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

jest.setTimeout(60_000);

describe('replay protection cannot be turned into a lock-out (jti partitioned by issuer)', () => {
  const noisy = createIssuer('https://noisy-ehr.example');
  const quiet = createIssuer('https://quiet-ehr.example');
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer({
      config: {
        trustedIssuers: [
          { iss: noisy.iss, jwks: noisy.jwks },
          { iss: quiet.iss, jwks: quiet.jwks },
        ],
        jtiEntriesPerIssuer: 5,
        jwtMaxLifetimeSeconds: 300,
      },
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  const SUMMARY = '/cds-services/hcc-consensus-patient-view/feedback/summary';
  const summary = (token: string) => send(undefined, { method: 'GET', url: `${server.baseUrl}${SUMMARY}`, headers: { authorization: `Bearer ${token}` } });

  it('one issuer filling its partition is refused; another issuer is still served', async () => {
    const url = `${server.baseUrl}${SUMMARY}`;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await summary(noisy.sign(url))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 401, 401, 401]);
    for (let i = 0; i < 4; i += 1) expect((await summary(quiet.sign(url))).status).toBe(200);
  });

  it('a replayed token is refused; a token living longer than jwtMaxLifetimeSeconds is refused', async () => {
    const url = `${server.baseUrl}${SUMMARY}`;
    const token = quiet.sign(url);
    expect((await summary(token)).status).toBe(200);
    expect((await summary(token)).status).toBe(401);
    expect((await summary(quiet.sign(url, { expiresInS: 301 }))).status).toBe(401);
  });
});

describe('feedback belongs to its caller', () => {
  const other = createIssuer('https://other-ehr.example');
  const reader = createIssuer('https://quality-office.example');
  let server: RealServer;
  const FB = '/cds-services/hcc-consensus-patient-view/feedback';
  const SUMMARY = `${FB}/summary`;
  beforeAll(async () => {
    server = await startRealServer({ alsoTrust: [other, reader], config: { feedbackReaderIssuers: [reader.iss] } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  const feedbackAs = (client: typeof other, card: string, tenant?: string) =>
    server.post(
      FB,
      {
        feedback: [
          {
            card,
            outcome: 'overridden',
            outcomeTimestamp: new Date().toISOString(),
            overrideReason: { reason: { system: 'urn:test:reasons', code: 'declined', display: 'Mr Wang declined' }, userComment: 'Mr Wang, bed 12' },
          },
        ],
      },
      { token: client.sign(`${server.baseUrl}${FB}`, tenant === undefined ? {} : { tenant }) },
    );
  const summaryAs = async (client: typeof other, tenant?: string) => {
    const url = `${server.baseUrl}${SUMMARY}`;
    const a = await send(undefined, { method: 'GET', url, headers: { authorization: `Bearer ${client.sign(url, tenant === undefined ? {} : { tenant })}` } });
    expect(a.status).toBe(200);
    return jsonOf(a) as { recommendations: { recommendationId: string; served: number; overridden: number; topOverrideReasons?: { code: string; display?: string }[] }[] };
  };

  it('stores feedback only from the issuer and tenant the card was served to; others get unknownCards', async () => {
    const [card] = await serveCards(server, server.issuer, 'ward-a');
    const fromOther = await feedbackAs(other, card as string);
    expect([fromOther.status, jsonOf(fromOther)]).toEqual([200, { stored: 0, duplicates: 0, unknownCards: 1 }]);
    const otherTenant = await feedbackAs(server.issuer, card as string, 'ward-b');
    expect(jsonOf(otherTenant)).toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
    const noTenant = await feedbackAs(server.issuer, card as string);
    expect(jsonOf(noTenant)).toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
    const otherService = await server.post('/cds-services/hcc-consensus-order-sign/feedback', { feedback: [{ card, outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] }, {
      token: server.issuer.sign(`${server.baseUrl}/cds-services/hcc-consensus-order-sign/feedback`, { tenant: 'ward-a' }),
    });
    expect(jsonOf(otherService)).toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
    const mine = await feedbackAs(server.issuer, card as string, 'ward-a');
    expect(jsonOf(mine)).toEqual({ stored: 1, duplicates: 0, unknownCards: 0 });
  });

  it("the summary holds only the caller's own cards and no free text; a configured reader sees every caller and display", async () => {
    await serveCards(server, other);
    const own = await summaryAs(server.issuer, 'ward-a');
    expect(own.recommendations.length).toBeGreaterThan(0);
    expect(own.recommendations.some((r) => r.overridden === 1)).toBe(true);
    expect(JSON.stringify(own)).not.toMatch(/Wang|bed 12/);
    expect(own.recommendations.flatMap((r) => r.topOverrideReasons ?? [])).toContainEqual({ system: 'urn:test:reasons', code: 'declined', cards: 1 });
    const theirs = await summaryAs(other);
    expect(theirs.recommendations.every((r) => r.overridden === 0)).toBe(true);
    expect(await summaryAs(server.issuer, 'ward-b')).toMatchObject({ recommendations: [] });
    const all = await summaryAs(reader);
    const served = (s: typeof all) => s.recommendations.reduce((n, r) => n + r.served, 0);
    expect(served(all)).toBe(served(own) + served(theirs));
    expect(JSON.stringify(all)).toContain('Mr Wang declined');
    expect(JSON.stringify(all)).not.toContain('bed 12');
  });

  it('a feedback request over any length limit is a 400 OperationOutcome', async () => {
    const a = await server.post(FB, { feedback: [{ card: 'c'.repeat(200), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] });
    expect(a.status).toBe(400);
    expect((jsonOf(a) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });
});

describe('production without "playground": true: no playground at all', () => {
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('GET /, the assets, the patients and POST /playground/requests are 404 OperationOutcomes', async () => {
    for (const path of ['/', '/playground/assets/index.html', '/playground/patients', '/playground/config']) {
      const a = await server.get(path);
      expect([path, a.status]).toEqual([path, 404]);
      expect(isOperationOutcome(jsonOf(a))).toBe(true);
    }
    const built = await server.post('/playground/requests', { hook: 'patient-view', bundle: { resourceType: 'Bundle', entry: [] } });
    expect(built.status).toBe(404);
  });

  it('logs a sanitised location for an invalid member, never the member name itself', async () => {
    const body = firingPatientView(await prefetchTemplates(server));
    const prefetch = body['prefetch'] as Record<string, unknown>;
    const a = await server.post(PV, { ...body, prefetch: { ...prefetch, ZhangSanBed12: 1, WangWu: { resourceType: 7 } } });
    expect(a.status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    const lines = server.proc.logs.filter((l) => l.includes('"status":400'));
    expect(lines.length).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(text).not.toMatch(/ZhangSan|WangWu/);
    const logged = server.logLines().filter((l) => l['status'] === 400).pop();
    expect(logged?.['errorLocations']).toEqual(expect.arrayContaining(['prefetch.*']));
  });
});

describe('bounded hook answers (production, small configured limits)', () => {
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer({ config: { maxDraftOrders: 3, maxCards: 2, maxDataIssues: 5, maxResponseBytes: 200_000 } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  function manyDrafts(templates: Record<string, string>, count: number, hook: 'order-select' | 'order-sign'): Record<string, unknown> {
    const base = firingOrderSelect(templates);
    const context = base['context'] as { draftOrders: { entry: { resource: Record<string, unknown> }[] } } & Record<string, unknown>;
    const template = context.draftOrders.entry[0]?.resource ?? {};
    const entry = Array.from({ length: count }, (_, i) => ({ resource: { ...template, id: `draft-${i}` } }));
    const selections = entry.map((e) => `MedicationRequest/${String(e.resource['id'])}`);
    const { selections: _drop, ...rest } = context;
    return { ...base, hook, context: hook === 'order-select' ? { ...rest, selections, draftOrders: { ...context.draftOrders, entry } } : { ...rest, draftOrders: { ...context.draftOrders, entry } } };
  }

  it('3000 draft orders on order-sign: 3 evaluated, the rest reported; at most 2 cards (critical first); bytes bounded', async () => {
    const templates = await prefetchTemplates(server, 'hcc-consensus-order-sign');
    const a = await server.post(OSIGN, manyDrafts(templates, 3000, 'order-sign'));
    expect(a.status).toBe(200);
    expect(a.body.length).toBeLessThanOrEqual(200_000);
    const body = jsonOf(a) as HookAnswer;
    const ext = body.extension['org.hcc-cds'];
    expect(ext.limits?.draftOrdersNotEvaluated).toBe(2997);
    expect(body.cards.length).toBe(2);
    expect(body.cards.every((c) => c.indicator === 'critical')).toBe(true);
    expect(ext.limits?.cardsNotSent).toBeGreaterThanOrEqual(1);
    expect(ext.dataIssues.map((i) => i.code)).toEqual(expect.arrayContaining(['limit-draft-orders', 'limit-cards']));
  });

  it('3000 selections over 3000 drafts on order-select are matched in linear time (answered well inside the deadline)', async () => {
    const templates = await prefetchTemplates(server, 'hcc-consensus-order-select');
    const started = Date.now();
    const a = await server.post(OS, manyDrafts(templates, 3000, 'order-select'));
    expect(a.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((jsonOf(a) as HookAnswer).extension['org.hcc-cds'].limits?.draftOrdersNotEvaluated).toBe(2997);
  });

  it('2000 resources of another patient in prefetch: the first 5 data issues plus a count, not 2000', async () => {
    const templates = await prefetchTemplates(server);
    const body = firingPatientView(templates);
    const prefetch = body['prefetch'] as Record<string, unknown>;
    const key = Object.keys(prefetch).find((k) => typeof prefetch[k] === 'object' && prefetch[k] !== null && (prefetch[k] as { resourceType?: string }).resourceType === 'Bundle');
    expect(key).toBeDefined();
    const strangers = Array.from({ length: 2000 }, (_, i) => ({ resource: { resourceType: 'Observation', id: `x${i}`, status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/someone-else' } } }));
    const bundle = prefetch[key as string] as { entry?: unknown[] };
    const a = await server.post(PV, { ...body, prefetch: { ...prefetch, [key as string]: { ...bundle, entry: [...(bundle.entry ?? []), ...strangers] } } });
    expect(a.status).toBe(200);
    const ext = (jsonOf(a) as HookAnswer).extension['org.hcc-cds'];
    expect(ext.dataIssues.length).toBeLessThanOrEqual(7);
    expect(ext.dataIssues.map((i) => i.code)).toContain('limit-data-issues');
    expect(ext.limits?.dataIssuesNotListed).toBeGreaterThanOrEqual(1995);
  });

  it('a bare URL, www name or e-mail in a drug name does not become a link in the card markdown (GFM)', async () => {
    const templates = await prefetchTemplates(server, 'hcc-consensus-order-select');
    const body = firingOrderSelect(templates, (r) => {
      const concept = r['medicationCodeableConcept'] as { coding: Record<string, unknown>[] };
      return { ...r, medicationCodeableConcept: { ...concept, coding: concept.coding.map((c) => ({ ...c, display: 'atezolizumab https://evil.example/x www.evil.example zhang@evil.example' })) } };
    });
    const a = await server.post(OS, body);
    expect(a.status).toBe(200);
    const cards = (jsonOf(a) as HookAnswer).cards;
    const details = cards.map((c) => c.detail ?? '').join('\n\n');
    expect(details).toContain('evil.example');
    expect(marked.parse(details, { gfm: true, async: false })).not.toMatch(/<a[^>]+evil\.example/);
  });
});

describe('slow connections are cut off; connections are capped (production)', () => {
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer({ config: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000, maxConnections: 20 } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('a body trickling one byte every 300 ms is cut off within seconds of requestTimeoutMs', async () => {
    const socket = await connect(server.proc.port);
    const since = Date.now();
    socket.write(`POST ${PV} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    const trickle = setInterval(() => socket.writable && socket.write(' '), 300);
    const ms = await closedAfter(socket, since, 10_000);
    clearInterval(trickle);
    socket.destroy();
    expect(ms).toBeDefined();
    expect(ms as number).toBeGreaterThanOrEqual(1500);
    expect(ms as number).toBeLessThan(4000);
  });

  it('headers trickling one byte every 200 ms are cut off within seconds of headersTimeoutMs', async () => {
    const socket = await connect(server.proc.port);
    const since = Date.now();
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    const trickle = setInterval(() => socket.writable && socket.write('X'), 200);
    const ms = await closedAfter(socket, since, 10_000);
    clearInterval(trickle);
    socket.destroy();
    expect(ms).toBeDefined();
    expect(ms as number).toBeLessThan(3000);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeoutMs', async () => {
    const socket = await connect(server.proc.port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const since = Date.now();
    const ms = await closedAfter(socket, since, 10_000);
    socket.destroy();
    expect(ms as number).toBeLessThan(3000);
  });

  it('connections beyond maxConnections are closed at once; the service keeps answering', async () => {
    const sockets = await Promise.all(Array.from({ length: 30 }, () => connect(server.proc.port)));
    const closed = await Promise.all(sockets.map((s) => closedAfter(s, Date.now(), 500)));
    expect(closed.filter((ms) => ms !== undefined).length).toBeGreaterThanOrEqual(10);
    for (const s of sockets) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await server.get('/healthz')).status).toBe(200);
  });
});

describe('production with "playground": true: the request builder is guarded and bounded', () => {
  let server: RealServer;
  const BUILD = '/playground/requests';
  beforeAll(async () => {
    server = await startRealServer({ config: { playground: true, bodyLimit: '256kb' } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  const bundle = (extra = 0) => ({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: { resourceType: 'Patient', id: 'p1' } },
      ...Array.from({ length: extra }, (_, i) => ({ resource: { resourceType: 'MedicationRequest', id: `m${i}`, status: 'active', intent: 'order', subject: { reference: 'Patient/p1' } } })),
    ],
  });

  it('without a trusted JWT: 401; with one (aud = this URL): 200 filled from the service\'s own templates', async () => {
    const url = `${server.baseUrl}${BUILD}`;
    const anonymous = await send(undefined, { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ hook: 'patient-view', bundle: bundle() })) });
    expect(anonymous.status).toBe(401);
    expect(isOperationOutcome(jsonOf(anonymous))).toBe(true);
    const ok = await server.post(BUILD, { hook: 'patient-view', bundle: bundle(3) });
    expect(ok.status).toBe(200);
    const own = await prefetchTemplates(server);
    expect(Object.keys((jsonOf(ok) as { prefetch: object }).prefetch).every((k) => k in own)).toBe(true);
  });

  it('caller-supplied templates are refused (400); malformed JSON is 400 and an oversized body 413, as OperationOutcomes', async () => {
    const templates: Record<string, string> = {};
    for (let i = 0; i < 500; i += 1) templates[`k${i}`] = 'Observation?patient={{context.patientId}}';
    const amplifier = await server.post(BUILD, { hook: 'patient-view', bundle: bundle(100), prefetch: templates });
    expect(amplifier.status).toBe(400);
    expect(isOperationOutcome(jsonOf(amplifier))).toBe(true);
    const malformed = await server.post(BUILD, Buffer.from('{"hook":"patient-view","bundle":'));
    expect([malformed.status, isOperationOutcome(jsonOf(malformed))]).toEqual([400, true]);
    const oversized = await server.post(BUILD, { hook: 'patient-view', bundle: bundle(), pad: 'x'.repeat(300 * 1024) });
    expect([oversized.status, isOperationOutcome(jsonOf(oversized))]).toEqual([413, true]);
  });

  it('the built request never exceeds the body limit, and /healthz stays responsive meanwhile', async () => {
    const started = Date.now();
    // 1900 orders (about 250 kB, under the 256 kB body limit) come back as search-set entries: over 256 kB built.
    const big = { hook: 'patient-view', bundle: bundle(1900) };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeLessThan(256 * 1024);
    const built = await server.post(BUILD, big);
    expect([built.status, isOperationOutcome(jsonOf(built))]).toEqual([413, true]);
    expect(Date.now() - started).toBeLessThan(5000);
    const small = await server.post(BUILD, { hook: 'patient-view', bundle: bundle(50) });
    expect(small.status).toBe(200);
    expect(small.body.length).toBeLessThanOrEqual(256 * 1024);
    expect((await server.get('/healthz')).status).toBe(200);
  });

  it('every playground page carries the strict CSP, /playground/assets/index.html included', async () => {
    for (const path of ['/', '/playground/assets/index.html', '/playground/assets/app.js', '/playground/config']) {
      const a = await server.get(path);
      expect([path, a.status]).toEqual([path, 200]);
      expect(String(a.headers['content-security-policy'])).toContain("default-src 'none'");
      expect(String(a.headers['content-security-policy'])).toContain("script-src 'self'");
    }
  });
});

describe('development mode is for one developer\'s machine', () => {
  let child: ChildProcess;
  let output = '';
  let port = 0;
  beforeAll(async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hcc-cds-devmode-'));
    child = spawn(process.execPath, [join(repoRoot(), builtServerEntry())], { cwd, env: { PATH: process.env['PATH'] ?? '', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 30_000;
    while (port === 0 && Date.now() < deadline && child.exitCode === null) {
      const m = /"port":(\d+)[^\n]*"msg":"hcc-cds listening"/.exec(output);
      if (m?.[1] !== undefined) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 50));
    }
    if (port === 0) throw new Error(`development server did not start:\n${output}`);
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  const get = (path: string, host = `127.0.0.1:${port}`) => send(undefined, { method: 'GET', url: `http://127.0.0.1:${port}${path}`, headers: { host } });

  it('listens on loopback only (HOST unset)', async () => {
    expect(output).toMatch(/"host":"127\.0\.0\.1"/);
  });

  it('refuses a request whose Host is not a loopback name (DNS rebinding) with a 403 OperationOutcome', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, '192.168.1.20', 'localhost.evil.example']) {
      const a = await get('/cds-services', host);
      expect([host, a.status]).toEqual([host, 403]);
      expect(isOperationOutcome(jsonOf(a))).toBe(true);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) expect((await get('/cds-services', host)).status).toBe(200);
  });

  it('mints dev tokens only for this server\'s own service URLs', async () => {
    const base = `http://127.0.0.1:${port}`;
    const token = (aud: string) => get(`/playground/dev-token?aud=${encodeURIComponent(aud)}`);
    expect((await token(`${base}${PV}`)).status).toBe(200);
    expect((await token(`${base}/cds-services`)).status).toBe(200);
    for (const aud of [`https://ehr.example/cds-services/x`, `${base}/cds-services/not-a-service`, `http://127.0.0.1:${port + 1}${PV}`, `${base}/playground/requests`]) {
      expect([aud, (await token(aud)).status]).toEqual([aud, 400]);
    }
  });

  it('a dev token cannot make the service probe another loopback port as fhirServer', async () => {
    const url = `http://127.0.0.1:${port}${PV}`;
    const minted = jsonOf(await get(`/playground/dev-token?aud=${encodeURIComponent(url)}`)) as { token: string };
    const body = { hook: 'patient-view', hookInstance: 'd7f3b1c5-8a4e-4f6b-8cad-3e9a5b4f2d34', fhirServer: 'http://127.0.0.1:22', context: { userId: 'Practitioner/x', patientId: 'p1' } };
    const a = await send(undefined, { method: 'POST', url, headers: { authorization: `Bearer ${minted.token}`, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) });
    expect(a.status).toBe(400);
    expect(JSON.stringify(jsonOf(a))).toMatch(/security/);
  });

  it('serves /playground/assets/index.html with the strict CSP too', async () => {
    const a = await get('/playground/assets/index.html');
    expect(a.status).toBe(200);
    expect(String(a.headers['content-security-policy'])).toContain("default-src 'none'");
  });
});
