/** A ReplayStore whose refusals are counted in the metrics by reason (no issuer, no jti in any label). */
import type { ReplayStore } from '../auth/replay-store';
import type { ServiceMetrics } from './metrics';

/** Wraps `store`, counting 'replayed' and 'full' verdicts. */
export function countingReplayStore(store: ReplayStore, metrics: ServiceMetrics): ReplayStore {
  return {
    async consume(issuer, jti, expiresAtEpochSeconds) {
      const verdict = await store.consume(issuer, jti, expiresAtEpochSeconds);
      if (verdict !== 'fresh') metrics.replayRefusal(verdict);
      return verdict;
    },
  };
}
