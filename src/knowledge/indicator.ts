/** Indicator ordering and a recommendation's effective indicator (its `indicatorRules`, first match wins). */
import type { FactSet } from '../domain/facts';
import type { CompiledRecommendation } from './compiled-types';
import { decideCondition } from './evaluate-condition';
import type { Indicator } from './types';

const RANK: Readonly<Record<Indicator, number>> = { info: 0, warning: 1, critical: 2 };

/** The most urgent of the indicators (info when none). */
export function mostUrgent(indicators: readonly Indicator[]): Indicator {
  return indicators.reduce<Indicator>((a, b) => (RANK[b] > RANK[a] ? b : a), 'info');
}

/** Sort key: critical first (as EHRs display them). */
export function indicatorRank(indicator: Indicator): number {
  return -RANK[indicator];
}

/** The indicator of a fired recommendation's card for this patient. */
export function effectiveIndicator(rec: CompiledRecommendation, facts: FactSet['facts']): Indicator {
  const card = rec.card;
  if (card === undefined) return 'info';
  for (const rule of card.indicatorRules) if (decideCondition(rule.when, facts) === true) return rule.indicator;
  return rec.rec.card?.indicator ?? 'info';
}
