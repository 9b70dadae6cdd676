/**
 * The feedback port: the card log (which recommendations each served card carried, and to which caller) and
 * clinicians' feedback on those cards, joined for per-recommendation statistics. Every method returns a Promise so
 * a networked database fits (a PostgreSQL store next to SQLite). Implementations commit feedback before resolving;
 * card-log entries may be batched, but are written before any later feedback write, statistics or summary read,
 * and on close. Feedback is scoped to its caller: it counts only for a card this service issued to the same
 * issuer and tenant (issue 11).
 */
import type { FeedbackSummary, SummaryQuery } from './summary';

/** The authenticated CDS client a card was served to, or feedback comes from (JWT `iss` and `tenant`). */
export interface FeedbackCaller {
  readonly iss: string;
  readonly tenant?: string;
}

/** One served card, logged without PHI so feedback can be joined to recommendations and checked against its caller. */
export interface CardLogEntry {
  readonly cardUuid: string;
  readonly serviceId: string;
  readonly hookInstance: string;
  readonly recommendationIds: readonly string[];
  readonly kbVersion: string;
  readonly servedAt: string;
  /** The caller the card was served to; feedback on it is accepted from that caller only. */
  readonly caller: FeedbackCaller;
}

/** One feedback item after validation (CDS Hooks 2.0 § Feedback; reason display optional as the sandbox sends it). */
export interface FeedbackItem {
  readonly card: string;
  readonly outcome: 'accepted' | 'overridden';
  readonly outcomeTimestamp: string;
  readonly acceptedSuggestions?: readonly { readonly id: string }[];
  readonly overrideReason?: {
    readonly reason?: { readonly code: string; readonly system: string; readonly display?: string };
    readonly userComment?: string;
  };
}

/**
 * What a feedback batch did: rows newly stored, rows already present (idempotent duplicates), and items about a
 * card this service did not issue to this caller through this service (not stored, not counted).
 */
export interface FeedbackReceipt {
  readonly stored: number;
  readonly duplicates: number;
  readonly unknownCards: number;
}

/** Accepted/overridden counts per recommendation id, for the clinical panel. */
export interface RecommendationStats {
  readonly recommendationId: string;
  readonly kbVersion: string;
  readonly served: number;
  readonly accepted: number;
  readonly overridden: number;
}

/** The store; every method rejects with AppError STORAGE_FAILED when the write or read cannot be done. */
export interface FeedbackStore {
  /** Logs served cards (possibly batched: see the module note); rejects with STORAGE_FAILED when the store is closed or a write fails. */
  logCards(entries: readonly CardLogEntry[]): Promise<void>;
  /** Stores feedback on cards issued to `caller` by `serviceId`; items on any other card are only counted as unknown. */
  recordFeedback(
    serviceId: string,
    items: readonly FeedbackItem[],
    context: { readonly receivedAt: string; readonly caller: FeedbackCaller },
  ): Promise<FeedbackReceipt>;
  /** True when a write transaction can be opened now (readiness probe). */
  isWritable(): Promise<boolean>;
  /** Counts over every caller (operator analytics, not served over HTTP). */
  recommendationStats(): Promise<readonly RecommendationStats[]>;
  /** Per-recommendation feedback summary of one service over a window of card serving times, for the query's scope. */
  feedbackSummary(query: SummaryQuery): Promise<FeedbackSummary>;
  close(): Promise<void>;
}
