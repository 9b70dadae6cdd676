/**
 * A test-only Engine that really computes its answer from the input: it counts the patient's resources by type
 * and, on order hooks, offers to remove each selected draft order. No clinical content; never used in src/.
 */
import type { CdsCard, HookName } from '../../src/cds-hooks/types';
import type { Engine, EngineResult, HookInput } from '../../src/pipeline/engine';
import { stableUuid } from '../../src/shared/ids';

/** The prefetch templates the counting engine asks for. */
export const COUNTING_PREFETCH: Readonly<Record<string, string>> = {
  patient: 'Patient/{{context.patientId}}',
  conditions: 'Condition?patient={{context.patientId}}',
  observations: 'Observation?patient={{context.patientId}}&_sort=-date&_count=50',
};

/** The recommendation id the counting engine reports in its card log. */
export const COUNTING_RECOMMENDATION = 'TEST-COUNT';

/** Creates the counting engine; `onEvaluate` observes each input (e.g. to assert the language). */
export function createCountingEngine(options: { readonly onEvaluate?: (input: HookInput) => void; readonly kbVersion?: string } = {}): Engine {
  const kbVersion = options.kbVersion ?? 'test-0.0.1';
  return {
    kbVersion,
    prefetchFor(_hook: HookName) {
      return COUNTING_PREFETCH;
    },
    evaluate(input: HookInput): EngineResult {
      options.onEvaluate?.(input);
      const counts = new Map<string, number>();
      for (const resource of input.resources) counts.set(resource.resourceType, (counts.get(resource.resourceType) ?? 0) + 1);
      const cards: CdsCard[] = [];
      const cardLog: { cardUuid: string; recommendationIds: string[] }[] = [];
      if (counts.size > 0) {
        const parts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} ${n}`);
        const uuid = stableUuid(input.hookInstance, 'count');
        const summary = input.language === 'en' ? `${input.resources.length} resources: ${parts.join(', ')}` : `共 ${input.resources.length} 个资源：${parts.join('，')}`;
        const selections = input.context.selections ?? [];
        const card: CdsCard = {
          uuid,
          summary,
          indicator: 'info',
          source: { label: 'hcc-cds test engine' },
          ...(selections.length > 0
            ? {
                selectionBehavior: 'at-most-one' as const,
                suggestions: selections.map((ref) => ({
                  label: `Remove ${ref}`,
                  uuid: stableUuid(input.hookInstance, 'remove', ref),
                  actions: [{ type: 'delete' as const, description: `Remove ${ref}`, resourceId: ref }],
                })),
              }
            : {}),
        };
        cards.push(card);
        cardLog.push({ cardUuid: uuid, recommendationIds: [COUNTING_RECOMMENDATION] });
      }
      const notEvaluable = counts.has('Observation') ? [] : [{ id: 'TEST-NEEDS-OBSERVATION', missingFacts: ['observation'] }];
      return { cards, extension: { kbVersion, notEvaluable, dataIssues: input.dataIssues }, cardLog };
    },
  };
}
