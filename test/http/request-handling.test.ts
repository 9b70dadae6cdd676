/** cds-hooks.md §11 "Request handling" (CDS Hooks 2.0 § Calling a CDS Service, § Prefetch Template). */
import type { FhirResource } from 'fhir/r4';
import request from 'supertest';
import { createInMemoryGatewayFactory } from '../../src/fhir/in-memory-gateway';
import type { HookInput } from '../../src/pipeline/engine';
import { AppError } from '../../src/shared/errors';
import { createCountingEngine } from '../support/counting-engine';
import { expectValidCdsResponse } from '../support/expect-valid-cds-response';
import { orderSelectRequest, patientViewRequest } from '../support/hook-requests';
import { buildTestApp, type TestApp } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';
const OS = '/cds-services/hcc-consensus-order-select';
const SIGN = '/cds-services/hcc-consensus-order-sign';
const FHIR = 'https://fhir.test.example/r4';

function post(t: TestApp, path: string, body: unknown) {
  return request(t.app).post(path).set('Authorization', t.auth(path)).send(body as object);
}

function without(body: Record<string, unknown>, path: string): Record<string, unknown> {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  delete at[parts[parts.length - 1] ?? ''];
  return copy;
}

async function expect400(t: TestApp, path: string, body: unknown, member: string): Promise<void> {
  const res = await post(t, path, body).expect(400);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].code).toBe('invalid');
  expect(res.body.issue[0].expression).toContain(member);
  expect(res.body.issue[0].details.text).toContain(member);
}

const patientResources: FhirResource[] = [
  { resourceType: 'Patient', id: 'pat-1' },
  { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/pat-1' } } as FhirResource,
  { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-1' } },
  { resourceType: 'Observation', id: 'o-other', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-2' } },
];

describe('§11 Request handling: 400 with an OperationOutcome naming the bad member', () => {
  const t = buildTestApp();

  it.each(['hook', 'hookInstance', 'context'])('400 when %s is missing', async (member) => {
    await expect400(t, PV, without(patientViewRequest(), member), member);
  });

  it('400 when hook differs from the service hook', async () => {
    await expect400(t, PV, patientViewRequest({ hook: 'order-select' }), 'hook');
    await expect400(t, OS, patientViewRequest(), 'hook');
  });

  it.each(['context.userId', 'context.patientId'])('patient-view: 400 when %s is missing', async (member) => {
    await expect400(t, PV, without(patientViewRequest(), member), member);
  });

  it.each(['context.selections', 'context.draftOrders', 'context.patientId'])('order-select: 400 when %s is missing', async (member) => {
    await expect400(t, OS, without(orderSelectRequest(), member), member);
  });

  it('order-sign: 400 when context.draftOrders is missing', async () => {
    const body = orderSelectRequest({ hook: 'order-sign' });
    delete (body['context'] as Record<string, unknown>)['selections'];
    await post(t, SIGN, body).expect(200);
    await expect400(t, SIGN, without(body, 'context.draftOrders'), 'context.draftOrders');
  });

  it('400 when a selection does not resolve in draftOrders', async () => {
    const body = orderSelectRequest();
    (body['context'] as Record<string, unknown>)['selections'] = ['MedicationRequest/request-123', 'MedicationRequest/nope'];
    await expect400(t, OS, body, 'context.selections[1]');
  });

  it('400 when hookInstance is not a UUID or patientId not a FHIR id', async () => {
    await expect400(t, PV, patientViewRequest({ hookInstance: 'abc' }), 'hookInstance');
    await expect400(t, PV, patientViewRequest({ context: { userId: 'Practitioner/x', patientId: 'a b/c' } }), 'context.patientId');
  });

  it('400 when fhirAuthorization comes without fhirServer', async () => {
    const auth = { access_token: 'secret-token', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'hcc-cds' };
    await expect400(t, PV, patientViewRequest({ fhirAuthorization: auth }), 'fhirServer');
  });

  it('400 when fhirAuthorization.token_type is not Bearer or expires_in is not an integer', async () => {
    const auth = { access_token: 'secret-token', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'hcc-cds' };
    await expect400(t, PV, patientViewRequest({ fhirServer: FHIR, fhirAuthorization: { ...auth, token_type: 'MAC' } }), 'fhirAuthorization.token_type');
    await expect400(t, PV, patientViewRequest({ fhirServer: FHIR, fhirAuthorization: { ...auth, expires_in: 1.5 } }), 'fhirAuthorization.expires_in');
  });

  it('lists every problem at once', async () => {
    const res = await post(t, PV, { hook: 'patient-view', hookInstance: 'x', context: {} }).expect(400);
    expect(res.body.issue[0].expression).toEqual(expect.arrayContaining(['hookInstance', 'context.userId', 'context.patientId']));
  });

  it('tolerates extension and unknown members', async () => {
    const res = await post(t, PV, patientViewRequest({ extension: { 'com.example.ehr': { a: 1 } }, somethingNew: true })).expect(200);
    expectValidCdsResponse(res.body);
  });

  it('accepts the sandbox order-select shape (draftOrders without Bundle.type, category as an object)', async () => {
    const res = await post(t, OS, orderSelectRequest()).expect(200);
    expectValidCdsResponse(res.body);
    expect(res.body.cards[0].suggestions[0].actions[0].resourceId).toBe('MedicationRequest/request-123');
  });

  it('a body with thousands of invalid members gets a bounded 400 (first problems only) and a bounded log line', async () => {
    const prefetch: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++) prefetch[`k${i}`] = 1;
    prefetch['y'.repeat(50_000)] = 2;
    const logsBefore = t.logs.length;
    const res = await post(t, PV, patientViewRequest({ prefetch })).expect(400);
    expect(res.body.issue[0].expression[0]).toBe('prefetch.k0');
    expect(res.body.issue[0].expression.length).toBeLessThanOrEqual(10);
    expect(res.body.issue[0].details.text).toMatch(/more problems?\)$/);
    expect(JSON.stringify(res.body).length).toBeLessThan(4000);
    const fb = `${PV}/feedback`;
    const bad = await request(t.app).post(fb).set('Authorization', t.auth(fb)).send({ feedback: Array.from({ length: 3000 }, () => ({ outcome: 'maybe' })) }).expect(400);
    expect(bad.body.issue[0].expression.length).toBeLessThanOrEqual(10);
    expect(JSON.stringify(bad.body).length).toBeLessThan(4000);
    expect(Math.max(...t.logs.slice(logsBefore).map((line) => line.length))).toBeLessThan(4000);
  });

  it('__proto__ / constructor members in the body, context, prefetch and feedback pollute nothing and never 500', async () => {
    const inject = (json: string, at: string, extra: string) => json.replace(at, `${at}${extra},`);
    const proto = '"__proto__":{"polluted":"yes","patientId":"evil"},"constructor":{"prototype":{"polluted":"yes"}}';
    let text = JSON.stringify(patientViewRequest());
    text = inject(text, '{', proto);
    text = inject(text, '"context":{', proto);
    text = inject(text, '"prefetch":{', '"__proto__":{"resourceType":"Patient","id":"evil"}');
    const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', 'application/json').send(text);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    const fb = `${PV}/feedback`;
    const feedback = `{${proto},"feedback":[{${proto},"card":"8f6a2b1e-0000-4000-8000-000000000001","outcome":"overridden","outcomeTimestamp":"2024-01-01T00:00:00Z"}]}`;
    expect((await request(t.app).post(fb).set('Authorization', t.auth(fb)).set('Content-Type', 'application/json').send(feedback)).status).toBe(200);
    const probe: Record<string, unknown> = {};
    expect([probe['polluted'], probe['patientId'], Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')]).toEqual([undefined, undefined, false]);
  });

  it('deeply nested JSON (200 000 levels) in context, prefetch or extension → a 4xx or 200, never a 500', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const base = JSON.stringify(patientViewRequest({ extension: { 'org.example': { a: 'DEEP' } } }));
    for (const text of [
      base.replace('"context":{', `"context":{"deep":${deep},`),
      base.replace('"prefetch":{', `"prefetch":{"deep":{"resourceType":"Basic","a":${deep}},`),
      base.replace('"DEEP"', deep),
    ]) {
      const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).set('Content-Type', 'application/json').send(text);
      expect(res.status).toBeLessThan(500);
    }
  });
});

describe('§11 Request handling: fhirServer allowlist (SSRF guard)', () => {
  it('400 and no outbound call when fhirServer is not on the allowlist', async () => {
    const gateways = createInMemoryGatewayFactory(patientResources);
    const t = buildTestApp({ gatewayFactory: gateways });
    for (const server of ['https://evil.example/fhir', 'http://fhir.test.example/r4', 'http://169.254.169.254/latest']) {
      const res = await post(t, PV, patientViewRequest({ prefetch: undefined, fhirServer: server })).expect(400);
      expect(res.body.issue[0].code).toBe('security');
    }
    expect(gateways.calls).toEqual([]);
  });
});

describe('§11 Request handling: prefetch matrix', () => {
  it('prefetch present: no FHIR call', async () => {
    const gateways = createInMemoryGatewayFactory(patientResources);
    const t = buildTestApp({ gatewayFactory: gateways });
    const res = await post(t, PV, patientViewRequest({ fhirServer: FHIR })).expect(200);
    expectValidCdsResponse(res.body);
    expect(gateways.calls).toEqual([]);
    expect(res.body.cards[0].summary).toBe('共 4 个资源：Condition 1，Observation 2，Patient 1');
  });

  it('prefetch null: no FHIR call, treated as no data', async () => {
    const gateways = createInMemoryGatewayFactory(patientResources);
    const t = buildTestApp({ gatewayFactory: gateways });
    const res = await post(t, PV, patientViewRequest({ fhirServer: FHIR, prefetch: { patient: null, conditions: null, observations: null } })).expect(200);
    expect(res.body).toMatchObject({ cards: [] });
    expectValidCdsResponse(res.body);
    expect(gateways.calls).toEqual([]);
  });

  it('prefetch absent: one FHIR call per missing key, with the bearer access token', async () => {
    const gateways = createInMemoryGatewayFactory(patientResources);
    const t = buildTestApp({ gatewayFactory: gateways });
    const body = patientViewRequest({
      fhirServer: FHIR,
      fhirAuthorization: { access_token: 'fhir-access-token-xyz', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'hcc-cds' },
    });
    const prefetch = body['prefetch'] as Record<string, unknown>;
    delete prefetch['observations'];
    delete prefetch['conditions'];
    const res = await post(t, PV, body).set('Accept-Language', 'en').expect(200);
    expectValidCdsResponse(res.body);
    expect(gateways.calls.map((c) => c.url).sort()).toEqual(['Condition?patient=pat-1', 'Observation?patient=pat-1&_sort=-date&_count=50']);
    expect(gateways.calls.every((c) => c.accessToken === 'fhir-access-token-xyz')).toBe(true);
    const ext = res.body.extension['org.hcc-cds'];
    expect(ext.fetchedKeys).toEqual(['conditions', 'observations']);
    expect(res.body.cards[0].summary).toBe('3 resources: Condition 1, Observation 1, Patient 1');
  });

  it("another patient's resource in prefetch is dropped as a data issue, not a crash", async () => {
    const t = buildTestApp();
    const body = patientViewRequest();
    const observations = (body['prefetch'] as Record<string, { entry: unknown[] }>)['observations'];
    observations?.entry.push({ resource: patientResources[3] });
    const res = await post(t, PV, body).set('Accept-Language', 'en').expect(200);
    expectValidCdsResponse(res.body);
    expect(res.body.extension['org.hcc-cds'].dataIssues).toEqual([expect.objectContaining({ code: 'other-patient', location: 'Observation/o-other' })]);
    expect(res.body.cards[0].summary).toBe('4 resources: Condition 1, Observation 2, Patient 1');
  });

  it('prefetch holding an OperationOutcome is a data issue and the key is fetched again', async () => {
    const gateways = createInMemoryGatewayFactory(patientResources);
    const t = buildTestApp({ gatewayFactory: gateways });
    const body = patientViewRequest({ fhirServer: FHIR });
    (body['prefetch'] as Record<string, unknown>)['conditions'] = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] };
    const res = await post(t, PV, body).expect(200);
    expect(gateways.calls.map((c) => c.url)).toEqual(['Condition?patient=pat-1']);
    expect(res.body.extension['org.hcc-cds'].dataIssues).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'prefetch-error' })]));
  });

  it('a paginated prefetch Bundle has its next link followed on the fhirServer', async () => {
    const observations = Array.from({ length: 5 }, (_, i): FhirResource => ({
      resourceType: 'Observation', id: `p${i}`, status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-1' },
    }));
    const gateways = createInMemoryGatewayFactory(observations);
    const t = buildTestApp({ gatewayFactory: gateways });
    const body = patientViewRequest({ fhirServer: FHIR });
    (body['prefetch'] as Record<string, unknown>)['observations'] = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: `${FHIR}/Observation?patient=pat-1&_count=2&_offset=2` }],
      entry: observations.slice(0, 2).map((resource) => ({ resource })),
    };
    const res = await post(t, PV, body).set('Accept-Language', 'en').expect(200);
    expect(gateways.calls.length).toBeGreaterThanOrEqual(1);
    expect(res.body.cards[0].summary).toBe('7 resources: Condition 1, Observation 5, Patient 1');
  });

  it('412 with an OperationOutcome when prefetch is missing and there is no fhirServer', async () => {
    const t = buildTestApp();
    const res = await post(t, PV, patientViewRequest({ prefetch: undefined })).expect(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual(['prefetch.patient', 'prefetch.conditions', 'prefetch.observations']);
    expect(JSON.stringify(res.body)).not.toContain('pat-1');
  });

  it('412 when the FHIR server refuses the token (gateway failure)', async () => {
    const t = buildTestApp({
      gatewayFactory: () => ({
        search: () => Promise.reject(new AppError('FHIR_FETCH_FAILED', 'FHIR server answered 401')),
        fetchAbsolute: () => Promise.reject(new AppError('FHIR_FETCH_FAILED', 'FHIR server answered 401')),
      }),
    });
    const res = await post(t, PV, patientViewRequest({ prefetch: undefined, fhirServer: FHIR })).expect(412);
    expect(res.body.issue[0].code).toBe('transient');
  });

  it('412 within the budget when the FHIR server is slower than the deadline', async () => {
    const t = buildTestApp({
      gatewayFactory: createInMemoryGatewayFactory(patientResources, { delayMs: 2000 }),
      config: { deadlineMs: 300, fhirDeadlineMs: 200 },
    });
    const started = Date.now();
    await post(t, PV, patientViewRequest({ prefetch: undefined, fhirServer: FHIR })).expect(412);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('card language', () => {
  it('follows Accept-Language (zh* → zh-CN, en* → en, q-values honoured), else the configured default', async () => {
    const seen: string[] = [];
    const t = buildTestApp({ engine: createCountingEngine({ onEvaluate: (input: HookInput) => seen.push(input.language) }) });
    await post(t, PV, patientViewRequest()).set('Accept-Language', 'en-US,en;q=0.9').expect(200);
    await post(t, PV, patientViewRequest()).set('Accept-Language', 'zh-TW').expect(200);
    await post(t, PV, patientViewRequest()).set('Accept-Language', 'fr, en;q=0.5, zh;q=0.8').expect(200);
    await post(t, PV, patientViewRequest()).set('Accept-Language', 'fr').expect(200);
    await post(t, PV, patientViewRequest()).expect(200);
    expect(seen).toEqual(['en', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-CN']);
    const en = buildTestApp({ config: { language: 'en' }, engine: createCountingEngine({ onEvaluate: (input) => seen.push(input.language) }) });
    await post(en, PV, patientViewRequest()).expect(200);
    expect(seen[seen.length - 1]).toBe('en');
  });
});
