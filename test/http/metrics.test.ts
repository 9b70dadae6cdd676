/**
 * GET /metrics (issue 12) through the real app: Prometheus text with request counts and latency per route
 * pattern, service and status, cards per recommendation and indicator, not-evaluable recommendations, FHIR
 * fallback calls and failures, replay refusals and event-loop lag; no patient id, token or path in any label;
 * optional bearer protection; off when disabled.
 */
import { join } from 'node:path';
import request from 'supertest';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';
import { currentFixtureResources } from '../support/current-fixture';
import { loadEngine } from '../../src/knowledge/load-engine';
import { createInMemoryReplayStore } from '../../src/auth/in-memory-replay-store';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import type { FhirGatewayFactory } from '../../src/fhir/fhir-gateway';
import { countingEngine } from '../../src/metrics/counting-engine';
import { countingGatewayFactory } from '../../src/metrics/counting-gateway';
import { countingReplayStore } from '../../src/metrics/counting-replay-store';
import { createMetrics, type ServiceMetrics } from '../../src/metrics/metrics';
import { AppError } from '../../src/shared/errors';
import { systemClock } from '../../src/shared/clock';
import { createCountingEngine, COUNTING_RECOMMENDATION } from '../support/counting-engine';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';

function series(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('GET /metrics', () => {
  const made: ServiceMetrics[] = [];
  afterAll(() => made.forEach((m) => m.stop()));
  const metricsFor = (): ServiceMetrics => {
    const m = createMetrics();
    made.push(m);
    return m;
  };

  it('counts requests, cards, not-evaluable, FHIR fallback and replay refusals, with bounded labels only', async () => {
    const metrics = metricsFor();
    const failing: FhirGatewayFactory = () => ({
      search: () => Promise.reject(new AppError('FHIR_FETCH_FAILED', 'down')),
      fetchAbsolute: () => Promise.reject(new AppError('FHIR_FETCH_FAILED', 'down')),
    });
    const t = buildTestApp({
      engine: countingEngine(createCountingEngine(), metrics),
      gatewayFactory: countingGatewayFactory(failing, metrics),
      metrics,
    });
    const replay = countingReplayStore(createInMemoryReplayStore({ clock: systemClock, entriesPerIssuer: 100 }), metrics);
    const verifier = createJwtVerifier({ issuers: t.config.trustedIssuers, clock: systemClock, replayStore: replay });
    const auth = t.auth(PV);
    await verifier.verify(auth, `http://hcc-cds.test${PV}`);
    await expect(verifier.verify(auth, `http://hcc-cds.test${PV}`)).rejects.toThrow();

    await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
    const withoutPrefetch = patientViewRequest({ fhirServer: 'https://fhir.test.example/r4', prefetch: {} });
    await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(withoutPrefetch).expect(412);
    await request(t.app).get('/cds-services/no-such-service/x/y').expect(404);

    const res = await request(t.app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(series(text, 'hcc_cds_http_requests_total')).toEqual(
      expect.arrayContaining([
        'hcc_cds_http_requests_total{route="/cds-services/:id",service="hcc-consensus-patient-view",status="200"} 1',
        'hcc_cds_http_requests_total{route="/cds-services/:id",service="hcc-consensus-patient-view",status="412"} 1',
        'hcc_cds_http_requests_total{route="unmatched",service="",status="404"} 1',
      ]),
    );
    expect(text).toMatch(/hcc_cds_http_request_duration_seconds_bucket\{le="0.005",route="\/cds-services\/:id",service="hcc-consensus-patient-view",status="200"\} \d/);
    expect(series(text, 'hcc_cds_cards_total')).toEqual([`hcc_cds_cards_total{service="hcc-consensus-patient-view",recommendation="${COUNTING_RECOMMENDATION}",indicator="info"} 1`]);
    expect(series(text, 'hcc_cds_fhir_fallback_requests_total').length).toBeGreaterThan(0);
    expect(series(text, 'hcc_cds_fhir_fallback_failures_total').join('\n')).toMatch(/operation="search"\} [1-9]/);
    expect(series(text, 'hcc_cds_jwt_replay_refusals_total')).toEqual(['hcc_cds_jwt_replay_refusals_total{reason="replayed"} 1', 'hcc_cds_jwt_replay_refusals_total{reason="full"} 0']);
    expect(text).toMatch(/hcc_cds_nodejs_eventloop_lag_seconds \d/);
    expect(text).toContain('hcc_cds_replay_store_local 0');
    // No patient id, token, hookInstance or raw path in any label value.
    const labels = text.split('\n').filter((l) => !l.startsWith('#')).flatMap((l) => [...l.matchAll(/="([^"]*)"/g)].map((m) => m[1] ?? ''));
    for (const value of labels) {
      expect(value).not.toMatch(/pat-1|eyJ|no-such-service|[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
  });

  it('counts the real engine\'s cards per recommendation and its not-evaluable recommendations', async () => {
    const metrics = metricsFor();
    const engine = loadEngine();
    const t = buildTestApp({ engine: countingEngine(engine, metrics), metrics });
    const resources = currentFixtureResources('patient-cnlc-iiia-pvtt-child-pugh-a-naive.json');
    const prefetch = fillPrefetch(engine.prefetchFor('patient-view'), resources, { patientId: 'hcc-iiia-naive', userId: 'Practitioner/doc' });
    const full = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest({ context: { userId: 'Practitioner/doc', patientId: 'hcc-iiia-naive' }, prefetch })).expect(200);
    // Every key but the patient says "no data" (null): recommendations needing labs or staging are not evaluable.
    const onlyPatient = Object.fromEntries(Object.keys(prefetch).map((key) => [key, key === 'patient' ? prefetch[key] : null]));
    const sparse = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest({ context: { userId: 'Practitioner/doc', patientId: 'hcc-iiia-naive' }, prefetch: onlyPatient })).expect(200);
    const text = await metrics.render();
    const cardLines = series(text, 'hcc_cds_cards_total');
    expect(full.body.cards.length).toBeGreaterThan(0);
    expect(cardLines.length).toBeGreaterThan(0);
    for (const line of cardLines) expect(line).toMatch(/^hcc_cds_cards_total\{service="hcc-consensus-patient-view",recommendation="[A-Z][A-Z0-9-]*",indicator="(info|warning|critical)"\} \d+$/);
    const missing = (sparse.body.extension['org.hcc-cds'].notEvaluable as { id: string }[]).map((n) => n.id);
    expect(missing.length).toBeGreaterThan(0);
    for (const id of missing) expect(text).toContain(`hcc_cds_not_evaluable_total{service="hcc-consensus-patient-view",recommendation="${id}"}`);
  });

  it('with a bearer token configured, answers only to that token (401 OperationOutcome otherwise)', async () => {
    const metrics = metricsFor();
    const t = buildTestApp({ metrics, metricsBearerToken: 'scrape-secret-0123456789' });
    const refused = await request(t.app).get('/metrics').expect(401);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    await request(t.app).get('/metrics').set('Authorization', 'Bearer wrong-token').expect(401);
    const ok = await request(t.app).get('/metrics').set('Authorization', 'Bearer scrape-secret-0123456789').expect(200);
    expect(ok.text).toContain('hcc_cds_http_requests_total');
    expect(t.logs.join('\n')).not.toContain('scrape-secret');
  });

  it('is not served when disabled in the configuration', async () => {
    const t = buildTestApp({ metrics: metricsFor(), config: { metrics: { enabled: false } } });
    await request(t.app).get('/metrics').expect(404);
  });
});
