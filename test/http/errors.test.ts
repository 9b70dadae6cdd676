/** Error answers: one catalogue, OperationOutcome bodies, no stack, CORS headers on errors (cds-hooks.md §2.5). */
import request from 'supertest';
import type { Engine } from '../../src/pipeline/engine';
import { createCountingEngine } from '../support/counting-engine';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';

function expectOutcome(body: unknown, code: string): void {
  expect(body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code }] });
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

describe('HTTP errors as OperationOutcome', () => {
  const t = buildTestApp({ config: { bodyLimit: '2kb' } });

  it('malformed JSON → 400', async () => {
    const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', 'application/json').send('{"hook": ').expect(400);
    expectOutcome(res.body, 'invalid');
    expect(res.body.issue[0].details.text).toBe('Request body is not valid JSON.');
  });

  it('non-JSON content type → 415', async () => {
    const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', 'text/plain').send('hello').expect(415);
    expectOutcome(res.body, 'not-supported');
  });

  it('missing body → 400', async () => {
    const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).expect(400);
    expectOutcome(res.body, 'invalid');
  });

  it('a body that is not valid UTF-8 (RFC 8259 §8.1) → 400 naming the body, not silently decoded with U+FFFD', async () => {
    const text = JSON.stringify(patientViewRequest({ extension: { 'org.example': { note: 'NOTE' } } }));
    // Latin-1 "é" (0xE9) inside a JSON string: valid JSON bytes, invalid UTF-8.
    const raw = Buffer.from(text.replace('"NOTE"', '"NOTE\u00e9"'), 'latin1');
    const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', 'application/json').serialize((b: Buffer) => b as unknown as string).send(raw as unknown as object).expect(400);
    expectOutcome(res.body, 'invalid');
    expect(res.body.issue[0].details.text).toBe('Request body is not valid UTF-8.');
    expect(res.body.issue[0].expression).toEqual(['$']);
    const ok = Buffer.from(text.replace('"NOTE"', '"NOTE\u00e9"'), 'utf8');
    await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', 'application/json; charset=utf-8').serialize((b: Buffer) => b as unknown as string).send(ok as unknown as object).expect(200);
  });

  it('content-type variants: charset=utf-8 and application/fhir+json accepted; a non-UTF charset → 415', async () => {
    const body = JSON.stringify(patientViewRequest());
    for (const type of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/fhir+json']) {
      await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', type).send(body).expect(200);
    }
    expectOutcome((await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', 'application/json; charset=iso-8859-1').send(body).expect(415)).body, 'not-supported');
  });

  it('body over the configured limit → 413', async () => {
    const big = patientViewRequest({ extension: { 'org.example': { padding: 'x'.repeat(4000) } } });
    const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(big).expect(413);
    expectOutcome(res.body, 'too-costly');
  });

  it('wrong method → 405 with Allow', async () => {
    const a = await request(t.app).get(PV).expect(405);
    expect(a.headers['allow']).toBe('POST, OPTIONS');
    expectOutcome(a.body, 'not-supported');
    const b = await request(t.app).post('/cds-services').expect(405);
    expect(b.headers['allow']).toBe('GET, OPTIONS');
    await request(t.app).delete(`${PV}/feedback`).expect(405);
    await request(t.app).put('/healthz').expect(405);
  });

  it('unknown route → 404; unknown service → 404 (after authentication)', async () => {
    expectOutcome((await request(t.app).get('/nope').expect(404)).body, 'not-found');
    const path = '/cds-services/no-such-service';
    await request(t.app).post(path).send(patientViewRequest()).expect(401);
    expectOutcome((await request(t.app).post(path).set('Authorization', t.auth(path)).send(patientViewRequest()).expect(404)).body, 'not-found');
    const fb = `${path}/feedback`;
    await request(t.app).post(fb).set('Authorization', t.auth(fb)).send({ feedback: [] }).expect(404);
  });

  it('a malformed percent-encoding in the path → 400 invalid (never 500), without echoing the path, with CORS headers', async () => {
    for (const path of ['/cds-services/%ZZ', '/cds-services/%E0%A4%A', '/cds-services/%E0%A4%A/feedback']) {
      const res = await request(t.app).post(path).set('Authorization', t.auth(path)).set('Origin', 'https://sandbox.cds-hooks.org').send(patientViewRequest());
      expect([path, res.status]).toEqual([path, 400]);
      expectOutcome(res.body, 'invalid');
      expect(JSON.stringify(res.body)).not.toContain('%');
      expect(res.headers['access-control-allow-origin']).toBe('https://sandbox.cds-hooks.org');
    }
    await request(t.app).get('/cds-services/%ZZ').expect(400);
    expect(t.logs.join('')).not.toContain('unexpected error');
  });

  it('an unexpected failure → 500 INTERNAL with a generic message; logged by name, without its message', async () => {
    const base = createCountingEngine();
    const failing: Engine = {
      ...base,
      evaluate: () => {
        throw new TypeError('cannot read bilirubin of patient Zhang San');
      },
    };
    const f = buildTestApp({ engine: failing });
    const res = await request(f.app).post(PV).set('Authorization', f.auth(PV)).set('Origin', 'https://sandbox.cds-hooks.org').send(patientViewRequest()).expect(500);
    expectOutcome(res.body, 'exception');
    expect(res.body.issue[0].details.text).toBe('Internal error.');
    expect(res.headers['access-control-allow-origin']).toBe('https://sandbox.cds-hooks.org');
    const logs = f.logs.join('');
    expect(logs).toContain('"errName":"TypeError"');
    expect(logs).not.toContain('Zhang San');
  });
});
