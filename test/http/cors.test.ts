/** cds-hooks.md §11 "CORS" (§2.9): allowlisted origins, preflight without auth, headers on errors, Vary: Origin. */
import request from 'supertest';
import { DEVELOPMENT_DEFAULTS } from '../../src/config/development-defaults';
import { REFUSED_ORIGINS_LOGGED } from '../../src/http/cors';
import { compileOriginPattern } from '../../src/http/origin-pattern';
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

  it('origin patterns: exact origins, and scheme://host:* for any port of that host (default port included)', () => {
    const local = compileOriginPattern('http://localhost:*');
    for (const o of ['http://localhost:8080', 'http://LOCALHOST:5173', 'http://localhost', 'http://localhost:80']) expect([o, local.matches(o)]).toEqual([o, true]);
    for (const o of ['https://localhost:8080', 'http://localhost.evil.example:8080', 'http://127.0.0.1:8080', 'http://localhost:8080/path', 'null']) expect([o, local.matches(o)]).toEqual([o, false]);
    const v6 = compileOriginPattern('http://[::1]:*');
    expect([v6.matches('http://[::1]:8080'), v6.matches('http://[::2]:8080')]).toEqual([true, false]);
    const exact = compileOriginPattern('https://sandbox.cds-hooks.org');
    expect([exact.matches('https://sandbox.cds-hooks.org'), exact.matches('https://sandbox.cds-hooks.org:443'), exact.matches('https://sandbox.cds-hooks.org:8443')]).toEqual([true, true, false]);
    expect(compileOriginPattern('http://localhost:8080').matches('http://localhost:8081')).toBe(false);
    expect(() => compileOriginPattern('http://localhost:*/x')).toThrow(/not an origin pattern/);
  });

  it('the development defaults let a sandbox on any loopback origin and port, and the public sandbox, call the service', async () => {
    const dev = buildTestApp({ config: { corsOrigins: DEVELOPMENT_DEFAULTS.corsOrigins } });
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://127.0.0.1:3001', 'http://localhost:5173', 'http://[::1]:8080', SANDBOX]) {
      const pre = await request(dev.app).options(ROUTES[0]!).set('Origin', origin).set('Access-Control-Request-Method', 'GET').expect(204);
      expect([origin, pre.headers['access-control-allow-origin']]).toEqual([origin, origin]);
      const get = await request(dev.app).get('/cds-services').set('Origin', origin).expect(200);
      expect([origin, get.headers['access-control-allow-origin']]).toEqual([origin, origin]);
    }
    const far = await request(dev.app).options(ROUTES[0]!).set('Origin', 'http://192.168.1.20:8080').set('Access-Control-Request-Method', 'GET').expect(204);
    expect(far.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a refused origin is logged once, at warn level, naming corsOrigins; same-origin calls are not logged', async () => {
    const app = buildTestApp();
    const refusals = () => app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === 'cors-refused');
    for (let i = 0; i < 3; i += 1) await request(app.app).options(ROUTES[0]!).set('Origin', 'http://127.0.0.1:9999').set('Access-Control-Request-Method', 'GET').expect(204);
    await request(app.app).get('/cds-services').set('Origin', 'http://127.0.0.1:9999').expect(200);
    await request(app.app).get('/cds-services').set('Origin', SANDBOX).expect(200);
    const lines = refusals();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, origin: 'http://127.0.0.1:9999', configMember: 'corsOrigins' });
    expect(String(lines[0]!['msg'])).toMatch(/add it .* to corsOrigins/);
    const host = '127.0.0.1:4321';
    await request(app.app).get('/cds-services').set('Host', host).set('Origin', `http://${host}`).expect(200);
    expect(refusals()).toHaveLength(1);
  });

  it('remembers a bounded number of refused origins, then says it stops logging them', async () => {
    const app = buildTestApp();
    for (let i = 0; i < REFUSED_ORIGINS_LOGGED + 20; i += 1) await request(app.app).get('/healthz').set('Origin', `https://o${i}.example`).expect(200);
    const events = app.logs.map((l) => (JSON.parse(l) as { event?: string }).event);
    expect(events.filter((e) => e === 'cors-refused')).toHaveLength(REFUSED_ORIGINS_LOGGED);
    expect(events.filter((e) => e === 'cors-refused-limit')).toHaveLength(1);
  });
});
