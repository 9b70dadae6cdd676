import express from 'express';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { createPublicKey } from 'node:crypto';
import { playgroundRouter } from '../../src/playground/router';
import { createDevSigner, PLAYGROUND_DEV_ISSUER } from '../../src/playground/dev-signer';
import type { PlaygroundPatient } from '../../src/playground/patients';
import { createErrorHandler } from '../../src/http/error-handler';
import { createLogger } from '../../src/shared/logger';
import { fixedClock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import type { RequestHandler } from 'express';

const BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: { resourceType: 'Patient', id: 'p1' } },
    { resource: { resourceType: 'Observation', id: 'o1', status: 'final', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://loinc.org', code: '1742-6' }] } } },
    { resource: { resourceType: 'MedicationRequest', id: 'm-active', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' } } },
    { resource: { resourceType: 'MedicationRequest', id: 'm-draft', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' } } },
  ],
};
const PATIENTS: PlaygroundPatient[] = [{ id: 'demo--one', title: 'Demo', description: 'd', hook: 'patient-view', input: BUNDLE }];

/** The service's own templates as the engine would declare them (the builder fills only these). */
const TEMPLATES = { patient: 'Patient/{{context.patientId}}', meds: 'MedicationRequest?patient={{context.patientId}}', enc: 'Encounter/{{context.encounterId}}' };
/** Stands in for the JWT check in these unit tests (the real verifier guards it in test/http/security-hardening). */
const bearerOk: RequestHandler = (req, _res, next) => next(req.get('authorization') === 'Bearer ok' ? undefined : new AppError('AUTH_INVALID_TOKEN', 'x'));

function app(mode: 'development' | 'production', bodyLimit?: string, templates: Record<string, string> = TEMPLATES) {
  const signer = createDevSigner();
  const a = express();
  a.use(
    playgroundRouter({
      mode,
      ...(mode === 'development' ? { devSigner: signer } : { authenticate: bearerOk }),
      patients: PATIENTS,
      clock: fixedClock('2026-01-01T00:00:00Z'),
      prefetchTemplates: () => templates,
      serviceIds: ['svc'],
      publicBaseUrl: 'http://127.0.0.1:3000',
      ...(bodyLimit === undefined ? {} : { bodyLimit }),
    }),
  );
  a.use(createErrorHandler(createLogger({ level: 'silent' })));
  return { app: a, signer };
}

describe('playground router', () => {
  it('serves the page with a strict Content-Security-Policy and its assets from memory', async () => {
    const { app: a } = app('production');
    const page = await request(a).get('/').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('/playground/assets/app.js');
    for (const name of ['app.js', 'cards.js', 'markdown.js', 'i18n.js', 'styles.css']) {
      await request(a).get(`/playground/assets/${name}`).expect(200);
    }
    await request(a).get('/playground/assets/..%2Frouter.ts').expect(404);
  });

  it('mints ES384 dev tokens for a /cds-services audience in development only', async () => {
    const { app: dev, signer } = app('development');
    const config = await request(dev).get('/playground/config').expect(200);
    expect(config.body).toMatchObject({ mode: 'development', devTokens: true, devIssuer: PLAYGROUND_DEV_ISSUER });
    const aud = 'http://127.0.0.1:3000/cds-services/svc';
    const res = await request(dev).get('/playground/dev-token').query({ aud }).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const key = createPublicKey({ key: signer.jwks.keys[0] as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
    const decoded = jwt.verify(res.body.token as string, key, { algorithms: ['ES384'], audience: aud, issuer: PLAYGROUND_DEV_ISSUER, complete: true, clockTimestamp: Date.parse('2026-01-01T00:01:00Z') / 1000 });
    expect(decoded.header).toMatchObject({ alg: 'ES384', typ: 'JWT', kid: signer.kid });
    const payload = decoded.payload as Record<string, number | string>;
    expect(Number(payload['exp']) - Number(payload['iat'])).toBe(300);
    expect(typeof payload['jti']).toBe('string');
    for (const bad of [
      'javascript:alert(1)',
      'http://x/other',
      'not a url',
      'http://evil.example/cds-services/svc',
      'http://127.0.0.1:3001/cds-services/svc',
      'http://127.0.0.1:3000/cds-services/other-service',
      'http://127.0.0.1:3000/cds-services/svc/../../playground/requests',
    ]) {
      const r = await request(dev).get('/playground/dev-token').query({ aud: bad }).expect(400);
      expect(r.body.resourceType).toBe('OperationOutcome');
    }

    const { app: prod } = app('production');
    expect((await request(prod).get('/playground/config').expect(200)).body).toMatchObject({ mode: 'production', devTokens: false });
    await request(prod).get('/playground/dev-token').query({ aud }).expect(404);
    await request(prod).get('/playground/jwks.json').expect(404);
  });

  it('refuses development mode without a signer', () => {
    expect(() => playgroundRouter({ mode: 'development', patients: [], prefetchTemplates: () => ({}), serviceIds: [] })).toThrow(/devSigner/);
    expect(() => playgroundRouter({ mode: 'production', patients: [], prefetchTemplates: () => ({}), serviceIds: [] })).toThrow(/authenticate/);
  });

  it('lists the scenario patients and serves one', async () => {
    const { app: a } = app('production');
    const list = await request(a).get('/playground/patients').expect(200);
    expect(list.body).toEqual({ patients: [{ id: 'demo--one', title: 'Demo', description: 'd', hook: 'patient-view' }] });
    expect((await request(a).get('/playground/patients/demo--one').expect(200)).body.input).toEqual(BUNDLE);
    expect((await request(a).get('/playground/patients/nope').expect(404)).body.resourceType).toBe('OperationOutcome');
  });

  it('builds a patient-view request whose prefetch answers the templates from the Bundle', async () => {
    const { app: a } = app('production');
    const res = await request(a).post('/playground/requests').set('Authorization', 'Bearer ok').send({ hook: 'patient-view', bundle: BUNDLE, prefetch: TEMPLATES }).expect(200);
    expect(res.body.hook).toBe('patient-view');
    expect(res.body.hookInstance).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.context).toEqual({ userId: 'Practitioner/playground', patientId: 'p1' });
    expect(res.body.prefetch.patient).toEqual({ resourceType: 'Patient', id: 'p1' });
    // The draft order is not part of the record.
    expect(res.body.prefetch.meds.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['m-active']);
    expect(res.body.prefetch).not.toHaveProperty('enc');
  });

  it('puts draft orders into order-select context with selections', async () => {
    const { app: a } = app('production');
    const res = await request(a).post('/playground/requests').set('Authorization', 'Bearer ok').send({ hook: 'order-select', bundle: BUNDLE, prefetch: {} }).expect(200);
    expect(res.body.context.selections).toEqual(['MedicationRequest/m-draft']);
    expect(res.body.context.draftOrders.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['m-draft']);
    expect(res.body).not.toHaveProperty('prefetch');
    const sign = await request(a).post('/playground/requests').set('Authorization', 'Bearer ok').send({ hook: 'order-sign', bundle: BUNDLE }).expect(200);
    expect(sign.body.context).not.toHaveProperty('selections');
    // Without prefetch named, the service's own templates are filled.
    expect(Object.keys(sign.body.prefetch as object).sort()).toEqual(['meds', 'patient']);
  });

  it('answers 400 OperationOutcomes for unusable input', async () => {
    const { app: a } = app('production');
    const cases: unknown[] = [
      { hook: 'patient-view', bundle: { resourceType: 'Patient' } },
      { hook: 'nope', bundle: BUNDLE },
      { hook: 'patient-view', bundle: { resourceType: 'Bundle', entry: [] } },
      { hook: 'order-select', bundle: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', id: 'p' } }] } },
      { hook: 'patient-view', bundle: BUNDLE, prefetch: { x: 1 } },
      { hook: 'patient-view', bundle: BUNDLE, prefetch: { patient: 'Observation?patient={{context.patientId}}' } },
      { hook: 'patient-view', bundle: BUNDLE, prefetch: { mine: 'Observation?patient={{context.patientId}}' } },
      [],
    ];
    for (const body of cases) {
      const res = await request(a).post('/playground/requests').set('Authorization', 'Bearer ok').send(body as object).expect(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(/);
    }
  });

  it('the request builder needs the JWT check in production, not in development', async () => {
    const { app: prod } = app('production');
    await request(prod).post('/playground/requests').send({ hook: 'patient-view', bundle: BUNDLE }).expect(401);
    const { app: dev } = app('development');
    await request(dev).post('/playground/requests').send({ hook: 'patient-view', bundle: BUNDLE }).expect(200);
  });

  it('malformed JSON is a 400 and an oversized body or built request a 413, each an OperationOutcome', async () => {
    const { app: a } = app('development', '10kb');
    const malformed = await request(a).post('/playground/requests').set('Content-Type', 'application/json').send('{"hook": ').expect(400);
    expect(malformed.body.resourceType).toBe('OperationOutcome');
    const big = await request(a).post('/playground/requests').send({ hook: 'patient-view', bundle: BUNDLE, pad: 'x'.repeat(20_000) }).expect(413);
    expect(big.body.resourceType).toBe('OperationOutcome');
    // 50 orders fit the 10 kB body; three templates that each return all of them make a request over the limit.
    const search = 'MedicationRequest?patient={{context.patientId}}';
    const { app: triple } = app('development', '10kb', { a: search, b: search, c: search });
    const many = { ...BUNDLE, entry: [...BUNDLE.entry, ...Array.from({ length: 50 }, (_, i) => ({ resource: { resourceType: 'MedicationRequest', id: `m${i}`, status: 'active', intent: 'order', subject: { reference: 'Patient/p1' } } }))] };
    expect(Buffer.byteLength(JSON.stringify({ hook: 'patient-view', bundle: many }))).toBeLessThan(10 * 1024);
    const built = await request(triple).post('/playground/requests').send({ hook: 'patient-view', bundle: many }).expect(413);
    expect(built.body.issue[0].details.text).toMatch(/body limit/);
    const entries = { resourceType: 'Bundle', entry: Array.from({ length: 5001 }, () => 0) };
    const { app: roomy } = app('development', '1mb');
    const tooMany = await request(roomy).post('/playground/requests').send({ hook: 'patient-view', bundle: entries }).expect(413);
    expect(tooMany.body.issue[0].expression).toEqual(['bundle.entry']);
  });
});
