import { startLocalServer, sendJson, type LocalServer } from './support/local-http-server';
import { runGateway, runGather } from './support/gateway-worker';
import { createFhirKitGatewayFactory } from '../../src/fhir/fhir-kit-gateway';
import { AppError } from '../../src/shared/errors';

const patient = { resourceType: 'Patient', id: 'p1' };
const page = (n: number, next?: string) => ({
  resourceType: 'Bundle', type: 'searchset',
  entry: [{ resource: { resourceType: 'Observation', id: `o${n}`, subject: { reference: 'Patient/p1' } } }],
  ...(next !== undefined ? { link: [{ relation: 'next', url: next }] } : {}),
});

describe('fhir-kit gateway over real HTTP (real fhir-kit-client, worker thread)', () => {
  let server: LocalServer;
  let base: string;
  beforeAll(async () => {
    server = await startLocalServer((req, res) => {
      const url = req.url ?? '';
      if (url === '/fhir/Patient/p1') sendJson(res, 200, patient);
      else if (url.startsWith('/fhir/Observation?patient=p1&page=')) {
        const n = Number(url.split('page=')[1]);
        sendJson(res, 200, page(n, n < 3 ? `${base}/Observation?patient=p1&page=${n + 1}` : undefined));
      } else if (url.startsWith('/fhir/Observation?loop')) sendJson(res, 200, page(0, `${base}/Observation?loop`));
      else if (url === '/fhir/Patient/unauth') sendJson(res, 401, { resourceType: 'OperationOutcome' });
      else if (url === '/fhir/Patient/forbidden') sendJson(res, 403, {});
      else if (url === '/fhir/Patient/boom') sendJson(res, 500, { resourceType: 'OperationOutcome' });
      else if (url === '/fhir/Patient/garbage') {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        res.end('{"resourceType": "Patient", oops');
      } else if (url === '/fhir/Patient/notfhir') sendJson(res, 200, { hello: 'world' });
      else if (url === '/fhir/Patient/slow') setTimeout(() => sendJson(res, 200, patient), 2000);
      else if (url === '/fhir/Patient/huge') sendJson(res, 200, { ...patient, pad: 'x'.repeat(5000) });
      else sendJson(res, 404, { resourceType: 'OperationOutcome' });
    });
    base = `${server.origin}/fhir`;
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('reads and searches with the bearer token on every call, including next pages', async () => {
    const results = await runGateway(base, 'tok-abc', [
      { kind: 'search', url: 'Patient/p1' },
      { kind: 'search', url: 'Observation?patient=p1&page=1' },
      { kind: 'absolute', url: `${base}/Observation?patient=p1&page=2` },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(results[0]).toEqual({ ok: true, value: patient });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/fhir/Patient/p1', '/fhir/Observation?patient=p1&page=1', '/fhir/Observation?patient=p1&page=2']);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer tok-abc')).toBe(true);
    expect(server.requests.every((r) => String(r.headers.accept).includes('application/fhir+json'))).toBe(true);
  });

  it('sends no Authorization header without a token (open test servers)', async () => {
    const [r] = await runGateway(base, undefined, [{ kind: 'search', url: 'Patient/p1' }]);
    expect(r?.ok).toBe(true);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it.each([
    ['Patient/unauth', /refused access \(401\)/],
    ['Patient/forbidden', /refused access \(403\)/],
    ['Patient/boom', /answered 500/],
    ['Patient/missing', /answered 404/],
    ['Patient/garbage', /not JSON/],
    ['Patient/notfhir', /not a FHIR resource/],
  ])('%s → FHIR_FETCH_FAILED', async (url, message) => {
    const [r] = await runGateway(base, 'secret-token', [{ kind: 'search', url }]);
    expect(r).toMatchObject({ ok: false, name: 'AppError', code: 'FHIR_FETCH_FAILED' });
    expect(r?.ok === false && r.message).toMatch(message);
    expect(JSON.stringify(r)).not.toMatch(/secret-token|127\.0\.0\.1|Patient\//);
  });

  it('times out a slow call (per-call timeout and caller abort)', async () => {
    const started = Date.now();
    const results = await runGateway(base, 't', [
      { kind: 'search', url: 'Patient/slow' },
      { kind: 'search', url: 'Patient/slow', abortAfterMs: 100 },
    ], { timeoutMs: 200 });
    expect(results.map((r) => (r.ok ? 'ok' : r.message))).toEqual(['FHIR request timed out', 'FHIR request timed out']);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses a declared body over the cap', async () => {
    const [r] = await runGateway(base, 't', [{ kind: 'search', url: 'Patient/huge' }], { maxBodyBytes: 1000 });
    expect(r).toMatchObject({ ok: false, code: 'FHIR_FETCH_FAILED', message: 'FHIR response too large' });
  });

  it('refuses absolute, escaping or foreign URLs without any request', async () => {
    const results = await runGateway(base, 'tok', [
      { kind: 'search', url: 'http://evil.example/Patient/p1' },
      { kind: 'search', url: '//evil.example/Patient/p1' },
      { kind: 'search', url: 'Patient/../../admin' },
      { kind: 'absolute', url: 'http://evil.example/fhir/Observation?page=2' },
      { kind: 'absolute', url: `${server.origin}/other/Observation` },
    ]);
    expect(results.every((r) => !r.ok && r.code === 'FHIR_FETCH_FAILED')).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it('a looping next link is fetched as often as the caller asks (gather caps it)', async () => {
    const results = await runGateway(base, 'tok', [{ kind: 'absolute', url: `${base}/Observation?loop` }]);
    expect(results[0]?.ok).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('in jest, a failing module load is still an AppError', async () => {
    const gw = createFhirKitGatewayFactory({ loadModule: () => Promise.reject(new Error('no')) })(base, 't');
    await expect(gw.search('Patient/p1', new AbortController().signal)).rejects.toBeInstanceOf(AppError);
  });

  describe('gatherClinicalData with the fhir-kit gateway', () => {
    const request = (fhirServer: string) => ({
      hook: 'patient-view', hookInstance: 'h1', fhirServer,
      context: { userId: 'Practitioner/u', patientId: 'p1' },
      fhirAuthorization: { access_token: 'tok-xyz', token_type: 'Bearer', expires_in: 60, scope: 's', subject: 'c' },
      prefetch: { patient },
    });
    const templates = { patient: 'Patient/{{context.patientId}}', obs: 'Observation?patient={{context.patientId}}&page=1' };
    const deps = (pageCap: number) => ({ allowedFhirServers: ['http://127.0.0.1:*'], deadlineMs: 2000, pageCap });

    it('fetches the absent key and follows next links with the bearer on every call, up to the cap', async () => {
      const r = await runGather(request(base), templates, deps(2));
      expect(r.ok).toBe(true);
      const value = (r as unknown as { value: { resources: Array<{ id: string }>; issues: Array<{ code: string }>; fetchedKeys: string[] } }).value;
      expect(value.resources.map((x) => x.id)).toEqual(['p1', 'o1', 'o2']);
      expect(value.issues.map((i) => i.code)).toEqual(['page-cap']);
      expect(value.fetchedKeys).toEqual(['obs']);
      expect(server.requests.map((x) => x.url)).toEqual(['/fhir/Observation?patient=p1&page=1', '/fhir/Observation?patient=p1&page=2']);
      expect(server.requests.every((x) => x.headers.authorization === 'Bearer tok-xyz')).toBe(true);
    });

    it('a looping next link stops', async () => {
      const r = await runGather(request(base), { obs: 'Observation?loop' }, deps(10));
      expect(r.ok).toBe(true);
      expect(server.requests).toHaveLength(2);
    });

    it('401 from the server → FHIR_FETCH_FAILED; off-allowlist server → no request', async () => {
      const r = await runGather(request(base), { p: 'Patient/unauth' }, deps(2));
      expect(r).toMatchObject({ ok: false, code: 'FHIR_FETCH_FAILED' });
      const before = server.requests.length;
      const r2 = await runGather(request(base.replace('127.0.0.1', 'localhost')), templates, deps(2));
      expect(r2).toMatchObject({ ok: false, code: 'FHIR_SERVER_NOT_ALLOWED' });
      expect(server.requests).toHaveLength(before);
    });
  });
});
