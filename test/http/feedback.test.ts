/** cds-hooks.md §11 "Feedback" (CDS Hooks 2.0 § Feedback). */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { openSqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import { COUNTING_RECOMMENDATION } from '../support/counting-engine';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp, type TestApp } from '../support/test-app';

const PV = '/cds-services/hcc-consensus-patient-view';
const FB = `${PV}/feedback`;
const now = () => new Date().toISOString();

function postFeedback(t: TestApp, body: unknown, path = FB) {
  return request(t.app).post(path).set('Authorization', t.auth(path)).send(body as object);
}

async function serveCard(t: TestApp): Promise<string> {
  const served = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
  const uuid: unknown = served.body.cards?.[0]?.uuid;
  if (typeof uuid !== 'string') throw new Error('the test engine served no card');
  return uuid;
}

async function expect400(t: TestApp, body: unknown, member: string): Promise<void> {
  const res = await postFeedback(t, body).expect(400);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].expression).toContain(member);
}

describe('§11 Feedback', () => {
  it('200 for a valid batch, stored; repeating it is idempotent', async () => {
    const t = buildTestApp();
    const body = {
      feedback: [
        { card: await serveCard(t), outcome: 'accepted', acceptedSuggestions: [{ id: randomUUID() }], outcomeTimestamp: now() },
        { card: await serveCard(t), outcome: 'overridden', overrideReason: { reason: { code: 'r1', system: 'urn:reasons', display: 'Not applicable' }, userComment: 'n/a' }, outcomeTimestamp: now() },
      ],
    };
    expect((await postFeedback(t, body).expect(200)).body).toEqual({ stored: 2, duplicates: 0, unknownCards: 0 });
    expect((await postFeedback(t, body).expect(200)).body).toEqual({ stored: 0, duplicates: 2, unknownCards: 0 });
  });

  it("accepts the sandbox's shape: override reason without display and no userComment", async () => {
    const t = buildTestApp();
    const body = { feedback: [{ card: await serveCard(t), outcome: 'overridden', overrideReason: { reason: { code: 'x', system: 'http://example.org/reasons' } }, outcomeTimestamp: now() }] };
    expect((await postFeedback(t, body).expect(200)).body).toEqual({ stored: 1, duplicates: 0, unknownCards: 0 });
  });

  it('a card this service never issued is reported as unknown and never counted', async () => {
    const t = buildTestApp();
    const body = { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: now() }] };
    expect((await postFeedback(t, body).expect(200)).body).toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
    expect(await t.store.recommendationStats()).toEqual([]);
  });

  it('every string and array of a feedback item is length-limited (400 naming the member)', async () => {
    const t = buildTestApp();
    const item = { card: randomUUID(), outcome: 'overridden', outcomeTimestamp: now() };
    await expect400(t, { feedback: Array.from({ length: 101 }, () => item) }, 'feedback');
    await expect400(t, { feedback: [{ ...item, card: 'c'.repeat(129) }] }, 'feedback[0].card');
    const reason = (over: Record<string, string>) => ({ ...item, overrideReason: { reason: { code: 'x', system: 'urn:s', ...over } } });
    await expect400(t, { feedback: [reason({ code: 'x'.repeat(129) })] }, 'feedback[0].overrideReason.reason.code');
    await expect400(t, { feedback: [reason({ system: 's'.repeat(513) })] }, 'feedback[0].overrideReason.reason.system');
    await expect400(t, { feedback: [reason({ display: 'd'.repeat(513) })] }, 'feedback[0].overrideReason.reason.display');
    await expect400(t, { feedback: [{ ...item, overrideReason: { userComment: 'u'.repeat(2001) } }] }, 'feedback[0].overrideReason.userComment');
    const suggestions = Array.from({ length: 21 }, () => ({ id: randomUUID() }));
    await expect400(t, { feedback: [{ ...item, outcome: 'accepted', acceptedSuggestions: suggestions }] }, 'feedback[0].acceptedSuggestions');
    await expect400(t, { feedback: [{ ...item, outcomeTimestamp: `2026-01-01T00:00:00.${'1'.repeat(60)}Z` }] }, 'feedback[0].outcomeTimestamp');
  });

  it('joins feedback to the recommendations behind the served card', async () => {
    const t = buildTestApp();
    const served = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
    const card = served.body.cards[0].uuid as string;
    await postFeedback(t, { feedback: [{ card, outcome: 'overridden', outcomeTimestamp: now() }] }).expect(200);
    expect(await t.store.recommendationStats()).toEqual([{ recommendationId: COUNTING_RECOMMENDATION, kbVersion: 'test-0.0.1', served: 1, accepted: 0, overridden: 1 }]);
  });

  it('the batched card log is visible to the summary right after a hook call, and to the join right after feedback', async () => {
    const t = buildTestApp();
    const first = await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
    await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
    const count = async (): Promise<Array<[string, number, number, number]>> =>
      (await t.store.feedbackSummary({ serviceId: 'hcc-consensus-patient-view', scope: { iss: t.client.iss } })).recommendations.map((r) => [
        r.recommendationId,
        r.served,
        r.overridden,
        r.withoutFeedback,
      ]);
    expect(await count()).toEqual([[COUNTING_RECOMMENDATION, 2, 0, 2]]);
    await request(t.app).post(PV).set('Authorization', t.auth(PV)).send(patientViewRequest()).expect(200);
    await postFeedback(t, { feedback: [{ card: first.body.cards[0].uuid as string, outcome: 'overridden', outcomeTimestamp: now() }] }).expect(200);
    expect(await count()).toEqual([[COUNTING_RECOMMENDATION, 3, 1, 2]]);
  });

  describe('400 for malformed feedback', () => {
    const t = buildTestApp();
    const item = () => ({ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: now() });
    it('feedback not an array', () => expect400(t, { feedback: item() }, 'feedback'));
    it('feedback missing', () => expect400(t, {}, 'feedback'));
    it.each(['card', 'outcome', 'outcomeTimestamp'])('item without %s', (member) => {
      const bad: Record<string, unknown> = item();
      delete bad[member];
      return expect400(t, { feedback: [bad] }, `feedback[0].${member}`);
    });
    it('outcome not accepted|overridden', () => expect400(t, { feedback: [{ ...item(), outcome: 'ignored' }] }, 'feedback[0].outcome'));
    it('accepted without acceptedSuggestions', () => expect400(t, { feedback: [{ ...item(), outcome: 'accepted' }] }, 'feedback[0].acceptedSuggestions'));
    it('overrideReason with neither reason nor comment', () => expect400(t, { feedback: [{ ...item(), overrideReason: {} }] }, 'feedback[0].overrideReason'));
    it('timestamp not RFC 3339', async () => {
      await expect400(t, { feedback: [{ ...item(), outcomeTimestamp: '2026-01-01' }] }, 'feedback[0].outcomeTimestamp');
      await expect400(t, { feedback: [{ ...item(), outcomeTimestamp: 'yesterday' }] }, 'feedback[0].outcomeTimestamp');
    });
  });

  it('404 for an unknown service', async () => {
    const t = buildTestApp();
    const path = '/cds-services/nope/feedback';
    await postFeedback(t, { feedback: [{ card: 'c', outcome: 'overridden', outcomeTimestamp: now() }] }, path).expect(404);
  });

  it('503, never a false 200, when the store cannot commit', async () => {
    const store = openSqliteFeedbackStore(':memory:');
    const t = buildTestApp({ store });
    await store.close();
    const res = await postFeedback(t, { feedback: [{ card: randomUUID(), outcome: 'overridden', outcomeTimestamp: now() }] }).expect(503);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });
  });
});
