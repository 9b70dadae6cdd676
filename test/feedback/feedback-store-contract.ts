/**
 * The FeedbackStore contract (src/feedback/feedback-store.ts), run against every implementation: the SQLite store
 * (test/feedback/sqlite-feedback-store.test.ts) and the PostgreSQL store on a real server
 * (test/postgres/postgres-feedback-store.test.ts). Each test opens an empty store through `open`.
 */
import type { CardLogEntry, FeedbackCaller, FeedbackStore } from '../../src/feedback/feedback-store';
import { AppError } from '../../src/shared/errors';

const EHR: FeedbackCaller = { iss: 'https://ehr' };
const SYSTEM = 'http://hcc-cds.org/fhir/CodeSystem/override-reason';

const card = (uuid: string, recommendationIds: string[], options: { caller?: FeedbackCaller; serviceId?: string; servedAt?: string; kbVersion?: string } = {}): CardLogEntry => ({
  cardUuid: uuid,
  serviceId: options.serviceId ?? 'svc',
  hookInstance: 'hi-1',
  recommendationIds,
  kbVersion: options.kbVersion ?? '1.0.0',
  servedAt: options.servedAt ?? '2026-01-01T00:00:00.000Z',
  caller: options.caller ?? EHR,
});
const from = (caller: FeedbackCaller = EHR, receivedAt = '2026-01-01T00:00:01.000Z') => ({ receivedAt, caller });
const overridden = (c: string, at = '2026-01-01T00:00:00Z') => ({ card: c, outcome: 'overridden' as const, outcomeTimestamp: at });

/** Defines the contract tests for one implementation. */
export function describeFeedbackStoreContract(name: string, open: () => Promise<FeedbackStore>): void {
  describe(`FeedbackStore contract: ${name}`, () => {
    let store: FeedbackStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('is writable while open', async () => {
      await expect(store.isWritable()).resolves.toBe(true);
    });

    it('is idempotent on duplicates (card + outcome + timestamp + suggestion)', async () => {
      await store.logCards([card('c1', ['R-A'])]);
      const item = { card: 'c1', outcome: 'accepted' as const, outcomeTimestamp: '2026-01-01T00:00:00Z', acceptedSuggestions: [{ id: 's1' }, { id: 's2' }] };
      await expect(store.recordFeedback('svc', [item], from())).resolves.toEqual({ stored: 2, duplicates: 0, unknownCards: 0 });
      await expect(store.recordFeedback('svc', [item, item], from())).resolves.toEqual({ stored: 0, duplicates: 4, unknownCards: 0 });
      const later = { ...item, outcomeTimestamp: '2026-01-01T00:05:00Z', acceptedSuggestions: [{ id: 's1' }] };
      await expect(store.recordFeedback('svc', [later], from())).resolves.toEqual({ stored: 1, duplicates: 0, unknownCards: 0 });
    });

    it('stores feedback only on cards issued to the same issuer and tenant through the same service', async () => {
      const tenantA: FeedbackCaller = { iss: 'https://ehr', tenant: 'a' };
      await store.logCards([card('mine', ['R-A']), card('tenant-a', ['R-A'], { caller: tenantA }), card('other-svc', ['R-A'], { serviceId: 'svc-2' })]);
      await expect(store.recordFeedback('svc', ['mine', 'tenant-a', 'other-svc', 'never-served'].map((c) => overridden(c)), from())).resolves.toEqual({
        stored: 1,
        duplicates: 0,
        unknownCards: 3,
      });
      await expect(store.recordFeedback('svc', [overridden('mine')], from({ iss: 'https://intruder' }))).resolves.toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
      await expect(store.recordFeedback('svc', [overridden('tenant-a')], from({ iss: 'https://ehr', tenant: 'b' }))).resolves.toEqual({ stored: 0, duplicates: 0, unknownCards: 1 });
      await expect(store.recordFeedback('svc', [overridden('tenant-a')], from(tenantA))).resolves.toEqual({ stored: 1, duplicates: 0, unknownCards: 0 });
      expect((await store.recommendationStats()).map((r) => [r.served, r.overridden])).toEqual([[3, 2]]);
    });

    it('joins feedback to the recommendations of logged cards (cards logged just before are seen)', async () => {
      await store.logCards([card('c1', ['R-A', 'R-B']), card('c2', ['R-A']), card('c3', ['R-B'])]);
      await store.logCards([card('c1', ['R-A', 'R-B'])]);
      await store.recordFeedback('svc', [{ card: 'c1', outcome: 'accepted', outcomeTimestamp: '2026-01-01T00:00:00Z', acceptedSuggestions: [{ id: 's' }] }, overridden('c2')], from());
      await expect(store.recommendationStats()).resolves.toEqual([
        { recommendationId: 'R-A', kbVersion: '1.0.0', served: 2, accepted: 1, overridden: 1 },
        { recommendationId: 'R-B', kbVersion: '1.0.0', served: 2, accepted: 1, overridden: 0 },
      ]);
    });

    it('summarises per recommendation: counts, kb versions, coded reasons ranked, no free text, display only when asked', async () => {
      await store.logCards([
        card('c1', ['REC-A'], { servedAt: '2026-01-10T10:00:00.000Z' }),
        card('c2', ['REC-A'], { servedAt: '2026-01-11T10:00:00.000Z' }),
        card('c3', ['REC-A', 'REC-B'], { servedAt: '2026-01-12T10:00:00.000Z' }),
        card('c4', ['REC-A'], { servedAt: '2026-01-13T10:00:00.000Z', kbVersion: '2.0.0' }),
        card('c5', ['REC-A'], { servedAt: '2026-01-13T11:00:00.000Z', serviceId: 'svc-other' }),
        card('c6', ['REC-A'], { servedAt: '2026-01-13T12:00:00.000Z', caller: { iss: 'https://other-ehr' } }),
      ]);
      await store.recordFeedback('svc', [{ card: 'c1', outcome: 'accepted', outcomeTimestamp: '2026-01-10T10:05:00Z', acceptedSuggestions: [{ id: 's1' }] }], from());
      await store.recordFeedback(
        'svc',
        [
          { ...overridden('c2'), overrideReason: { reason: { system: SYSTEM, code: 'patient-declined', display: 'Patient declined' } } },
          { ...overridden('c3'), overrideReason: { reason: { system: SYSTEM, code: 'patient-declined' }, userComment: 'free text that may hold PHI' } },
          { ...overridden('c4'), overrideReason: { userComment: 'other' } },
        ],
        from(),
      );
      await store.recordFeedback('svc', [{ ...overridden('c6'), overrideReason: { reason: { system: SYSTEM, code: 'x' } } }], from({ iss: 'https://other-ehr' }));
      const summary = await store.feedbackSummary({ serviceId: 'svc', scope: EHR });
      expect(summary).toEqual({
        serviceId: 'svc',
        window: 'card-served-at',
        recommendations: [
          {
            recommendationId: 'REC-A',
            kbVersions: ['1.0.0', '2.0.0'],
            served: 4,
            accepted: 1,
            overridden: 3,
            withoutFeedback: 0,
            overriddenWithoutCodedReason: 1,
            overriddenWithComment: 2,
            topOverrideReasons: [{ system: SYSTEM, code: 'patient-declined', cards: 2 }],
          },
          {
            recommendationId: 'REC-B',
            kbVersions: ['1.0.0'],
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
      const reader = await store.feedbackSummary({ serviceId: 'svc', scope: 'all-callers', includeDisplay: true, topReasons: 1 });
      expect(reader.recommendations[0]).toMatchObject({ recommendationId: 'REC-A', served: 5, overridden: 4, topOverrideReasons: [{ system: SYSTEM, code: 'patient-declined', display: 'Patient declined', cards: 2 }] });
    });

    it('limits the summary window to cards served in [since, until)', async () => {
      await store.logCards([
        card('c1', ['REC-A'], { servedAt: '2026-01-10T10:00:00.000Z' }),
        card('c2', ['REC-A'], { servedAt: '2026-01-11T10:00:00.000Z' }),
        card('c3', ['REC-A'], { servedAt: '2026-01-12T10:00:00.000Z' }),
      ]);
      const windowed = await store.feedbackSummary({ serviceId: 'svc', scope: EHR, since: new Date('2026-01-11T00:00:00Z'), until: new Date('2026-01-12T10:00:00Z') });
      expect(windowed.since).toBe('2026-01-11T00:00:00.000Z');
      expect(windowed.until).toBe('2026-01-12T10:00:00.000Z');
      expect(windowed.recommendations).toEqual([expect.objectContaining({ recommendationId: 'REC-A', served: 1, accepted: 0, overridden: 0, withoutFeedback: 1 })]);
      expect((await store.feedbackSummary({ serviceId: 'svc', scope: EHR, since: new Date('2027-01-01T00:00:00Z') })).recommendations).toEqual([]);
    });

    it('rejects with STORAGE_FAILED (never a silent success) once closed, and reports not writable', async () => {
      await store.close();
      await expect(store.isWritable()).resolves.toBe(false);
      await expect(store.recordFeedback('svc', [overridden('c')], from())).rejects.toBeInstanceOf(AppError);
      await expect(store.logCards([card('c9', ['R'])])).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
    });
  });
}
