/**
 * Issue 5 "FHIR-server faults on the fallback path": the real server process fetches a patient's data from a
 * real loopback FHIR server that misbehaves (slow past the deadline, 500, 401, 403, garbage JSON, an
 * OperationOutcome instead of a Bundle, a `next` link that loops, a 100 MB body, a hung-up socket). Each call
 * is answered 412 (OperationOutcome) or 200 (valid response) within the deadline, the reason is logged
 * without the access token, no request of ours stays pending on the FHIR server and the process stays healthy.
 */
import { randomUUID } from 'node:crypto';
import { generateRecord } from '../../scripts/lib/generate-record';
import { buildHookRequest } from '../../scripts/lib/hook-request';
import { startFaultServer, type Fault, type FaultServer } from '../support/reliability/fault-fhir-server';
import { isOperationOutcome, jsonOf, startRealServer, type RealServer } from '../support/reliability/real-server';

jest.setTimeout(90_000);

const PV = 'hcc-consensus-patient-view';
const DEADLINE_MS = 1500;
const FHIR_DEADLINE_MS = 1000;
const PAGE_CAP = 4;
const SLACK_MS = 700;
const record = generateRecord({ size: 150, patientId: 'fault-1' });

describe('FHIR-server faults on the prefetch fallback (real server, real loopback FHIR server)', () => {
  let fhir: FaultServer;
  let server: RealServer;
  let templateCount = 0;

  beforeAll(async () => {
    fhir = await startFaultServer({ resources: record.resources, slowMs: 30_000 });
    server = await startRealServer({ config: { deadlineMs: DEADLINE_MS, fhirDeadlineMs: FHIR_DEADLINE_MS, pageCap: PAGE_CAP } });
    const discovery = jsonOf(await server.get('/cds-services')) as { services: { id: string; prefetch?: Record<string, string> }[] };
    templateCount = Object.keys(discovery.services.find((s) => s.id === PV)?.prefetch ?? {}).length;
  });

  afterAll(async () => {
    await server.dispose();
    await fhir.close();
  });

  async function call(fault: Fault): Promise<{ status: number; body: unknown; took: number; token: string; hookInstance: string }> {
    const token = `fhir-token-${randomUUID()}`;
    const request = buildHookRequest({ hook: 'patient-view', patientId: 'fault-1', resources: record.resources, fhirServer: `${fhir.url}/${fault}`, accessToken: token });
    const started = Date.now();
    const a = await server.post(`/cds-services/${PV}`, request, { timeoutMs: 20_000 });
    return { status: a.status, body: jsonOf(a), took: Date.now() - started, token, hookInstance: String(request['hookInstance']) };
  }

  async function noPendingFhirRequests(): Promise<void> {
    const until = Date.now() + 3000;
    while (fhir.activeRequests() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    expect(fhir.activeRequests()).toBe(0);
  }

  it('has prefetch templates to fetch (precondition)', () => {
    expect(templateCount).toBeGreaterThan(0);
  });

  it('fetches from a well-behaved server with the bearer token on every request (baseline)', async () => {
    const before = fhir.seen.length;
    const r = await call('ok');
    expect(r.status).toBe(200);
    const mine = fhir.seen.slice(before);
    expect(mine.length).toBeGreaterThanOrEqual(templateCount);
    for (const s of mine) expect(s.authorization).toBe(`Bearer ${r.token}`);
  });

  const faults: Fault[] = ['slow', 'status-500', 'status-401', 'status-403', 'garbage-json', 'operation-outcome', 'next-loop', 'huge-body', 'hang-up'];

  it.each(faults)('%s → 412 with an OperationOutcome or a 200, within the deadline, reason logged, no token logged', async (fault) => {
    const before = fhir.seen.length;
    const r = await call(fault);
    expect([200, 412]).toContain(r.status);
    if (r.status === 412) expect(isOperationOutcome(r.body)).toBe(true);
    else expect(Array.isArray((r.body as { cards?: unknown }).cards)).toBe(true);
    expect(r.took).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(fhir.seen.length).toBeGreaterThan(before);
    if (fault === 'next-loop') {
      // The loop is cut by the page cap: at most pageCap pages per template.
      expect(fhir.seen.length - before).toBeLessThanOrEqual(templateCount * PAGE_CAP);
    }
    await noPendingFhirRequests();
    // Logs: something about this call names the failure; the FHIR access token appears nowhere.
    await new Promise((res) => setTimeout(res, 50));
    const all = server.proc.logs.join('\n');
    expect(all).not.toContain(r.token);
    const mine = server.logLines().filter((l) => JSON.stringify(l).includes(r.hookInstance));
    expect(mine.length).toBeGreaterThan(0);
    if (r.status === 412) {
      const reasons = mine.filter((l) => Number(l['level'] ?? 0) >= 40 || 'reason' in l || 'err' in l || 'error' in l || 'issue' in l);
      expect(reasons.length).toBeGreaterThan(0);
    }
  });

  it('stays healthy and within memory after the faults', async () => {
    expect((await server.get('/healthz')).status).toBe(200);
    expect(server.proc.memory().rssKiB / 1024).toBeLessThan(300);
    expect((await call('ok')).status).toBe(200);
  });
});
