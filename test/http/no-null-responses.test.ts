/**
 * CDS Hooks § Use of JSON ("JSON attributes SHALL NOT be null"; optional values are omitted): every scenario
 * vignette, answered through runService with the real engine in both languages, and real HTTP answers carry no
 * null and no empty string/array/object but the top-level `cards: []`. The jest setup hook
 * (test/support/scan-responses.ts) applies the same scan to every response any suite produces; this file also
 * proves that hook sees them.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { nullOrEmptyProblems, validateCdsResponse } from '../../src/cds-hooks/validator';
import { daysBetween, shiftDates } from '../../src/demo-fhir/shift-dates';
import { compileFhirServerAllowlist } from '../../src/fhir/fhir-server-allowlist';
import { loadEngine } from '../../src/knowledge/load-engine';
import type { Language } from '../../src/pipeline/engine';
import { runService } from '../../src/pipeline/run-service';
import { buildHookRequest } from '../../src/playground/build-request';
import { fixedClock } from '../../src/shared/clock';
import { loadScenarios } from '../scenarios/support/load-scenarios';
import { loadProjectServices } from '../support/project-services';
import { recordResponse, responsesSeen, takeProblems } from '../support/response-scan';
import { buildTestApp } from '../support/test-app';

const engine = loadEngine();
const services = loadProjectServices().services;

describe('no null or empty value in any response', () => {
  it('the scan finds null, empty strings, arrays and objects, and lets the top-level cards: [] alone', () => {
    expect(nullOrEmptyProblems({ cards: [] })).toEqual([]);
    expect(nullOrEmptyProblems({ cards: [{ a: null, b: '', c: [], d: {}, e: [{}] }], extension: { 'org.hcc-cds': { x: null } } })).toEqual([
      'cards[0].a is null (omit optional members instead)',
      'cards[0].b is an empty string',
      'cards[0].c is an empty array',
      'cards[0].d is an empty object',
      'cards[0].e[0] is an empty object',
      'extension.org.hcc-cds.x is null (omit optional members instead)',
    ]);
  });

  it('every scenario vignette through runService (both languages): no null, no empty value, valid', async () => {
    const scenarios = loadScenarios();
    expect(scenarios.length).toBeGreaterThan(50);
    const before = responsesSeen();
    const problems: string[] = [];
    let cards = 0;
    for (const s of scenarios) {
      const service = services.find((x) => x.hook === s.hook)!;
      const bundle = { resourceType: 'Bundle', type: 'collection', entry: [...s.resources, ...(s.draftOrders ?? [])].map((resource) => ({ resource })) };
      const hookRequest = buildHookRequest({
        hook: s.hook, bundle, prefetchTemplates: engine.prefetchFor(s.hook), hookInstance: randomUUID(), userId: 'Practitioner/scan', now: new Date(s.at),
        ...(s.selections !== undefined ? { selections: s.selections } : {}),
      });
      for (const language of ['zh-CN', 'en'] as Language[]) {
        const run = await runService(service, hookRequest, {
          engine, gatewayFactory: () => { throw new Error('no FHIR'); }, allowedFhirServers: compileFhirServerAllowlist([]),
          deadlineMs: 10_000, fhirDeadlineMs: 1, pageCap: 1, clock: fixedClock(s.at),
        }, { language });
        cards += run.response.cards.length;
        for (const p of validateCdsResponse(run.response)) problems.push(`${s.path} (${language}): ${p}`);
      }
    }
    expect(problems).toEqual([]);
    expect(cards).toBeGreaterThan(scenarios.length); // the vignettes really produce cards with extensions to scan
    // The setup hook saw each of these responses (and the engine's cards inside them).
    expect(responsesSeen() - before).toBeGreaterThanOrEqual(scenarios.length * 2 * 2);
  });

  it('HTTP answers (cards, and no cards) are seen by the setup hook and are clean', async () => {
    const t = buildTestApp({ engine });
    const path = '/cds-services/hcc-consensus-patient-view';
    const now = new Date();
    const bare = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p1' } }] };
    const bodies = [buildHookRequest({ hook: 'patient-view', bundle: bare, prefetchTemplates: engine.prefetchFor('patient-view'), hookInstance: randomUUID(), userId: 'Practitioner/x', now })];
    const withCards = loadScenarios().find((s) => s.hook === 'patient-view' && (s.expect.fires ?? []).length > 0)!;
    // The app's clock is today: the vignette's record is shifted from its own moment to today so its results are current.
    const current = shiftDates(withCards.resources, daysBetween(new Date(withCards.at), now));
    const bundle = { resourceType: 'Bundle', type: 'collection', entry: current.map((resource) => ({ resource })) };
    bodies.push(buildHookRequest({ hook: 'patient-view', bundle, prefetchTemplates: engine.prefetchFor('patient-view'), hookInstance: randomUUID(), userId: 'Practitioner/x', now }));
    const before = responsesSeen();
    let cards = 0;
    for (const body of bodies) {
      const res = await request(t.app).post(path).set('Authorization', t.auth(path)).send(body).expect(200);
      expect(nullOrEmptyProblems(res.body)).toEqual([]);
      expect(validateCdsResponse(res.body)).toEqual([]);
      expect(res.body.extension['org.hcc-cds'].kbVersion).toEqual(expect.any(String));
      cards += res.body.cards.length;
    }
    expect(cards).toBeGreaterThan(0);
    expect(responsesSeen() - before).toBeGreaterThanOrEqual(bodies.length);
  });

  it('a response with a null is recorded as a problem for the test that produced it', () => {
    recordResponse('this test', { cards: [], extension: { 'org.hcc-cds': { kbVersion: 'v', evidenceLevel: null } } });
    expect(takeProblems()).toEqual(['this test: extension.org.hcc-cds.evidenceLevel is null (omit optional members instead)']);
  });
});
