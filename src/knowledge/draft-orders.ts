/**
 * The draft orders a hook call asks about: order-select → the `selections` resolved in `context.draftOrders`
 * (all drafts when no selection resolves); order-sign → every draft. Lenient about shapes (DSTU2 MedicationOrder,
 * entries without resources): anything unrecognisable is skipped, never thrown on.
 * @see https://cds-hooks.org/hooks/order-select/ and https://cds-hooks.org/hooks/order-sign/
 */
import type { HookContext, HookName } from '../cds-hooks/types';

/** A draft resource with its relative reference when it has one. */
export interface DraftOrder {
  readonly resource: Readonly<Record<string, unknown>>;
  readonly reference?: string;
  readonly index: number;
}

function draftsOf(context: HookContext): DraftOrder[] {
  const bundle = context.draftOrders as { entry?: unknown } | undefined;
  const entries = bundle !== null && typeof bundle === 'object' && Array.isArray(bundle.entry) ? bundle.entry : [];
  const drafts: DraftOrder[] = [];
  entries.forEach((entry: unknown, index: number) => {
    const resource = entry !== null && typeof entry === 'object' ? (entry as { resource?: unknown }).resource : undefined;
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return;
    const r = resource as Record<string, unknown>;
    const reference = typeof r.resourceType === 'string' && typeof r.id === 'string' && r.id !== '' ? `${r.resourceType}/${r.id}` : undefined;
    drafts.push({ resource: r, index, ...(reference !== undefined ? { reference } : {}) });
  });
  return drafts;
}

/** The drafts to evaluate for this hook. */
export function selectedDrafts(hook: HookName, context: HookContext): DraftOrder[] {
  if (hook === 'patient-view') return [];
  const drafts = draftsOf(context);
  if (hook === 'order-sign') return drafts;
  const selections = Array.isArray(context.selections) ? context.selections.filter((s): s is string => typeof s === 'string') : [];
  const chosen = drafts.filter((d) => d.reference !== undefined && selections.includes(d.reference));
  return chosen.length > 0 ? chosen : drafts;
}
