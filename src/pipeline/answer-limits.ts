/**
 * Bounds on one hook answer (issue 11 "bounded answers"): the pipeline trims the draft orders it hands the engine
 * and the data issues, cards and bytes it sends back, and says what it left out, so no request can make an answer
 * (or the synchronous work behind it) unbounded. Nothing here drops silently: every cut is reported as a data
 * issue and counted in the response extension's `limits` member.
 */
import type { CdsCard, HookContext, HookName } from '../cds-hooks/types';
import type { DataIssue } from '../domain/facts';

/** The limits of one answer. */
export interface AnswerLimits {
  /** Data issues listed in the response; the rest are counted in one closing issue. */
  readonly maxDataIssues: number;
  /** Draft orders evaluated per call (order-select: the selected ones first); the rest are reported. */
  readonly maxDraftOrders: number;
  /** Cards per response; when more fire, critical ones are kept before warnings before info. */
  readonly maxCards: number;
  /** Bytes of the serialised response (cards plus extension). */
  readonly maxResponseBytes: number;
}

/** Defaults (README § Security). */
export const ANSWER_LIMIT_DEFAULTS: AnswerLimits = {
  maxDataIssues: 50,
  maxDraftOrders: 20,
  maxCards: 30,
  maxResponseBytes: 2_000_000,
};

/** What was left out, for the response extension (members present only when something was cut). */
export interface LimitsReport {
  dataIssuesNotListed?: number;
  draftOrdersNotEvaluated?: number;
  cardsNotSent?: number;
}

/** A context whose draftOrders hold at most `max` entries (selected first) and whose selections point into them. */
export function boundDraftOrders(hook: HookName, context: HookContext, max: number): { context: HookContext; notEvaluated: number } {
  const bundle = context.draftOrders as { entry?: unknown } | undefined;
  const entries = bundle !== null && typeof bundle === 'object' && Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  if (hook === 'patient-view' || entries.length <= max) return { context, notEvaluated: 0 };
  const selected = new Set(Array.isArray(context.selections) ? context.selections : []);
  const isSelected = (entry: unknown): boolean => {
    const r = entry !== null && typeof entry === 'object' ? (entry as { resource?: { resourceType?: unknown; id?: unknown } }).resource : undefined;
    return r !== undefined && r !== null && selected.has(`${String(r.resourceType)}/${String(r.id)}`);
  };
  const first = hook === 'order-select' ? entries.filter(isSelected) : [];
  const firstSet = new Set(first);
  const kept = [...first, ...entries.filter((e) => !firstSet.has(e))].slice(0, max);
  const keptRefs = new Set<string>();
  for (const entry of kept) {
    const r = (entry as { resource?: { resourceType?: unknown; id?: unknown } } | null)?.resource;
    if (r !== undefined && r !== null) keptRefs.add(`${String(r.resourceType)}/${String(r.id)}`);
  }
  const draftOrders = { ...(bundle as object), resourceType: 'Bundle' as const, entry: kept };
  const bounded: HookContext = Array.isArray(context.selections)
    ? { ...context, draftOrders, selections: context.selections.filter((s) => keptRefs.has(s)) }
    : { ...context, draftOrders };
  return {
    context: bounded,
    notEvaluated: entries.length - kept.length,
  };
}

/** The first `max` issues, plus one issue counting the rest. */
export function boundDataIssues(issues: readonly DataIssue[], max: number): { issues: readonly DataIssue[]; notListed: number } {
  if (issues.length <= max) return { issues, notListed: 0 };
  const notListed = issues.length - max;
  return {
    issues: [...issues.slice(0, max), { code: 'limit-data-issues', message: `${notListed} more data issues were not listed (limit ${max} per response).` }],
    notListed,
  };
}

const RANK: Readonly<Record<CdsCard['indicator'], number>> = { critical: 0, warning: 1, info: 2 };

/**
 * The cards to send: at most `maxCards`, and together with `reservedBytes` (the rest of the response) at most
 * `maxBytes` serialised. When cards must be left out, critical ones are kept before warnings before info (stable);
 * the kept cards stay in the engine's order.
 */
export function boundCards(cards: readonly CdsCard[], limits: AnswerLimits, reservedBytes: number): { cards: readonly CdsCard[]; notSent: number } {
  const sizes = cards.map((c) => Buffer.byteLength(JSON.stringify(c)) + 1);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (cards.length <= limits.maxCards && total + reservedBytes <= limits.maxResponseBytes) return { cards, notSent: 0 };
  const rank = (i: number): number => RANK[cards[i]?.indicator ?? 'info'];
  const order = cards.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
  const keep = new Set<number>();
  let used = reservedBytes;
  for (const i of order) {
    if (keep.size >= limits.maxCards) break;
    const size = sizes[i] ?? 0;
    if (used + size > limits.maxResponseBytes) continue;
    keep.add(i);
    used += size;
  }
  return { cards: cards.filter((_, i) => keep.has(i)), notSent: cards.length - keep.size };
}
