import { Readable } from 'node:stream';
import nock from 'nock';
import type { CdsRequest } from '../../src/cds-hooks/types';
import { createFhirKitGatewayFactory } from '../../src/fhir/fhir-kit-gateway';
import { gatherClinicalData } from '../../src/fhir/gather-clinical-data';
import { AppError } from '../../src/shared/errors';
import { useNockGuard } from './support/nock-guard';

const ORIGIN = 'http://fhir.test';
const BASE = `${ORIGIN}/fhir`;
const patient = { resourceType: 'Patient', id: 'p1' };
const page = (n: number, next?: string) => ({
  resourceType: 'Bundle', type: 'searchset',
  entry: [{ resource: { resourceType: 'Observation', id: `o${n}`, subject: { reference: 'Patient/p1' } } }],
  ...(next !== undefined ? { link: [{ relation: 'next', url: next }] } : {}),
});
const signal = () => new AbortController().signal;

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('fhir-kit gateway (real fhir-kit-client 1.9, HTTP intercepted by nock)', () => {
  const guard = useNockGuard();

  it('reads, searches and follows a next page with the bearer token on every call', async () => {
    const scope = nock(BASE)
      .matchHeader('authorization', 'Bearer tok-abc')
      .matchHeader('accept', /application\/fhir\+json/)
      .get('/Patient/p1').reply(200, patient)
      .get('/Observation?patient=p1&page=1').reply(200, page(1, `${BASE}/Observation?patient=p1&page=2`))
      .get('/Observation?patient=p1&page=2').reply(200, page(2));
    const gw = createFhirKitGatewayFactory()(BASE, 'tok-abc');
    await expect(gw.search('Patient/p1', signal())).resolves.toEqual(patient);
    const first = await gw.search('Observation?patient=p1&page=1', signal());
    expect(first).toEqual(page(1, `${BASE}/Observation?patient=p1&page=2`));
    await expect(gw.fetchAbsolute(`${BASE}/Observation?patient=p1&page=2`, signal())).resolves.toEqual(page(2));
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('a request whose bearer differs is not answered (the header matcher really matches)', async () => {
    const scope = nock(BASE).matchHeader('authorization', 'Bearer expected').get('/Patient/p1').reply(200, patient);
    const gw = createFhirKitGatewayFactory()(BASE, 'other');
    expect((await failure(gw.search('Patient/p1', signal()))).code).toBe('FHIR_FETCH_FAILED');
    expect(guard.unmatched).toHaveLength(1);
    expect(scope.isDone()).toBe(false);
  });

  it('sends no Authorization header without a token (open test servers)', async () => {
    const scope = nock(BASE, { badheaders: ['authorization'] }).get('/Patient/p1').reply(200, patient);
    await expect(createFhirKitGatewayFactory()(BASE, undefined).search('Patient/p1', signal())).resolves.toEqual(patient);
    expect(scope.isDone()).toBe(true);
  });

  it.each<[string, (s: nock.Interceptor) => nock.Scope, RegExp]>([
    ['401', (i) => i.reply(401, { resourceType: 'OperationOutcome' }), /^FHIR server refused access \(401\)$/],
    ['403', (i) => i.reply(403, {}), /^FHIR server refused access \(403\)$/],
    ['500', (i) => i.reply(500, { resourceType: 'OperationOutcome' }), /^FHIR server answered 500$/],
    ['404', (i) => i.reply(404, ''), /^FHIR server answered 404$/],
    ['garbage JSON', (i) => i.reply(200, '{"resourceType": "Patient", oops', { 'content-type': 'application/fhir+json' }), /not JSON/],
    ['JSON that is not a resource', (i) => i.reply(200, { hello: 'world' }), /not a FHIR resource/],
    ['a JSON primitive', (i) => i.reply(200, '42', { 'content-type': 'application/json' }), /^FHIR request failed/],
    ['an empty 200', (i) => i.reply(200, ''), /not a FHIR resource/],
    ['a socket error', (i) => i.replyWithError('ECONNRESET http://fhir.test/fhir/Patient/p1 secret-token'), /^FHIR request failed/],
  ])('%s → FHIR_FETCH_FAILED with a message free of URL, patient id and token', async (_name, answer, message) => {
    const scope = answer(nock(BASE).matchHeader('authorization', 'Bearer secret-token').get('/Patient/p1'));
    const e = await failure(createFhirKitGatewayFactory()(BASE, 'secret-token').search('Patient/p1', signal()));
    expect(e.code).toBe('FHIR_FETCH_FAILED');
    expect(e.message).toMatch(message);
    expect(JSON.stringify({ ...e, message: e.message })).not.toMatch(/secret-token|fhir\.test|p1/);
    expect(scope.isDone()).toBe(true);
  });

  it('times out a slow answer (per-call timeout) and honours the caller abort', async () => {
    const scope = nock(BASE).get('/Patient/p1').times(2).delay(3000).reply(200, patient);
    const gw = createFhirKitGatewayFactory({ timeoutMs: 200 })(BASE, 't');
    let started = Date.now();
    expect((await failure(gw.search('Patient/p1', signal()))).message).toBe('FHIR request timed out');
    expect(Date.now() - started).toBeLessThan(1500);
    const c = new AbortController();
    setTimeout(() => c.abort(), 50);
    started = Date.now();
    const slow = createFhirKitGatewayFactory({ timeoutMs: 10_000 })(BASE, 't');
    expect((await failure(slow.search('Patient/p1', c.signal))).message).toBe('FHIR request timed out');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a declared body over the cap', async () => {
    const body = JSON.stringify({ ...patient, pad: 'x'.repeat(5000) });
    const scope = nock(BASE).get('/Patient/p1')
      .reply(200, body, { 'content-type': 'application/fhir+json', 'content-length': String(Buffer.byteLength(body)) });
    const e = await failure(createFhirKitGatewayFactory({ maxBodyBytes: 1000 })(BASE, 't').search('Patient/p1', signal()));
    expect(e.message).toBe('FHIR response too large');
    expect(scope.isDone()).toBe(true);
  });

  /** A lazy body of `total` bytes in 16 KiB chunks, each after `gapMs` (0: next tick); `produced` counts what nock pulled. */
  function lazyBody(total: number, gapMs: number): { stream: () => Readable; produced: () => number; stop: () => void } {
    let produced = 0;
    let stopped = false;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    return {
      stream: () => new Readable({
        read() {
          if (stopped || produced >= total) {
            this.push(null);
            return;
          }
          const push = () => {
            produced += chunk.length;
            this.push(chunk);
          };
          if (gapMs === 0) setImmediate(push);
          else setTimeout(push, gapMs);
        },
      }),
      produced: () => produced,
      stop: () => {
        stopped = true;
      },
    };
  }

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const body = lazyBody(50_000_000, 5);
    const scope = nock(BASE).get('/Observation?patient=p1')
      .reply(200, () => body.stream(), { 'content-type': 'application/fhir+json', 'content-length': '50000000' });
    const started = Date.now();
    const e = await failure(createFhirKitGatewayFactory({ maxBodyBytes: 1_000_000 })(BASE, 't').search('Observation?patient=p1', signal()));
    const took = Date.now() - started;
    const producedAtRejection = body.produced();
    body.stop();
    expect({ code: e.code, message: e.message }).toEqual({ code: 'FHIR_FETCH_FAILED', message: 'FHIR response too large' });
    expect(took).toBeLessThan(300);
    // nock pulls its reply stream on its own; at 16 KiB per 5 ms it has produced a handful of chunks, far below the cap.
    expect(producedAtRejection).toBeLessThan(250_000);
    expect(scope.isDone()).toBe(true);
  });

  it('stops reading a chunked body (no Content-Length) right after the cap', async () => {
    const cap = 1_000_000;
    const body = lazyBody(100_000_000, 0);
    const scope = nock(BASE).get('/Observation?patient=p1').reply(200, () => body.stream(), { 'content-type': 'application/fhir+json' });
    const started = Date.now();
    const e = await failure(createFhirKitGatewayFactory({ maxBodyBytes: cap })(BASE, 't').search('Observation?patient=p1', signal()));
    const took = Date.now() - started;
    const producedAtRejection = body.produced();
    body.stop();
    expect({ code: e.code, message: e.message }).toEqual({ code: 'FHIR_FETCH_FAILED', message: 'FHIR response too large' });
    expect(producedAtRejection).toBeGreaterThan(cap);
    expect(producedAtRejection).toBeLessThan(cap + 256 * 1024);
    expect(took).toBeLessThan(2000);
    expect(scope.isDone()).toBe(true);
  });

  it('accepts a chunked body of exactly the cap, and refuses one byte more', async () => {
    const resource = JSON.stringify({ ...patient, text: { status: 'generated', div: 'x'.repeat(3000) } });
    const cap = Buffer.byteLength(resource);
    const scope = nock(BASE)
      .get('/Patient/p1').reply(200, () => Readable.from([resource.slice(0, 1000), resource.slice(1000)]), { 'content-type': 'application/fhir+json' })
      .get('/Patient/p1').reply(200, () => Readable.from([resource.slice(0, 1000), `${resource.slice(1000)} `]), { 'content-type': 'application/fhir+json' });
    const gw = createFhirKitGatewayFactory({ maxBodyBytes: cap, maxTotalBytes: 10 * cap })(BASE, 't');
    await expect(gw.search('Patient/p1', signal())).resolves.toEqual(JSON.parse(resource));
    expect((await failure(gw.search('Patient/p1', signal()))).message).toBe('FHIR response too large');
    expect(scope.isDone()).toBe(true);
  });

  it('the calls of one gateway (one hook call) share a byte budget; a new gateway starts afresh', async () => {
    const resource = JSON.stringify({ ...patient, text: { status: 'generated', div: 'x'.repeat(3000) } });
    const size = Buffer.byteLength(resource);
    const scope = nock(BASE).get('/Patient/p1').times(4).reply(200, () => Readable.from([resource]), { 'content-type': 'application/fhir+json' })
      .get('/Patient/p2').times(2).reply(200, resource, { 'content-type': 'application/fhir+json', 'content-length': String(size) });
    const factory = createFhirKitGatewayFactory({ maxBodyBytes: size, maxTotalBytes: 2 * size + 10 });
    const gw = factory(BASE, 't');
    await expect(gw.search('Patient/p1', signal())).resolves.toEqual(JSON.parse(resource));
    await expect(gw.search('Patient/p1', signal())).resolves.toEqual(JSON.parse(resource));
    expect((await failure(gw.search('Patient/p1', signal()))).message).toBe('FHIR responses of this call too large together');
    const fresh = factory(BASE, 't');
    await expect(fresh.search('Patient/p1', signal())).resolves.toEqual(JSON.parse(resource));
    // A declared length beyond what is left of the budget is refused before reading, too.
    await expect(fresh.search('Patient/p2', signal())).resolves.toEqual(JSON.parse(resource));
    expect((await failure(fresh.search('Patient/p2', signal()))).message).toBe('FHIR responses of this call too large together');
    expect(scope.isDone()).toBe(true);
  });

  it('the caller abort cancels a body that is still arriving', async () => {
    const body = lazyBody(100_000_000, 20);
    const scope = nock(BASE).get('/Observation?patient=p1').reply(200, () => body.stream(), { 'content-type': 'application/fhir+json' });
    const c = new AbortController();
    setTimeout(() => c.abort(), 150);
    const started = Date.now();
    const e = await failure(createFhirKitGatewayFactory({ timeoutMs: 10_000 })(BASE, 't').search('Observation?patient=p1', c.signal));
    const took = Date.now() - started;
    body.stop();
    expect(e.message).toBe('FHIR request timed out');
    expect(took).toBeLessThan(600);
    expect(scope.isDone()).toBe(true);
  });

  it('does not follow a redirect (it would leave the base URL)', async () => {
    const scope = nock(BASE).get('/Patient/p1').reply(302, '', { location: 'http://evil.example/steal' });
    const trap = nock('http://evil.example').get('/steal').reply(200, patient);
    const e = await failure(createFhirKitGatewayFactory()(BASE, 'tok').search('Patient/p1', signal()));
    expect(e.code).toBe('FHIR_FETCH_FAILED');
    expect(scope.isDone()).toBe(true);
    expect(trap.isDone()).toBe(false);
  });

  it('refuses absolute, escaping or foreign URLs without any outbound request', async () => {
    const trap = nock(/.*/).persist().get(() => true).reply(200, patient);
    const gw = createFhirKitGatewayFactory()(BASE, 'tok');
    const attempts = [
      gw.search('http://evil.example/Patient/p1', signal()),
      gw.search('//evil.example/Patient/p1', signal()),
      gw.search('/Patient/p1', signal()),
      gw.search('Patient/../../admin', signal()),
      gw.search('Patient/p1#x', signal()),
      gw.fetchAbsolute('http://evil.example/fhir/Observation?page=2', signal()),
      gw.fetchAbsolute(`${ORIGIN}/other/Observation`, signal()),
      gw.fetchAbsolute(`http://u:p@fhir.test/fhir/Observation`, signal()),
    ];
    for (const a of attempts) expect((await failure(a)).code).toBe('FHIR_FETCH_FAILED');
    expect(trap.isDone()).toBe(false);
    expect(guard.unmatched).toEqual([]);
  });

  it('a next page that is not a Bundle is refused', async () => {
    const scope = nock(BASE).get('/Observation?page=2').reply(200, patient);
    const e = await failure(createFhirKitGatewayFactory()(BASE, 'tok').fetchAbsolute(`${BASE}/Observation?page=2`, signal()));
    expect(e.message).toBe('Next page is not a Bundle');
    expect(scope.isDone()).toBe(true);
  });
});

describe('gatherClinicalData through the fhir-kit gateway (nock)', () => {
  const guard = useNockGuard();
  const request = (prefetch: Record<string, unknown>, fhirServer = BASE): CdsRequest => ({
    hook: 'patient-view', hookInstance: 'h1', fhirServer,
    context: { userId: 'Practitioner/u', patientId: 'p1' },
    fhirAuthorization: { access_token: 'tok-xyz', token_type: 'Bearer', expires_in: 60, scope: 's', subject: 'c' },
    prefetch,
  }) as CdsRequest;
  const deps = (pageCap: number) => ({
    gatewayFactory: createFhirKitGatewayFactory(), allowedFhirServers: [`${ORIGIN}/*`], deadlineMs: 3000, pageCap,
  });
  const templates = { patient: 'Patient/{{context.patientId}}', cond: 'Condition?patient={{context.patientId}}' };
  const condBundle = { resourceType: 'Bundle', type: 'searchset',
    entry: [{ resource: { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } } }] };

  it('an absent key → exactly one GET, with the bearer; the prefetched key is not fetched', async () => {
    const scope = nock(BASE).matchHeader('authorization', 'Bearer tok-xyz').get('/Condition?patient=p1').reply(200, condBundle);
    const out = await gatherClinicalData(request({ patient }), templates, deps(5));
    expect(out.fetchedKeys).toEqual(['cond']);
    expect(out.resources.map((r) => `${r.resourceType}/${r.id ?? ''}`)).toEqual(['Patient/p1', 'Condition/c1']);
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('absent keys are fetched in parallel, each with the bearer', async () => {
    const scope = nock(BASE).matchHeader('authorization', 'Bearer tok-xyz')
      .get('/Patient/p1').delay(400).reply(200, patient)
      .get('/Condition?patient=p1').delay(400).reply(200, condBundle);
    const started = Date.now();
    const out = await gatherClinicalData(request({}), templates, deps(5));
    expect(Date.now() - started).toBeLessThan(750);
    expect(out.fetchedKeys.sort()).toEqual(['cond', 'patient']);
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('endless next links stop at the page cap, every page carrying the bearer', async () => {
    let scope = nock(BASE).matchHeader('authorization', 'Bearer tok-xyz');
    for (let n = 1; n <= 3; n++) {
      scope = scope.get(`/Observation?patient=p1&page=${n}`).reply(200, page(n, `${BASE}/Observation?patient=p1&page=${n + 1}`));
    }
    const out = await gatherClinicalData(request({}), { obs: 'Observation?patient={{context.patientId}}&page=1' }, deps(3));
    expect(out.resources.map((r) => r.id)).toEqual(['o1', 'o2', 'o3']);
    expect(out.issues.map((i) => i.code)).toEqual(['page-cap']);
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('a self-referencing next link stops after one repeat, well under the cap', async () => {
    const scope = nock(BASE).matchHeader('authorization', 'Bearer tok-xyz')
      .get('/Observation?loop=1').times(2).reply(200, page(0, `${BASE}/Observation?loop=1`));
    const out = await gatherClinicalData(request({}), { obs: 'Observation?loop=1' }, deps(50));
    expect(out.issues.map((i) => i.code)).toEqual(['paging-loop']);
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it('a 401 from the server → FHIR_FETCH_FAILED; an off-allowlist server → no request at all', async () => {
    const scope = nock(BASE).get('/Condition?patient=p1').reply(401, {});
    const e = await failure(gatherClinicalData(request({ patient }), templates, deps(5)));
    expect(e.code).toBe('FHIR_FETCH_FAILED');
    expect(scope.isDone()).toBe(true);
    const trap = nock('http://evil.example').persist().get(() => true).reply(200, condBundle);
    const e2 = await failure(gatherClinicalData(request({ patient }, 'http://evil.example/fhir'), templates, deps(5)));
    expect(e2.code).toBe('FHIR_SERVER_NOT_ALLOWED');
    expect(trap.isDone()).toBe(false);
    expect(guard.unmatched).toEqual([]);
  });

  it('referenced Medications are read with the bearer; a 404 and an answer over the byte budget become data issues', async () => {
    const med = (id: string, pad = '') => ({ resourceType: 'Medication', id, code: { text: `drug ${pad}` } });
    const order = (id: string, medication: string) =>
      ({ resourceType: 'MedicationRequest', id, status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, medicationReference: { reference: medication } });
    const meds = { resourceType: 'Bundle', type: 'searchset', entry: ['m1', 'm2', 'm3'].map((m, i) => ({ resource: order(`r${i}`, `Medication/${m}`) })) };
    const scope = nock(BASE).matchHeader('authorization', 'Bearer tok-xyz')
      .get('/Medication/m1').reply(200, med('m1'))
      .get('/Medication/m2').reply(404, { resourceType: 'OperationOutcome' })
      .get('/Medication/m3').delay(100).reply(200, med('m3', 'x'.repeat(5000)));
    const out = await gatherClinicalData(request({ patient, meds }), { patient: templates.patient, meds: 'MedicationRequest?patient={{context.patientId}}' }, {
      ...deps(5), gatewayFactory: createFhirKitGatewayFactory({ maxBodyBytes: 4000 }),
    });
    expect(out.resources.filter((r) => r.resourceType === 'Medication').map((r) => r.id)).toEqual(['m1']);
    expect(out.issues).toEqual([
      { code: 'medication-unavailable', message: 'Referenced Medication not read: FHIR server answered 404', location: 'Medication/m2' },
      { code: 'medication-unavailable', message: 'Referenced Medication not read: FHIR response too large', location: 'Medication/m3' },
    ]);
    expect(guard.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });
});
