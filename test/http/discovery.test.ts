/** cds-hooks.md §11 "Discovery" (CDS Hooks 2.0 § Discovery). */
import request from 'supertest';
import type { HookName } from '../../src/cds-hooks/types';
import { lintPrefetchTemplate } from '../../src/fhir/prefetch-tokens';
import { COUNTING_PREFETCH } from '../support/counting-engine';
import { expectValidDiscoveryResponse } from '../support/expect-valid-cds-response';
import { buildTestApp } from '../support/test-app';

describe('§11 Discovery', () => {
  it('GET /cds-services answers 200 JSON {services} with string hook, id, title and description for every service', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/cds-services').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectValidDiscoveryResponse(res.body);
    const services = res.body.services as Record<string, unknown>[];
    expect(services.map((s) => [s['id'], s['hook']])).toEqual([
      ['hcc-consensus-order-select', 'order-select'],
      ['hcc-consensus-order-sign', 'order-sign'],
      ['hcc-consensus-patient-view', 'patient-view'],
    ]);
    for (const s of services) for (const key of ['hook', 'id', 'title', 'description']) expect(typeof s[key]).toBe('string');
  });

  it('service ids are unique across hooks and URL-safe', async () => {
    const { app } = buildTestApp();
    const ids = ((await request(app).get('/cds-services')).body.services as { id: string }[]).map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(encodeURIComponent(id)).toBe(id);
  });

  it('prefetch templates come from the engine, are strings, and pass the token linter', async () => {
    const { app } = buildTestApp();
    const services = (await request(app).get('/cds-services')).body.services as { hook: HookName; prefetch?: Record<string, string> }[];
    for (const s of services) {
      expect(s.prefetch).toEqual(COUNTING_PREFETCH);
      for (const template of Object.values(s.prefetch ?? {})) expect(lintPrefetchTemplate(s.hook, template)).toEqual([]);
    }
  });

  it('discovery follows the configured JWT policy: open by default, 401 without a token when required', async () => {
    const strict = buildTestApp({ config: { requireAuthOnDiscovery: true } });
    await request(strict.app).get('/cds-services').expect(401);
    const ok = await request(strict.app).get('/cds-services').set('Authorization', strict.auth('/cds-services')).expect(200);
    expectValidDiscoveryResponse(ok.body);
    await request(strict.app).get('/cds-services').set('Authorization', strict.auth('/cds-services/hcc-consensus-patient-view')).expect(401);
  });

  it('answers a CORS preflight on discovery without authentication', async () => {
    const { app } = buildTestApp({ config: { requireAuthOnDiscovery: true } });
    const res = await request(app)
      .options('/cds-services')
      .set('Origin', 'https://sandbox.cds-hooks.org')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://sandbox.cds-hooks.org');
  });
});
