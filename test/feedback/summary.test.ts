import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteFeedbackStore, type SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import type { FeedbackCaller } from '../../src/feedback/feedback-store';
import { prepareFeedbackSummary } from '../../src/feedback/summary';

const EHR: FeedbackCaller = { iss: 'https://ehr.example' };
const from = (receivedAt: string, caller: FeedbackCaller = EHR) => ({ receivedAt, caller });

// Written through the real feedback store, read through a second connection on the same file: the summary
// runs against exactly the tables the service writes.
describe('feedback summary over the card log and feedback tables', () => {
  let dir: string;
  let store: SqliteFeedbackStore;
  let reader: Database.Database;
  const SYSTEM = 'http://hcc-cds.org/fhir/CodeSystem/override-reason';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hcc-summary-'));
    const file = join(dir, 'feedback.sqlite');
    store = openSqliteFeedbackStore(file);
    reader = new Database(file, { readonly: true });
  });

  afterEach(async () => {
    reader.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function serve(card: string, recs: string[], servedAt: string, serviceId = 'svc-a', kbVersion = 'kb-1', caller: FeedbackCaller = EHR): void {
    void store.logCards([{ cardUuid: card, serviceId, hookInstance: `hi-${card}`, recommendationIds: recs, kbVersion, servedAt, caller }]);
    // The card log is batched; the second connection below reads only committed rows.
    store.flushCardLog();
  }

  it('counts served, accepted, overridden and ranks coded override reasons per recommendation', async () => {
    serve('c1', ['REC-A'], '2026-01-10T10:00:00.000Z');
    serve('c2', ['REC-A'], '2026-01-11T10:00:00.000Z');
    serve('c3', ['REC-A', 'REC-B'], '2026-01-12T10:00:00.000Z');
    serve('c4', ['REC-A'], '2026-01-13T10:00:00.000Z', 'svc-a', 'kb-2');
    serve('c5', ['REC-A'], '2026-01-13T11:00:00.000Z', 'svc-other');
    await store.recordFeedback('svc-a', [{ card: 'c1', outcome: 'accepted', outcomeTimestamp: '2026-01-10T10:05:00Z', acceptedSuggestions: [{ id: 's1' }] }], from('2026-01-10T10:05:01Z'));
    await store.recordFeedback(
      'svc-a',
      [
        { card: 'c2', outcome: 'overridden', outcomeTimestamp: '2026-01-11T10:05:00Z', overrideReason: { reason: { system: SYSTEM, code: 'patient-declined', display: 'Patient declined' } } },
        { card: 'c3', outcome: 'overridden', outcomeTimestamp: '2026-01-12T10:05:00Z', overrideReason: { reason: { system: SYSTEM, code: 'patient-declined' }, userComment: 'free text that may hold PHI' } },
        { card: 'c4', outcome: 'overridden', outcomeTimestamp: '2026-01-13T10:05:00Z', overrideReason: { userComment: 'other' } },
      ],
      from('2026-01-13T10:06:00Z'),
    );
    await store.recordFeedback('svc-other', [{ card: 'c5', outcome: 'overridden', outcomeTimestamp: '2026-01-13T11:05:00Z', overrideReason: { reason: { system: SYSTEM, code: 'x' } } }], from('2026-01-13T11:06:00Z'));

    const summary = prepareFeedbackSummary(reader)({ serviceId: 'svc-a', scope: EHR, includeDisplay: true });
    expect(summary).toEqual({
      serviceId: 'svc-a',
      window: 'card-served-at',
      recommendations: [
        {
          recommendationId: 'REC-A',
          kbVersions: ['kb-1', 'kb-2'],
          served: 4,
          accepted: 1,
          overridden: 3,
          withoutFeedback: 0,
          overriddenWithoutCodedReason: 1,
          overriddenWithComment: 2,
          topOverrideReasons: [{ system: SYSTEM, code: 'patient-declined', display: 'Patient declined', cards: 2 }],
        },
        {
          recommendationId: 'REC-B',
          kbVersions: ['kb-1'],
          served: 1,
          accepted: 0,
          overridden: 1,
          withoutFeedback: 0,
          overriddenWithoutCodedReason: 0,
          overriddenWithComment: 1,
          topOverrideReasons: [{ system: SYSTEM, code: 'patient-declined', cards: 1 }],
        },
      ],
    });
    expect(JSON.stringify(summary)).not.toContain('free text');
  });

  it('limits the window to cards served in [since, until)', async () => {
    serve('c1', ['REC-A'], '2026-01-10T10:00:00.000Z');
    serve('c2', ['REC-A'], '2026-01-11T10:00:00.000Z');
    serve('c3', ['REC-A'], '2026-01-12T10:00:00.000Z');
    const summarize = prepareFeedbackSummary(reader);
    const windowed = summarize({ serviceId: 'svc-a', scope: EHR, since: new Date('2026-01-11T00:00:00Z'), until: new Date('2026-01-12T10:00:00Z') });
    expect(windowed.since).toBe('2026-01-11T00:00:00.000Z');
    expect(windowed.until).toBe('2026-01-12T10:00:00.000Z');
    expect(windowed.recommendations).toEqual([
      expect.objectContaining({ recommendationId: 'REC-A', served: 1, accepted: 0, overridden: 0, withoutFeedback: 1 }),
    ]);
    expect(windowed.recommendations[0]).not.toHaveProperty('topOverrideReasons');
    expect(summarize({ serviceId: 'svc-a', scope: EHR, since: new Date('2027-01-01T00:00:00Z') }).recommendations).toEqual([]);
  });

  it('caps the number of override reasons listed', async () => {
    serve('c1', ['REC-A'], '2026-01-10T10:00:00.000Z');
    serve('c2', ['REC-A'], '2026-01-10T11:00:00.000Z');
    serve('c3', ['REC-A'], '2026-01-10T12:00:00.000Z');
    await store.recordFeedback(
      'svc-a',
      ['a', 'b', 'b'].map((code, i) => ({ card: `c${i + 1}`, outcome: 'overridden' as const, outcomeTimestamp: `2026-01-10T1${i}:30:00Z`, overrideReason: { reason: { system: SYSTEM, code } } })),
      from('2026-01-10T13:00:00Z'),
    );
    const summary = prepareFeedbackSummary(reader)({ serviceId: 'svc-a', scope: EHR, topReasons: 1 });
    expect(summary.recommendations[0]?.topOverrideReasons).toEqual([{ system: SYSTEM, code: 'b', cards: 2 }]);
  });

  it("returns only the caller's issuer and tenant, and reason display text only when asked (reader role)", async () => {
    const tenantB: FeedbackCaller = { iss: EHR.iss, tenant: 'b' };
    const other: FeedbackCaller = { iss: 'https://other-ehr.example' };
    serve('c1', ['REC-A'], '2026-01-10T10:00:00.000Z');
    serve('c2', ['REC-A'], '2026-01-10T11:00:00.000Z', 'svc-a', 'kb-1', tenantB);
    serve('c3', ['REC-A'], '2026-01-10T12:00:00.000Z', 'svc-a', 'kb-1', other);
    serve('c4', ['REC-B'], '2026-01-10T12:00:00.000Z', 'svc-a', 'kb-1', other);
    const reason = { reason: { system: SYSTEM, code: 'x', display: 'Mr Zhang declined' } };
    await store.recordFeedback('svc-a', [{ card: 'c1', outcome: 'overridden', outcomeTimestamp: '2026-01-10T10:30:00Z', overrideReason: reason }], from('t'));
    await store.recordFeedback('svc-a', [{ card: 'c3', outcome: 'overridden', outcomeTimestamp: '2026-01-10T12:30:00Z', overrideReason: reason }], from('t', other));
    const summarize = prepareFeedbackSummary(reader);
    const mine = summarize({ serviceId: 'svc-a', scope: EHR });
    expect(mine.recommendations).toEqual([expect.objectContaining({ recommendationId: 'REC-A', served: 1, overridden: 1, topOverrideReasons: [{ system: SYSTEM, code: 'x', cards: 1 }] })]);
    expect(JSON.stringify(mine)).not.toContain('Zhang');
    expect(summarize({ serviceId: 'svc-a', scope: tenantB }).recommendations).toEqual([expect.objectContaining({ served: 1, overridden: 0 })]);
    const all = summarize({ serviceId: 'svc-a', scope: 'all-callers', includeDisplay: true });
    expect(all.recommendations.map((r) => [r.recommendationId, r.served, r.overridden])).toEqual([['REC-A', 3, 2], ['REC-B', 1, 0]]);
    expect(all.recommendations[0]?.topOverrideReasons).toEqual([{ system: SYSTEM, code: 'x', display: 'Mr Zhang declined', cards: 2 }]);
  });
});
