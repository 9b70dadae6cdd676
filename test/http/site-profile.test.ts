/**
 * The example site profile (examples/site-profiles/example-hospital) through the real HTTP app: a record coded
 * entirely in the hospital's local codes reads exactly like its standard-coded twin (same facts, same cards), from
 * prefetch and from the FHIR fallback (whose searches carry the profile's codes); without the profile it does not.
 * Twins: test/fixtures/site-profile/ (generate.js).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import request from 'supertest';
import { projectRoot } from '../../src/config/project-root';
import { createInMemoryGatewayFactory } from '../../src/fhir/in-memory-gateway';
import { loadEngine } from '../../src/knowledge/load-engine';
import { extractFacts, loadMappings } from '../../src/mapping';
import type { KnowledgeEngine } from '../../src/knowledge/create-engine';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';
import { expectValidCdsResponse } from '../support/expect-valid-cds-response';
import { orderSelectRequest, patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';
import { fixedClock } from '../../src/shared/clock';

const ROOT = projectRoot();
const PROFILE = join(ROOT, 'examples', 'site-profiles', 'example-hospital');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'site-profile');
const NOW = new Date('2025-06-01T00:00:00Z');
const read = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
const resourcesOf = (name: string): FhirResource[] => (read<Bundle>(name).entry ?? []).map((e) => e.resource as FhirResource);
const patientOf = (resources: readonly FhirResource[]): string => resources.find((r) => r.resourceType === 'Patient')?.id as string;

// The profile sets one knowledge-base parameter; the standard twin runs with the same value, so only codes differ.
const profileParameters = { taceSessionsBeforeRefractory: 3 };
const shipped = loadEngine({ parameters: profileParameters });
const withProfile = loadEngine({ siteProfile: PROFILE });

/** A response without its card and suggestion uuids (identifiers, not content). */
function comparable(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body, (key, value: unknown) => (key === 'uuid' ? undefined : value))) as unknown;
}

async function patientView(engine: KnowledgeEngine, resources: FhirResource[], via: 'prefetch' | 'fallback'): Promise<{ cards: Record<string, unknown>[] } & Record<string, unknown>> {
  const patientId = patientOf(resources);
  const gateways = createInMemoryGatewayFactory(resources);
  const t = buildTestApp({ engine, gatewayFactory: gateways, clock: fixedClock(NOW) });
  const path = '/cds-services/hcc-consensus-patient-view';
  const context = { userId: 'Practitioner/doc', patientId };
  const body =
    via === 'prefetch'
      ? patientViewRequest({ prefetch: fillPrefetch(engine.prefetchFor('patient-view'), resources, { patientId, userId: 'Practitioner/doc' }), context })
      : patientViewRequest({ prefetch: undefined, fhirServer: 'https://fhir.test.example/r4', context });
  const res = await request(t.app).post(path).set('Authorization', t.auth(path)).set('Accept-Language', 'zh-CN').send(body);
  expect(res.status).toBe(200);
  expectValidCdsResponse(res.body);
  if (via === 'fallback') expect(gateways.calls.length).toBeGreaterThan(0);
  return res.body as { cards: Record<string, unknown>[] } & Record<string, unknown>;
}

const TWINS = ['naive-iiia-pvtt', 'on-atezolizumab-bevacizumab-after-tace'];

describe.each(TWINS)('twin %s', (twin) => {
  const standard = resourcesOf(`${twin}.standard.json`);
  const local = resourcesOf(`${twin}.local.json`);

  it('the local twin carries no standard code where the mappings read one', () => {
    const text = JSON.stringify(local.map((r) => ({ code: (r as { code?: unknown }).code, value: (r as { valueCodeableConcept?: unknown }).valueCodeableConcept, medication: (r as { medicationCodeableConcept?: unknown }).medicationCodeableConcept })));
    expect(text).not.toMatch(/loinc\.org|snomed\.info|whocc\.no|icd-10|hcc-cds\.org/);
    expect(text).toMatch(/example-hospital\.cn/);
  });

  it('same facts and data issues (extractFacts with the profile vs without)', () => {
    const shippedMappings = loadMappings();
    const profileMappings = loadMappings(undefined, { siteProfile: PROFILE });
    const options = { patientId: patientOf(standard), now: NOW };
    const expected = extractFacts(shippedMappings, standard, options);
    expect(extractFacts(profileMappings, local, options)).toEqual(expected);
    // Control: without the profile the local record reads differently (so this test can fail).
    expect(extractFacts(shippedMappings, local, options)).not.toEqual(expected);
  });

  it.each(['prefetch', 'fallback'] as const)('same cards over HTTP (%s)', async (via) => {
    const expected = comparable(await patientView(shipped, standard, via));
    expect((expected as { cards: unknown[] }).cards.length).toBeGreaterThan(0);
    expect(comparable(await patientView(withProfile, local, via))).toEqual(expected);
    expect(comparable(await patientView(shipped, local, via))).not.toEqual(expected);
  });
});

it('order-select: a draft named by the HIS drug code is read like the same drug by ATC', async () => {
  const answer = async (engine: KnowledgeEngine, record: string, draft: string): Promise<unknown> => {
    const resources = resourcesOf(record);
    const patientId = patientOf(resources);
    const t = buildTestApp({ engine, clock: fixedClock(NOW) });
    const path = '/cds-services/hcc-consensus-order-select';
    const prefetch = fillPrefetch(engine.prefetchFor('order-select'), resources, { patientId, userId: 'Practitioner/doc' });
    const order = read<Record<string, unknown>>(draft);
    const base = orderSelectRequest({ prefetch });
    const context = { userId: 'Practitioner/doc', patientId, selections: ['MedicationRequest/draft-atezolizumab'], draftOrders: { resourceType: 'Bundle', entry: [{ resource: order }] } };
    const res = await request(t.app).post(path).set('Authorization', t.auth(path)).set('Accept-Language', 'en').send({ ...base, context });
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    return comparable(res.body);
  };
  const expected = await answer(shipped, 'naive-iiia-pvtt.standard.json', 'draft-atezolizumab.standard.json');
  expect((expected as { cards: unknown[] }).cards.length).toBeGreaterThan(0);
  expect(await answer(withProfile, 'naive-iiia-pvtt.local.json', 'draft-atezolizumab.local.json')).toEqual(expected);
  expect(await answer(shipped, 'naive-iiia-pvtt.standard.json', 'draft-atezolizumab.local.json')).not.toEqual(expected);
});

it('discovery: the profile engine prefetches the local codes beside the standard ones', async () => {
  const t = buildTestApp({ engine: withProfile });
  const res = await request(t.app).get('/cds-services').expect(200);
  const templates = JSON.stringify(res.body);
  expect(templates).toContain('http://lis.example-hospital.cn/fhir/CodeSystem/test-item|ALB');
  expect(templates).toContain('http://loinc.org|1751-7');
  const observation = Object.values(withProfile.prefetchFor('patient-view')).filter((q) => q.startsWith('Observation?'));
  expect(observation.length).toBeGreaterThan(0);
  for (const q of observation) expect(q).toContain('&code=');
});
