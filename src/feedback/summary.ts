/**
 * Feedback analytics for the clinical panel (issue 6): per recommendation, over the cards a service served in a
 * time window, how many were served, accepted and overridden, and the most frequent coded override reasons.
 * A query over the SQLite card log and feedback tables of sqlite-feedback-store.ts; statements are prepared
 * once. Free-text user comments are never returned (they may hold PHI), only counted; a reason's display text is
 * returned only to a configured reader. A summary covers one caller's cards (issuer and tenant) unless the query's
 * scope is every caller (a configured reader, issue 11).
 */
import type { Database } from 'better-sqlite3';
import type { FeedbackCaller } from './feedback-store';

/** The window and service of a summary; `since` inclusive, `until` exclusive, both on the card's served time. */
export interface SummaryQuery {
  readonly serviceId: string;
  readonly since?: Date;
  readonly until?: Date;
  /** How many override reasons to list per recommendation (default 5). */
  readonly topReasons?: number;
  /** Whose cards are counted: one caller's (its issuer and tenant), or every caller's (a configured reader). */
  readonly scope: FeedbackCaller | 'all-callers';
  /** Also return each override reason's display text (free text; default false: codes only). */
  readonly includeDisplay?: boolean;
}

/** A coded override reason and on how many cards it was given. */
export interface OverrideReasonCount {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
  readonly cards: number;
}

/** The figures of one recommendation. */
export interface RecommendationSummary {
  readonly recommendationId: string;
  /** Knowledge-base versions the counted cards were served under. */
  readonly kbVersions: readonly string[];
  readonly served: number;
  readonly accepted: number;
  readonly overridden: number;
  /** Served cards no feedback has arrived for (ignored cards send none: CDS Hooks 2.0 § Feedback). */
  readonly withoutFeedback: number;
  /** Overridden cards whose feedback carried no coded reason. */
  readonly overriddenWithoutCodedReason: number;
  /** Overridden cards whose feedback carried a free-text comment (the text itself is not disclosed). */
  readonly overriddenWithComment: number;
  readonly topOverrideReasons?: readonly OverrideReasonCount[];
}

/** The body of GET /cds-services/{id}/feedback/summary. */
export interface FeedbackSummary {
  readonly serviceId: string;
  readonly since?: string;
  readonly until?: string;
  /** What the window applies to. */
  readonly window: 'card-served-at';
  readonly recommendations: readonly RecommendationSummary[];
}

/** One recommendation's counts as both stores' summary queries return them. */
export interface CountRow {
  recommendationId: string;
  kbVersions: string | null;
  served: number;
  accepted: number;
  overridden: number;
  withFeedback: number;
  overriddenWithComment: number;
}

/** One (recommendation, override reason) group as both stores' summary queries return them. */
export interface ReasonRow {
  recommendationId: string;
  system: string | null;
  code: string | null;
  display: string | null;
  cards: number;
}

const WINDOW = `c.service_id = @serviceId AND c.served_at >= @since AND c.served_at < @until
   AND (@allCallers = 1 OR (c.issuer = @iss AND c.tenant = @tenant))`;

const COUNTS = `
SELECT r.recommendation_id AS recommendationId,
       GROUP_CONCAT(DISTINCT c.kb_version) AS kbVersions,
       COUNT(DISTINCT c.card_uuid) AS served,
       COUNT(DISTINCT CASE WHEN f.outcome = 'accepted' THEN c.card_uuid END) AS accepted,
       COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' THEN c.card_uuid END) AS overridden,
       COUNT(DISTINCT f.card_uuid) AS withFeedback,
       COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' AND f.user_comment IS NOT NULL THEN c.card_uuid END) AS overriddenWithComment
  FROM card_recommendation r
  JOIN card_log c ON c.card_uuid = r.card_uuid
  LEFT JOIN feedback f ON f.card_uuid = c.card_uuid AND f.service_id = c.service_id
 WHERE ${WINDOW}
 GROUP BY r.recommendation_id
 ORDER BY r.recommendation_id`;

const REASONS = `
SELECT r.recommendation_id AS recommendationId, f.override_system AS system, f.override_code AS code,
       MAX(f.override_display) AS display, COUNT(DISTINCT c.card_uuid) AS cards
  FROM card_recommendation r
  JOIN card_log c ON c.card_uuid = r.card_uuid
  JOIN feedback f ON f.card_uuid = c.card_uuid AND f.service_id = c.service_id
 WHERE ${WINDOW} AND f.outcome = 'overridden'
 GROUP BY r.recommendation_id, f.override_system, f.override_code
 ORDER BY r.recommendation_id, cards DESC, f.override_code`;

// ISO 8601 strings in UTC compare correctly as text; these bound every stored served_at.
const MIN_TIME = '0000';
const MAX_TIME = '9999';

/** Prepares the summary query on an open database holding the feedback store's tables. */
export function prepareFeedbackSummary(db: Database): (query: SummaryQuery) => FeedbackSummary {
  const counts = db.prepare<Record<string, string | number>, CountRow>(COUNTS);
  const reasons = db.prepare<Record<string, string | number>, ReasonRow>(REASONS);
  return (query) => {
    const all = query.scope === 'all-callers';
    const params = {
      serviceId: query.serviceId,
      since: query.since?.toISOString() ?? MIN_TIME,
      until: query.until?.toISOString() ?? MAX_TIME,
      allCallers: all ? 1 : 0,
      iss: all ? '' : (query.scope as FeedbackCaller).iss,
      tenant: all ? '' : ((query.scope as FeedbackCaller).tenant ?? ''),
    };
    return assembleFeedbackSummary(query, counts.all(params), reasons.all(params));
  };
}

/** Builds the summary from the rows of the count and reason queries (shared by the SQLite and PostgreSQL stores). */
export function assembleFeedbackSummary(query: SummaryQuery, countRows: readonly CountRow[], reasonRows: readonly ReasonRow[]): FeedbackSummary {
  const top = query.topReasons ?? 5;
  const recommendations = countRows.map((row): RecommendationSummary => {
    const mine = reasonRows.filter((r) => r.recommendationId === row.recommendationId);
    const coded = mine.filter((r): r is ReasonRow & { system: string; code: string } => r.code !== null && r.system !== null);
    // Cards overridden without a coded reason form the group whose code is NULL.
    const uncoded = mine.find((r) => r.code === null)?.cards ?? 0;
    const topOverrideReasons = coded.slice(0, top).map((r): OverrideReasonCount => ({
      system: r.system,
      code: r.code,
      ...(query.includeDisplay === true && r.display !== null ? { display: r.display } : {}),
      cards: r.cards,
    }));
    return {
      recommendationId: row.recommendationId,
      kbVersions: (row.kbVersions ?? '').split(',').filter((v) => v !== '').sort(),
      served: row.served,
      accepted: row.accepted,
      overridden: row.overridden,
      withoutFeedback: row.served - row.withFeedback,
      overriddenWithoutCodedReason: uncoded,
      overriddenWithComment: row.overriddenWithComment,
      ...(topOverrideReasons.length > 0 ? { topOverrideReasons } : {}),
    };
  });
  return {
    serviceId: query.serviceId,
    ...(query.since !== undefined ? { since: query.since.toISOString() } : {}),
    ...(query.until !== undefined ? { until: query.until.toISOString() } : {}),
    window: 'card-served-at',
    recommendations,
  };
}
