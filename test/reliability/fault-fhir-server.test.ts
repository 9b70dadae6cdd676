/**
 * The misbehaving FHIR server used by the fault suites does what it claims (so a passing fault test means the
 * service coped, not that the fault never happened).
 */
import http from 'node:http';
import { generateRecord } from '../../scripts/lib/generate-record';
import { send } from '../../scripts/lib/http-client';
import { startFaultServer, type FaultServer } from '../support/reliability/fault-fhir-server';

describe('fault FHIR server', () => {
  let fhir: FaultServer;
  const { resources } = generateRecord({ size: 60, patientId: 'f1' });
  beforeAll(async () => {
    fhir = await startFaultServer({ resources, slowMs: 400, hugeBytes: 5 * 1024 * 1024 });
  });
  afterAll(async () => {
    await fhir.close();
  });

  it('serves searches and reads when ok', async () => {
    const a = await send(undefined, { method: 'GET', url: `${fhir.url}/ok/Observation?patient=f1&code=http://loinc.org|89247-1`, headers: { authorization: 'Bearer t' } });
    const bundle = JSON.parse(a.body.toString('utf8')) as { entry: unknown[] };
    expect(a.status).toBe(200);
    expect(bundle.entry.length).toBeGreaterThan(0);
    expect(fhir.seen.at(-1)).toMatchObject({ fault: 'ok', authorization: 'Bearer t' });
    expect((await send(undefined, { method: 'GET', url: `${fhir.url}/ok/Patient/f1` })).status).toBe(200);
  });

  it('delays slow answers, and counts a pending request until it is aborted', async () => {
    const started = Date.now();
    expect((await send(undefined, { method: 'GET', url: `${fhir.url}/slow/Condition?patient=f1` })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    const req = http.get(`${fhir.url}/slow/Condition?patient=f1`);
    req.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(fhir.activeRequests()).toBe(1);
    req.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(fhir.activeRequests()).toBe(0);
  });

  it.each([
    ['status-500', 500],
    ['status-401', 401],
    ['status-403', 403],
    ['operation-outcome', 200],
  ])('%s answers %i', async (fault, status) => {
    expect((await send(undefined, { method: 'GET', url: `${fhir.url}/${fault}/Observation?patient=f1` })).status).toBe(status);
  });

  it('sends unparseable JSON, a self-referencing next link, and a body of the configured size', async () => {
    const garbage = await send(undefined, { method: 'GET', url: `${fhir.url}/garbage-json/Observation` });
    expect(() => JSON.parse(garbage.body.toString('utf8'))).toThrow();
    const loop = JSON.parse((await send(undefined, { method: 'GET', url: `${fhir.url}/next-loop/Observation?patient=f1` })).body.toString('utf8')) as { link: { relation: string; url: string }[] };
    expect(loop.link.find((l) => l.relation === 'next')?.url).toBe(`${fhir.url}/next-loop/Observation?patient=f1`);
    const huge = await send(undefined, { method: 'GET', url: `${fhir.url}/huge-body/Observation` });
    expect(huge.body.length).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(() => JSON.parse(huge.body.toString('utf8'))).not.toThrow();
  });

  it('hangs up without an answer', async () => {
    await expect(send(undefined, { method: 'GET', url: `${fhir.url}/hang-up/Observation` })).rejects.toThrow();
  });
});
