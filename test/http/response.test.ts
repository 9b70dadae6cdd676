/** cds-hooks.md §11 "Response" (CDS Hooks 2.0 § CDS Service Response, § Card Attributes, § Use of JSON). */
import request from 'supertest';
import { validateCdsResponse } from '../../src/cds-hooks/validator';
import { COUNTING_RECOMMENDATION } from '../support/counting-engine';
import { expectValidCdsResponse } from '../support/expect-valid-cds-response';
import { orderSelectRequest, patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';
const OS = '/cds-services/hcc-consensus-order-select';
const UUID_A = '8d1e0b4c-5c49-4f57-9b0f-3f0c6c1d2e01';
const UUID_B = '8d1e0b4c-5c49-4f57-9b0f-3f0c6c1d2e02';

const goodCard = () => ({
  uuid: UUID_A,
  summary: 'A one-sentence summary.',
  indicator: 'info',
  source: { label: 'hcc-cds', url: 'https://example.org/consensus' },
});

describe('§11 Response (over HTTP)', () => {
  it('200 with {cards: []} when there is no guidance, valid against our 2.0.1 schema', async () => {
    const t = buildTestApp();
    const path = PV;
    const res = await request(t.app)
      .post(path)
      .set('Authorization', t.auth(path))
      .send(patientViewRequest({ prefetch: { patient: null, conditions: null, observations: null } }))
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.cards).toEqual([]);
    expectValidCdsResponse(res.body);
    expect(res.body.extension['org.hcc-cds']).toMatchObject({ kbVersion: 'test-0.0.1', notEvaluable: [{ id: 'TEST-NEEDS-OBSERVATION', missingFacts: ['observation'] }] });
  });

  it('cards carry a uuid, summary < 140, indicator and source.label; suggestions come with selectionBehavior and uuids', async () => {
    const t = buildTestApp();
    const res = await request(t.app).post(OS).set('Authorization', t.auth(OS)).send(orderSelectRequest()).expect(200);
    expectValidCdsResponse(res.body);
    const card = res.body.cards[0];
    expect(card.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(card.summary.length).toBeLessThan(140);
    expect(card.selectionBehavior).toBe('at-most-one');
    expect(card.suggestions[0].uuid).toEqual(expect.any(String));
  });

  it('logs every served card (card uuid → service, recommendation ids, kbVersion) for feedback joins', async () => {
    const t = buildTestApp();
    const res = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
    expect(res.body.cards).toHaveLength(1);
    expect(t.store.recommendationStats()).toEqual([
      { recommendationId: COUNTING_RECOMMENDATION, kbVersion: 'test-0.0.1', served: 1, accepted: 0, overridden: 0 },
    ]);
  });
});

describe('§11 Response: our schema and invariants reject what the spec forbids', () => {
  const problems = (card: Record<string, unknown>, extra: Record<string, unknown> = {}) => validateCdsResponse({ cards: [card], ...extra });

  it('accepts a minimal valid card and the empty top-level cards array', () => {
    expect(problems(goodCard())).toEqual([]);
    expect(validateCdsResponse({ cards: [] })).toEqual([]);
  });

  it('summary must be shorter than 140 characters', () => {
    expect(problems({ ...goodCard(), summary: 'x'.repeat(139) })).toEqual([]);
    expect(problems({ ...goodCard(), summary: 'x'.repeat(140) })).toEqual(['cards[0].summary must NOT have more than 139 characters']);
  });

  it('indicator must be info, warning or critical; source.label is required', () => {
    expect(problems({ ...goodCard(), indicator: 'hard-stop' })).toHaveLength(1);
    expect(problems({ ...goodCard(), source: {} })).toEqual(['cards[0].source.label is required', 'cards[0].source is an empty object']);
  });

  it('source url and icon must be absolute https', () => {
    expect(problems({ ...goodCard(), source: { label: 'x', url: 'http://example.org' } })).toHaveLength(1);
    expect(problems({ ...goodCard(), source: { label: 'x', icon: '/icon.png' } })).not.toEqual([]);
  });

  it('suggestions require selectionBehavior; each suggestion needs label and uuid; at most one recommended with at-most-one', () => {
    const suggestion = { label: 'Do it', uuid: UUID_B };
    expect(problems({ ...goodCard(), suggestions: [suggestion] })).toEqual(['cards[0].selectionBehavior is required']);
    expect(problems({ ...goodCard(), suggestions: [{ label: 'x' }], selectionBehavior: 'any' })).toEqual(['cards[0].suggestions[0].uuid is required']);
    expect(problems({ ...goodCard(), suggestions: [suggestion], selectionBehavior: 'all' })).toHaveLength(1);
    const two = [{ ...suggestion, isRecommended: true }, { label: 'Other', uuid: UUID_A + 'x', isRecommended: true }];
    expect(problems({ ...goodCard(), suggestions: two, selectionBehavior: 'at-most-one' })).toEqual(['cards[0] has 2 recommended suggestions with selectionBehavior at-most-one']);
  });

  it('actions: type and description required; create/update carry a resource; delete uses resourceId and no resource', () => {
    const withAction = (action: Record<string, unknown>) => problems({ ...goodCard(), selectionBehavior: 'any', suggestions: [{ label: 'x', uuid: UUID_B, actions: [action] }] });
    expect(withAction({ type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/1' })).toEqual([]);
    expect(withAction({ type: 'create', description: 'Add', resource: { resourceType: 'ServiceRequest' } })).toEqual([]);
    expect(withAction({ type: 'delete', description: 'Remove', resourceId: 'MedicationRequest/1', resource: { resourceType: 'MedicationRequest' } })).not.toEqual([]);
    expect(withAction({ type: 'create', description: 'Add' })).not.toEqual([]);
    expect(withAction({ type: 'update', resource: { resourceType: 'X' } })).not.toEqual([]);
  });

  it('overrideReasons Codings need code, system and display', () => {
    expect(problems({ ...goodCard(), overrideReasons: [{ code: 'a', system: 'urn:s', display: 'A' }] })).toEqual([]);
    expect(problems({ ...goodCard(), overrideReasons: [{ code: 'a', system: 'urn:s' }] })).toEqual(['cards[0].overrideReasons[0].display is required']);
  });

  it('links need label, absolute url and type; appContext only on smart links', () => {
    expect(problems({ ...goodCard(), links: [{ label: 'L', url: 'https://x.org/a', type: 'smart', appContext: 'c' }] })).toEqual([]);
    expect(problems({ ...goodCard(), links: [{ label: 'L', url: 'https://x.org/a', type: 'absolute', appContext: 'c' }] })).not.toEqual([]);
    expect(problems({ ...goodCard(), links: [{ label: 'L', url: 'relative/path', type: 'absolute' }] })).not.toEqual([]);
  });

  it('no null or empty value anywhere except top-level cards: [], our own extension included', () => {
    expect(problems({ ...goodCard(), detail: null })).toContain('cards[0].detail is null (omit optional members instead)');
    expect(problems({ ...goodCard(), links: [] })).toContain('cards[0].links is an empty array');
    expect(problems({ ...goodCard(), extension: {} })).toContain('cards[0].extension is an empty object');
    expect(problems({ ...goodCard(), extension: { 'com.other': { grade: null } } })).toContain('cards[0].extension.com.other.grade is null (omit optional members instead)');
    expect(problems({ ...goodCard(), extension: { 'org.hcc-cds': { kbVersion: 'v', recommendations: [{ id: 'X', evidenceStatus: 'not-stated', evidenceLevel: null }] } } }))
      .toContain('cards[0].extension.org.hcc-cds.recommendations[0].evidenceLevel is null (omit optional members instead)');
    expect(validateCdsResponse({ cards: [], extension: { 'org.hcc-cds': { kbVersion: 'v', notEvaluable: [] } } })).toContain('extension.org.hcc-cds.notEvaluable is an empty array');
    expect(validateCdsResponse({ cards: [], extension: { 'org.hcc-cds': { kbVersion: 'v', dataIssues: [{ code: 'c', message: '' }] } } })).toContain('extension.org.hcc-cds.dataIssues[0].message is an empty string');
    expect(validateCdsResponse({ cards: [], extension: { 'org.hcc-cds': { kbVersion: 'v' } } })).toEqual([]);
  });

  it('our card extension states an unstated grade with evidenceStatus, never with null', () => {
    const own = (rec: Record<string, unknown>): Record<string, unknown> => ({ ...goodCard(), extension: { 'org.hcc-cds': { kbVersion: 'v', recommendations: [{ id: 'X', ...rec }] } } });
    expect(problems(own({ evidenceStatus: 'not-stated' }))).toEqual([]);
    expect(problems(own({ evidenceStatus: 'stated', evidenceLevel: '2', strength: 'A' }))).toEqual([]);
    expect(problems(own({ evidenceStatus: 'partly-stated', evidenceLevel: '2' }))).toEqual([]);
    expect(problems(own({}))).toContain('cards[0].extension.org.hcc-cds.recommendations[0].evidenceStatus is required');
    expect(problems(own({ evidenceStatus: 'not-stated', evidenceLevel: '2' }))).not.toEqual([]);
    expect(problems(own({ evidenceStatus: 'stated', evidenceLevel: '2' }))).not.toEqual([]);
    expect(problems(own({ evidenceStatus: 'graded' }))).not.toEqual([]);
  });

  it('card and suggestion uuids are unique; systemActions omitted unless non-empty', () => {
    expect(validateCdsResponse({ cards: [goodCard(), goodCard()] })).toEqual(['cards[1].uuid is not unique']);
    expect(validateCdsResponse({ cards: [], systemActions: [] })).not.toEqual([]);
  });
});
