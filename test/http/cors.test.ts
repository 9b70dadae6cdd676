/** cds-hooks.md §11 "CORS" (§2.9): allowlisted origins, preflight without auth, headers on errors, Vary: Origin. */
import request from 'supertest';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';

const SANDBOX = 'https://sandbox.cds-hooks.org';
const ROUTES = ['/cds-services', '/cds-services/hcc-consensus-patient-view', '/cds-services/hcc-consensus-patient-view/feedback'];

describe('§11 CORS', () => {
  const t = buildTestApp({ config: { requireAuthOnDiscovery: true } });

  it.each(ROUTES)('preflight from an allowlisted origin on %s → 204 with methods and headers, no auth required', async (path) => {
    const res = await request(t.app)
      .options(path)
      .set('Origin', SANDBOX)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(SANDBOX);
    expect(res.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toMatch(/^Authorization, Content-Type/);
    expect(res.headers['vary']).toMatch(/Origin/);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('a non-allowlisted origin gets no CORS headers (preflight or request)', async () => {
    const pre = await request(t.app).options(ROUTES[1]!).set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST').expect(204);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-methods']).toBeUndefined();
    const get = await request(t.app).get('/healthz').set('Origin', 'https://evil.example').expect(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    expect(get.headers['vary']).toMatch(/Origin/);
  });

  it('POST responses and error responses carry CORS headers and Vary: Origin', async () => {
    const path = ROUTES[1]!;
    const ok = await request(t.app).post(path).set('Origin', SANDBOX).set('Authorization', t.auth(path)).send(patientViewRequest()).expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe(SANDBOX);
    for (const res of [
      await request(t.app).post(path).set('Origin', SANDBOX).send(patientViewRequest()).expect(401),
      await request(t.app).post(path).set('Origin', SANDBOX).set('Authorization', t.auth(path)).send({}).expect(400),
      await request(t.app).get('/cds-services/x/y/z').set('Origin', SANDBOX).expect(404),
      await request(t.app).get(path).set('Origin', SANDBOX).expect(405),
    ]) {
      expect(res.headers['access-control-allow-origin']).toBe(SANDBOX);
      expect(res.headers['vary']).toMatch(/Origin/);
    }
  });

  it('the local sandbox origin http://localhost:8080 is allowlisted by the test config', async () => {
    const res = await request(t.app).options(ROUTES[0]!).set('Origin', 'http://localhost:8080').set('Access-Control-Request-Method', 'GET').expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:8080');
  });

  it('answers a Chromium private-network preflight for an allowlisted origin', async () => {
    const res = await request(t.app)
      .options(ROUTES[1]!)
      .set('Origin', SANDBOX)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Private-Network', 'true')
      .expect(204);
    expect(res.headers['access-control-allow-private-network']).toBe('true');
  });

  it('"*" allows any origin without credentials', async () => {
    const any = buildTestApp({ config: { corsOrigins: ['*'] } });
    const res = await request(any.app).get('/cds-services').set('Origin', 'https://ehr.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});
