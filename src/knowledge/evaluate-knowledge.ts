/**
 * Evaluates every recommendation covering the hook for one patient: patient-view → each recommendation's
 * conditions; order-select / order-sign → each safety rule against each selected draft whose classes it names.
 * Pure: facts and draft descriptions in, outcomes out.
 */
import type { HookName } from '../cds-hooks/types';
import type { FactSet } from '../domain/facts';
import type { OrderDescription } from '../mapping/types';
import type { CompiledKnowledgeBase } from './compiled-types';
import type { DraftOrder } from './draft-orders';
import { evaluateCondition } from './evaluate-condition';
import { evaluateGate } from './evaluate-gate';
import type { CheckedDraft } from './render-order-card';
import type { Evaluated } from './render-topic-card';
import type { Outcome } from './types';

/** Everything one evaluation decided. */
export interface KnowledgeEvaluation {
  /** One outcome per recommendation covering the hook (order hooks: aggregated over drafts and checks). */
  readonly outcomes: readonly Evaluated[];
  /** order hooks: every (check, draft) pair that was evaluated. */
  readonly checked: readonly CheckedDraft[];
}

function aggregate(recommendationId: string, items: readonly CheckedDraft[]): Outcome {
  const fired = items.find((i) => i.outcome.status === 'fires');
  if (fired !== undefined) return { ...fired.outcome, recommendationId };
  const lacking = items.filter((i) => i.outcome.status === 'notEvaluable');
  if (lacking.length > 0) return { recommendationId, status: 'notEvaluable', missingFacts: [...new Set(lacking.flatMap((i) => i.outcome.missingFacts))] };
  return { recommendationId, status: 'notApplicable', missingFacts: [], because: items.length === 0 ? 'noMatchingDraft' : 'conditionsFalse' };
}

/** Evaluates the knowledge base for one hook call. */
export function evaluateKnowledge(
  compiled: CompiledKnowledgeBase,
  hook: HookName,
  facts: FactSet['facts'],
  drafts: readonly DraftOrder[],
  describe: (resource: unknown) => OrderDescription,
): KnowledgeEvaluation {
  const outcomes: Evaluated[] = [];
  const checked: CheckedDraft[] = [];
  const described = drafts.map((draft) => ({ draft, classes: describe(draft.resource).classes as readonly string[] }));
  // The kb scope is the same for every recommendation of this call: evaluated once.
  const scopeTrace = evaluateCondition(compiled.scope, facts);
  for (const rec of compiled.recommendations) {
    if (!rec.rec.hooks.includes(hook)) continue;
    if (hook === 'patient-view') {
      if (rec.gate === undefined) continue;
      outcomes.push({ compiled: rec, outcome: { recommendationId: rec.rec.id, ...evaluateGate(compiled.scope, rec.gate, facts, scopeTrace) } });
      continue;
    }
    const items: CheckedDraft[] = [];
    for (const check of rec.checks) {
      for (const { draft, classes } of described) {
        if (!check.spec.orderClasses.some((c) => classes.includes(c))) continue;
        const gate = evaluateGate(compiled.scope, check, facts, scopeTrace);
        items.push({
          rec,
          check,
          draft,
          outcome: { recommendationId: rec.rec.id, checkId: check.spec.id, ...(draft.reference !== undefined ? { draftReference: draft.reference } : {}), ...gate },
        });
      }
    }
    checked.push(...items);
    outcomes.push({ compiled: rec, outcome: aggregate(rec.rec.id, items) });
  }
  return { outcomes, checked };
}
