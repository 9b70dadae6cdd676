/** An Engine whose answers are counted in the metrics: cards per recommendation and indicator, and not-evaluable recommendations. */
import type { Engine } from '../pipeline/engine';
import type { ServiceMetrics } from './metrics';

/** Wraps `engine`; the answers are returned unchanged. */
export function countingEngine(engine: Engine, metrics: ServiceMetrics): Engine {
  return {
    kbVersion: engine.kbVersion,
    prefetchFor: (hook) => engine.prefetchFor(hook),
    evaluate(input) {
      const result = engine.evaluate(input);
      const recommendationsOf = new Map(result.cardLog.map((entry) => [entry.cardUuid, entry.recommendationIds] as const));
      for (const card of result.cards) {
        const ids = card.uuid === undefined ? undefined : recommendationsOf.get(card.uuid);
        metrics.card(input.serviceId, ids ?? [], card.indicator);
      }
      for (const missing of result.extension.notEvaluable) metrics.notEvaluable(input.serviceId, missing.id);
      return result;
    },
  };
}
