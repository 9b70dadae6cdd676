/** /healthz, /readyz, and the request log: one line per request, no token, JWT or patient data. */
import request from 'supertest';
import { openSqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';

describe('health probes', () => {
  it('GET /healthz → 200 while the process is up', async () => {
    expect((await request(buildTestApp().app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('GET /readyz → 200 with the knowledge-base version when the engine is loaded and the store writable, else 503', async () => {
    const store = openSqliteFeedbackStore(':memory:');
    const t = buildTestApp({ store });
    expect((await request(t.app).get('/readyz').expect(200)).body).toEqual({ status: 'ready', kbVersion: 'test-0.0.1' });
    store.close();
    const res = await request(t.app).get('/readyz').expect(503);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('request log', () => {
  it('one JSON line per request with route, service, hookInstance, status, latencyMs and iss', async () => {
    const t = buildTestApp();
    const body = patientViewRequest();
    await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(body).expect(200);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: 'invoke', service: 'hcc-consensus-patient-view', hookInstance: body['hookInstance'], status: 200, iss: t.client.iss, cards: 1 });
    expect(typeof lines[0]?.['latencyMs']).toBe('number');
  });

  it('never logs the JWT, the FHIR access token, patient ids or prefetch content, even on failures', async () => {
    const t = buildTestApp();
    const secret = 'fhir-access-token-SECRET-123';
    const auth = { access_token: secret, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'hcc-cds' };
    const jwts: string[] = [];
    const send = async (body: Record<string, unknown>, path = PV) => {
      const header = t.auth(path);
      jwts.push(header.slice('Bearer '.length));
      await request(t.app).post(path).set('Authorization', header).send(body);
    };
    const patient = 'patient-SENSITIVE-42';
    const ctx = { userId: 'Practitioner/doc-SENSITIVE', patientId: patient };
    await send(patientViewRequest({ context: ctx }));
    await send(patientViewRequest({ context: ctx, fhirServer: 'https://fhir.test.example/r4', fhirAuthorization: { ...auth, token_type: 'MAC' } }));
    await send(patientViewRequest({ context: ctx, fhirServer: 'https://evil.example/fhir', fhirAuthorization: auth, prefetch: undefined }));
    await send(patientViewRequest({ context: ctx, prefetch: undefined }));
    await send({ hook: 'patient-view', hookInstance: patient, context: ctx });
    await request(t.app).post(PV).set('Authorization', `Bearer ${jwts[0] ?? ''}`).send(patientViewRequest({ context: ctx }));
    await request(t.app).post(PV).set('Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.').send(patientViewRequest({ context: ctx }));
    const logs = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThanOrEqual(7);
    for (const forbidden of [secret, patient, 'doc-SENSITIVE', 'eyJ', ...jwts]) expect(logs).not.toContain(forbidden);
  });

  it('logs why a call failed (the catalogue text the caller also receives), e.g. the 412 when prefetch is missing and no fhirServer is given', async () => {
    const t = buildTestApp();
    await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest({ prefetch: undefined })).expect(412);
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'request');
    expect(line).toMatchObject({ status: 412, errorCode: 'PREFETCH_UNAVAILABLE' });
    expect(typeof line?.['errorReason']).toBe('string');
    expect(String(line?.['errorReason'])).toMatch(/prefetch/i);
  });
});
