import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteFeedbackStore, type SqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import { prepareFeedbackSummary } from '../../src/feedback/summary';

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

  afterEach(() => {
    reader.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function serve(card: string, recs: string[], servedAt: string, serviceId = 'svc-a', kbVersion = 'kb-1'): void {
    store.logCards([{ cardUuid: card, serviceId, hookInstance: `hi-${card}`, recommendationIds: recs, kbVersion, servedAt }]);
    // The card log is batched; the second connection below reads only committed rows.
    store.flushCardLog();
  }

  it('counts served, accepted, overridden and ranks coded override reasons per recommendation', () => {
    serve('c1', ['REC-A'], '2026-01-10T10:00:00.000Z');
    serve('c2', ['REC-A'], '2026-01-11T10:00:00.000Z');
    serve('c3', ['REC-A', 'REC-B'], '2026-01-12T10:00:00.000Z');
    serve('c4', ['REC-A'], '2026-01-13T10:00:00.000Z', 'svc-a', 'kb-2');
    serve('c5', ['REC-A'], '2026-01-13T11:00:00.000Z', 'svc-other');
    store.recordFeedback('svc-a', [{ card: 'c1', outcome: 'accepted', outcomeTimestamp: '2026-01-10T10:05:00Z', acceptedSuggestions: [{ id: 's1' }] }], { receivedAt: '2026-01-10T10:05:01Z' });
    store.recordFeedback(
      'svc-a',
      [
        { card: 'c2', outcome: 'overridden', outcomeTimestamp: '2026-01-11T10:05:00Z', overrideReason: { reason: { system: SYSTEM, code: 'patient-declined', display: 'Patient declined' } } },
        { card: 'c3', outcome: 'overridden', outcomeTimestamp: '2026-01-12T10:05:00Z', overrideReason: { reason: { system: SYSTEM, code: 'patient-declined' }, userComment: 'free text that may hold PHI' } },
        { card: 'c4', outcome: 'overridden', outcomeTimestamp: '2026-01-13T10:05:00Z', overrideReason: { userComment: 'other' } },
      ],
      { receivedAt: '2026-01-13T10:06:00Z' },
    );
    store.recordFeedback('svc-other', [{ card: 'c5', outcome: 'overridden', outcomeTimestamp: '2026-01-13T11:05:00Z', overrideReason: { reason: { system: SYSTEM, code: 'x' } } }], { receivedAt: '2026-01-13T11:06:00Z' });

    const summary = prepareFeedbackSummary(reader)({ serviceId: 'svc-a' });
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

  it('limits the window to cards served in [since, until)', () => {
    serve('c1', ['REC-A'], '2026-01-10T10:00:00.000Z');
    serve('c2', ['REC-A'], '2026-01-11T10:00:00.000Z');
    serve('c3', ['REC-A'], '2026-01-12T10:00:00.000Z');
    const summarize = prepareFeedbackSummary(reader);
    const windowed = summarize({ serviceId: 'svc-a', since: new Date('2026-01-11T00:00:00Z'), until: new Date('2026-01-12T10:00:00Z') });
    expect(windowed.since).toBe('2026-01-11T00:00:00.000Z');
    expect(windowed.until).toBe('2026-01-12T10:00:00.000Z');
    expect(windowed.recommendations).toEqual([
      expect.objectContaining({ recommendationId: 'REC-A', served: 1, accepted: 0, overridden: 0, withoutFeedback: 1 }),
    ]);
    expect(windowed.recommendations[0]).not.toHaveProperty('topOverrideReasons');
    expect(summarize({ serviceId: 'svc-a', since: new Date('2027-01-01T00:00:00Z') }).recommendations).toEqual([]);
  });

  it('caps the number of override reasons listed', () => {
    serve('c1', ['REC-A'], '2026-01-10T10:00:00.000Z');
    serve('c2', ['REC-A'], '2026-01-10T11:00:00.000Z');
    serve('c3', ['REC-A'], '2026-01-10T12:00:00.000Z');
    store.recordFeedback(
      'svc-a',
      ['a', 'b', 'b'].map((code, i) => ({ card: `c${i + 1}`, outcome: 'overridden' as const, outcomeTimestamp: `2026-01-10T1${i}:30:00Z`, overrideReason: { reason: { system: SYSTEM, code } } })),
      { receivedAt: '2026-01-10T13:00:00Z' },
    );
    const summary = prepareFeedbackSummary(reader)({ serviceId: 'svc-a', topReasons: 1 });
    expect(summary.recommendations[0]?.topOverrideReasons).toEqual([{ system: SYSTEM, code: 'b', cards: 2 }]);
  });
});
