/**
 * The routes wired into createApp besides the CDS Hooks ones: GET /openapi.json and the authenticated
 * GET /cds-services/{id}/feedback/summary, driven through the real app (real verifier, schemas, SQLite store).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { COUNTING_RECOMMENDATION } from '../support/counting-engine';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp, TEST_BASE_URL, type TestApp } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';
const SUMMARY = `${PV}/feedback/summary`;

async function serveCard(t: TestApp): Promise<string> {
  const served = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
  const uuid: unknown = served.body.cards?.[0]?.uuid;
  if (typeof uuid !== 'string') throw new Error('the test engine served no card');
  return uuid;
}

function postFeedback(t: TestApp, feedback: unknown[]) {
  const path = `${PV}/feedback`;
  return request(t.app).post(path).set('Authorization', t.auth(path)).send({ feedback }).expect(200);
}

describe('GET /openapi.json', () => {
  it('200 application/json: an OpenAPI 3.1 document naming every service, the summary path and the kb version', async () => {
    const t = buildTestApp();
    const res = await request(t.app).get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    const paths = Object.keys(res.body.paths as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining(['/cds-services', PV, '/cds-services/hcc-consensus-order-sign']));
    expect(paths.some((p) => p.endsWith('/feedback/summary'))).toBe(true);
    expect(JSON.stringify(res.body)).toContain('test-0.0.1');
    expect(JSON.stringify(res.body.servers ?? [])).toContain(TEST_BASE_URL);
  });

  it('405 with Allow: GET, OPTIONS for other methods', async () => {
    const t = buildTestApp();
    const res = await request(t.app).post('/openapi.json').send({}).expect(405);
    expect(res.headers['allow']).toBe('GET, OPTIONS');
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});

describe('GET /cds-services/{id}/feedback/summary', () => {
  it('401 without a token, and with a token signed for another URL', async () => {
    const t = buildTestApp();
    const res = await request(t.app).get(SUMMARY).expect(401);
    expect(res.body.resourceType).toBe('OperationOutcome');
    await request(t.app).get(SUMMARY).set('Authorization', t.auth(PV)).expect(401);
  });

  it('200 with counts reflecting cards served and feedback posted through the real routes', async () => {
    const t = buildTestApp();
    const empty = await request(t.app).get(SUMMARY).set('Authorization', t.auth(SUMMARY)).expect(200);
    expect(empty.body).toEqual({ serviceId: 'hcc-consensus-patient-view', window: 'card-served-at', recommendations: [] });

    const accepted = await serveCard(t);
    const overridden = await serveCard(t);
    await serveCard(t);
    const at = new Date().toISOString();
    await postFeedback(t, [
      { card: accepted, outcome: 'accepted', acceptedSuggestions: [{ id: randomUUID() }], outcomeTimestamp: at },
      { card: overridden, outcome: 'overridden', overrideReason: { reason: { system: 'urn:test:reasons', code: 'declined' }, userComment: 'free text' }, outcomeTimestamp: at },
    ]);

    const res = await request(t.app).get(SUMMARY).set('Authorization', t.auth(SUMMARY)).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.recommendations).toEqual([
      expect.objectContaining({
        recommendationId: COUNTING_RECOMMENDATION,
        kbVersions: ['test-0.0.1'],
        served: 3,
        accepted: 1,
        overridden: 1,
        withoutFeedback: 1,
        overriddenWithComment: 1,
        topOverrideReasons: [expect.objectContaining({ system: 'urn:test:reasons', code: 'declined', cards: 1 })],
      }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('free text');

    // The window applies to the time the cards were served: a window ending before them counts nothing.
    // (The JWT aud is the URL without its query.)
    const windowed = await request(t.app).get(`${SUMMARY}?until=2000-01-01`).set('Authorization', t.auth(SUMMARY)).expect(200);
    expect(windowed.body.recommendations).toEqual([]);
  });

  it('400 for a malformed window, 404 for an unknown service, 405 for POST', async () => {
    const t = buildTestApp();
    const res = await request(t.app).get(`${SUMMARY}?since=yesterday`).set('Authorization', t.auth(SUMMARY)).expect(400);
    expect(res.body.issue[0].expression).toContain('since');
    const unknown = '/cds-services/nope/feedback/summary';
    expect((await request(t.app).get(unknown).set('Authorization', t.auth(unknown)).expect(404)).body.resourceType).toBe('OperationOutcome');
    expect((await request(t.app).post(SUMMARY).set('Authorization', t.auth(SUMMARY)).send({}).expect(405)).headers['allow']).toBe('GET, OPTIONS');
  });
});
