/**
 * The real consensus engine (loadEngine) behind the real app: discovery templates lint clean, and what the engine
 * answers for a fixture patient (fetched through the FHIR fallback) passes our CDS Hooks response schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import request from 'supertest';
import type { HookName } from '../../src/cds-hooks/types';
import { projectRoot } from '../../src/config/project-root';
import { daysBetween, shiftDates } from '../../src/demo-fhir/shift-dates';
import { createInMemoryGatewayFactory } from '../../src/fhir/in-memory-gateway';
import { lintPrefetchTemplate } from '../../src/fhir/prefetch-tokens';
import { loadEngine } from '../../src/knowledge/load-engine';
import { expectValidCdsResponse, expectValidDiscoveryResponse } from '../support/expect-valid-cds-response';
import { orderSelectRequest, patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';

const fixture = JSON.parse(
  readFileSync(join(projectRoot(), 'test', 'fixtures', 'fhir', 'patient-cnlc-iiia-pvtt-child-pugh-a-naive.json'), 'utf8'),
) as Bundle;
// The fixture is dated around 2025-06-01; shifted to today, so its results are current (not stale) and cards fire.
const shifted = shiftDates(fixture, daysBetween(new Date('2025-06-01T00:00:00Z'), new Date())) as Bundle;
const resources = (shifted.entry ?? []).map((e) => e.resource as FhirResource);
const patientId = 'hcc-iiia-naive';
const engine = loadEngine();

describe('the real engine behind the HTTP app', () => {
  it('discovery lists prefetch templates generated from the mappings, all CDS Hooks 2.0 compliant', async () => {
    const t = buildTestApp({ engine });
    const res = await request(t.app).get('/cds-services').expect(200);
    expectValidDiscoveryResponse(res.body);
    for (const service of res.body.services as { hook: HookName; prefetch?: Record<string, string> }[]) {
      expect(Object.keys(service.prefetch ?? {}).length).toBeGreaterThan(0);
      for (const template of Object.values(service.prefetch ?? {})) expect([template, lintPrefetchTemplate(service.hook, template)]).toEqual([template, []]);
    }
  });

  it.each(['en', 'zh-CN'])('patient-view with full prefetch answers a schema-valid response with cards (%s)', async (language) => {
    const t = buildTestApp({ engine });
    const path = '/cds-services/hcc-consensus-patient-view';
    const prefetch = fillPrefetch(engine.prefetchFor('patient-view'), resources, { patientId, userId: 'Practitioner/doc' });
    const body = patientViewRequest({ prefetch, context: { userId: 'Practitioner/doc', patientId } });
    const res = await request(t.app).post(path).set('Authorization', t.auth(path)).set('Accept-Language', language).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.cards.length).toBeGreaterThan(0);
    expect((await t.store.recommendationStats()).length).toBeGreaterThan(0);
  });

  it('patient-view via the FHIR fallback answers a schema-valid response', async () => {
    const language = 'en';
    const gateways = createInMemoryGatewayFactory(resources);
    const t = buildTestApp({ engine, gatewayFactory: gateways });
    const path = '/cds-services/hcc-consensus-patient-view';
    const body = patientViewRequest({ prefetch: undefined, fhirServer: 'https://fhir.test.example/r4', context: { userId: 'Practitioner/doc', patientId } });
    const res = await request(t.app).post(path).set('Authorization', t.auth(path)).set('Accept-Language', language).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(gateways.calls.length).toBeGreaterThan(0);
    expect(res.body.extension['org.hcc-cds'].kbVersion).toBe(engine.kbVersion);
  });

  it('order-select with the sandbox draft shape answers a schema-valid response', async () => {
    const t = buildTestApp({ engine });
    const path = '/cds-services/hcc-consensus-order-select';
    const prefetch = fillPrefetch(engine.prefetchFor('order-select'), resources, { patientId, userId: 'Practitioner/example' });
    const base = orderSelectRequest({ prefetch });
    const context = { ...(base['context'] as Record<string, unknown>), patientId };
    const res = await request(t.app).post(path).set('Authorization', t.auth(path)).send({ ...base, context });
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
  });
});
