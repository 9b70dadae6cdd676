/**
 * Issue 5 "Limits", against the real server process: the request body size limit (413 + OperationOutcome,
 * with and without Content-Length), the per-request deadline (a hook call whose FHIR server never answers is
 * answered within the deadline and the FHIR socket is released), and graceful shutdown on SIGTERM (the
 * in-flight call finishes, new connections are refused, the process exits 0 with the database closed).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { generateRecord } from '../../scripts/lib/generate-record';
import { buildHookRequest } from '../../scripts/lib/hook-request';
import { send } from '../../scripts/lib/http-client';
import { startFaultServer, type FaultServer } from '../support/reliability/fault-fhir-server';
import { isOperationOutcome, jsonOf, startRealServer, type RealServer } from '../support/reliability/real-server';

jest.setTimeout(60_000);

const PV = 'hcc-consensus-patient-view';
const record = generateRecord({ size: 120, patientId: 'lim-1' });

/** A patient-view request without prefetch, so the service must fetch from `fhirServer`. */
function fallbackRequest(fhirServer: string): Record<string, unknown> {
  return buildHookRequest({ hook: 'patient-view', patientId: 'lim-1', resources: record.resources, fhirServer, accessToken: `tok-${randomUUID()}` });
}

function padded(bytes: number): Record<string, unknown> {
  const body = buildHookRequest({ hook: 'patient-view', patientId: 'lim-1', resources: [] });
  const context = body['context'] as Record<string, unknown>;
  return { ...body, context: { ...context, padding: 'x'.repeat(bytes) } };
}

function postChunked(server: RealServer, path: string, payload: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${server.baseUrl}${path}`);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${server.issuer.sign(url.toString())}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    for (let i = 0; i < payload.length; i += 16 * 1024) req.write(payload.subarray(i, i + 16 * 1024));
    req.end();
  });
}

describe('body size limit', () => {
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer({ config: { bodyLimit: '64kb' } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('answers 413 with an OperationOutcome for a body over the configured limit', async () => {
    const a = await server.post(`/cds-services/${PV}`, padded(100 * 1024));
    expect(a.status).toBe(413);
    expect(isOperationOutcome(jsonOf(a))).toBe(true);
  });

  it('answers 413 for a chunked body (no Content-Length) over the limit', async () => {
    const a = await postChunked(server, `/cds-services/${PV}`, Buffer.from(JSON.stringify(padded(200 * 1024))));
    expect(a.status).toBe(413);
    expect(isOperationOutcome(JSON.parse(a.body))).toBe(true);
  });

  it('answers 413 on the feedback endpoint too', async () => {
    const a = await server.post(`/cds-services/${PV}/feedback`, { feedback: [], padding: 'x'.repeat(100 * 1024) });
    expect(a.status).toBe(413);
  });

  it('does not refuse a body just under the limit for its size', async () => {
    const a = await server.post(`/cds-services/${PV}`, padded(40 * 1024));
    expect(a.status).not.toBe(413);
    expect(a.status).toBeLessThan(500);
  });
});

describe('default body size limit', () => {
  it('refuses a 2 MB body with 413 when no limit is configured', async () => {
    const server = await startRealServer();
    try {
      const a = await server.post(`/cds-services/${PV}`, padded(2 * 1024 * 1024));
      expect(a.status).toBe(413);
      expect(isOperationOutcome(jsonOf(a))).toBe(true);
    } finally {
      await server.dispose();
    }
  });
});

describe('per-request deadline', () => {
  let fhir: FaultServer;
  let server: RealServer;
  beforeAll(async () => {
    fhir = await startFaultServer({ resources: record.resources, slowMs: 30_000 });
    server = await startRealServer({ config: { deadlineMs: 1000, fhirDeadlineMs: 5000 } });
  });
  afterAll(async () => {
    await server.dispose();
    await fhir.close();
  });

  it('answers within the deadline when the FHIR server never answers, and releases the FHIR connection', async () => {
    const started = Date.now();
    const a = await server.post(`/cds-services/${PV}`, fallbackRequest(`${fhir.url}/slow`), { timeoutMs: 10_000 });
    const took = Date.now() - started;
    expect([412, 503]).toContain(a.status);
    expect(isOperationOutcome(jsonOf(a))).toBe(true);
    expect(took).toBeLessThan(1000 + 700);
    expect(fhir.seen.filter((s) => s.fault === 'slow').length).toBeGreaterThan(0);
    // No request of ours may stay pending on the FHIR server (it would hold a socket for 30 s).
    const until = Date.now() + 3000;
    while (fhir.activeRequests() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    expect(fhir.activeRequests()).toBe(0);
  });
});

describe('graceful shutdown on SIGTERM', () => {
  it('finishes the in-flight call, refuses new connections, closes the database and exits 0', async () => {
    const fhir = await startFaultServer({ resources: record.resources, slowMs: 1500 });
    const server = await startRealServer({ config: { deadlineMs: 6000, fhirDeadlineMs: 5000 } });
    try {
      // One feedback write so the database has a WAL to checkpoint on close.
      const fb = await server.post(`/cds-services/${PV}/feedback`, { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: new Date().toISOString() }] });
      expect(fb.status).toBe(200);
      const inFlight = server.post(`/cds-services/${PV}`, fallbackRequest(`${fhir.url}/slow`), { timeoutMs: 15_000 });
      await new Promise((r) => setTimeout(r, 400));
      expect(fhir.activeRequests()).toBeGreaterThan(0);
      const t0 = Date.now();
      process.kill(server.proc.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      const refused = await send(undefined, { method: 'GET', url: `${server.baseUrl}/healthz` }, 2000).then(
        (a) => `answered ${a.status}`,
        (e: NodeJS.ErrnoException) => e.code ?? e.message,
      );
      expect(refused).toBe('ECONNREFUSED');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      const exit = await server.proc.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - t0).toBeLessThan(10_000);
      // A cleanly closed SQLite database in WAL mode checkpoints and removes its -wal file.
      expect(existsSync(`${server.database}-wal`)).toBe(false);
      expect(existsSync(server.database)).toBe(true);
    } finally {
      await server.dispose();
      await fhir.close();
    }
  });
});
