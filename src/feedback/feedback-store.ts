/**
 * The feedback port: the card log (which recommendations each served card carried) and clinicians' feedback on
 * those cards, joined for per-recommendation statistics. Implementations commit feedback before returning; card-log
 * entries may be batched, but are written before any later feedback write, statistics or summary read, and on close.
 */
import type { FeedbackSummary, SummaryQuery } from './summary';

/** One served card, logged without PHI so feedback can be joined to recommendations. */
export interface CardLogEntry {
  readonly cardUuid: string;
  readonly serviceId: string;
  readonly hookInstance: string;
  readonly recommendationIds: readonly string[];
  readonly kbVersion: string;
  readonly servedAt: string;
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

/** What a feedback batch did: rows newly stored, rows already present (idempotent duplicates). */
export interface FeedbackReceipt {
  readonly stored: number;
  readonly duplicates: number;
}

/** Accepted/overridden counts per recommendation id, for the clinical panel. */
export interface RecommendationStats {
  readonly recommendationId: string;
  readonly kbVersion: string;
  readonly served: number;
  readonly accepted: number;
  readonly overridden: number;
}

/** The store; every method throws AppError STORAGE_FAILED when the write cannot be committed. */
export interface FeedbackStore {
  /** Logs served cards (possibly batched: see the module note); throws STORAGE_FAILED when the store is closed or a write fails. */
  logCards(entries: readonly CardLogEntry[]): void;
  recordFeedback(serviceId: string, items: readonly FeedbackItem[], context: { readonly receivedAt: string; readonly iss?: string }): FeedbackReceipt;
  /** True when a write transaction can be opened now (readiness probe). */
  isWritable(): boolean;
  recommendationStats(): readonly RecommendationStats[];
  /** Per-recommendation feedback summary of one service over a window of card serving times. */
  feedbackSummary(query: SummaryQuery): FeedbackSummary;
  close(): void;
}
