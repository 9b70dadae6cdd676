/**
 * Turns a suggestion template into a CDS Hooks suggestion with complete FHIR R4 resources: `create` of the
 * template's resources (slots {{patientId}}, {{now}}, {{doseText}} filled), `update` of each active order of the
 * given classes to on-hold, or `delete` of the conflicting draft. Every resource is pruned of empty values
 * (record data is copied, and may hold `""`); an order or draft is only pointed at through a valid FHIR id.
 * Returns undefined when nothing applies (no active order to hold, a draft without a valid id).
 * @see https://cds-hooks.hl7.org/2.0/#suggestion
 * @see https://cds-hooks.hl7.org/2.0/#use-of-json
 */
import type { CdsAction, CdsSuggestion } from '../cds-hooks/types';
import type { FhirResource } from 'fhir/r4';
import { stableUuid } from '../shared/ids';
import { sourceMarker } from './card-values';
import { isFhirId, relativeReference } from './fhir-id';
import { pruneEmpty } from './prune-empty';
import type { CompiledSuggestionTemplate } from './compiled-types';
import type { DraftOrder } from './draft-orders';
import type { RenderContext } from './render-context';
import { renderTemplate } from './template';

/** The patient's current body weight in kg (kb.yaml weightFact), when known and positive. */
export function knownWeightKg(ctx: RenderContext): number | undefined {
  const weightFact = ctx.compiled.kb.manifest.weightFact;
  const weight = weightFact !== undefined ? ctx.facts[weightFact] : undefined;
  return weight?.known === true && typeof weight.value === 'number' && Number.isFinite(weight.value) && weight.value > 0 ? weight.value : undefined;
}

function doseText(t: CompiledSuggestionTemplate, ctx: RenderContext): string {
  const dose = t.spec.dosePerKg;
  if (dose === undefined) return '';
  const kg = knownWeightKg(ctx);
  if (kg !== undefined && t.withWeight !== undefined) {
    const round = (mg: number): string => String(Math.round(mg));
    return renderTemplate(t.withWeight[ctx.language], (s) =>
      s === 'weight' ? String(Number(kg.toFixed(1))) : s === 'lowMg' ? round(dose.low * kg) : round(dose.high * kg),
    );
  }
  return dose.text[ctx.language];
}

function activeOrdersOf(classes: readonly string[], ctx: RenderContext): FhirResource[] {
  return ctx.resources.filter(
    (r) =>
      r.resourceType === 'MedicationRequest' &&
      r.status === 'active' &&
      isFhirId(r.id) &&
      ctx.describe(r).classes.some((c) => classes.includes(c)),
  );
}

/** FHIR R4 MedicationRequest: status, intent, subject and medication[x] are 1..1; an update must keep them. */
function isCompleteMedicationRequest(resource: Readonly<Record<string, unknown>>): boolean {
  return (
    typeof resource['status'] === 'string' &&
    typeof resource['intent'] === 'string' &&
    resource['subject'] !== undefined &&
    (resource['medicationCodeableConcept'] !== undefined || resource['medicationReference'] !== undefined)
  );
}

/** The on-hold copy of an active order, pruned; undefined when the record's copy is not a complete resource. */
function onHold(order: FhirResource): FhirResource | undefined {
  const pruned = pruneEmpty({ ...order, status: 'on-hold' }) as Record<string, unknown> | undefined;
  return pruned !== undefined && isCompleteMedicationRequest(pruned) ? (pruned as unknown as FhirResource) : undefined;
}

/** Builds one suggestion; `draft` is the order a card is about (order hooks). */
export function buildSuggestion(t: CompiledSuggestionTemplate, ctx: RenderContext, cardUuid: string, draft?: DraftOrder): CdsSuggestion | undefined {
  const { language } = ctx;
  let actions: CdsAction[] = [];
  if (t.spec.actions !== undefined) {
    const vars = { patientId: ctx.patientId, now: ctx.now.toISOString(), doseText: doseText(t, ctx) };
    t.spec.actions.forEach((a, i) => {
      const resource = t.resources[i]?.(vars) as FhirResource | undefined;
      if (resource !== undefined) actions.push({ type: 'create', description: a.description[language], resource });
    });
  } else if (t.spec.holdActive !== undefined) {
    const hold = t.spec.holdActive;
    for (const order of activeOrdersOf(hold.classes, ctx)) {
      const resource = onHold(order);
      if (resource !== undefined) actions.push({ type: 'update', description: hold.description[language], resource });
    }
  } else if (t.spec.deleteDraft !== undefined && draft !== undefined) {
    const resourceId = relativeReference(draft.resource);
    if (resourceId !== undefined) actions = [{ type: 'delete', description: t.spec.deleteDraft.description[language], resourceId }];
  }
  if (actions.length === 0) return undefined;
  const source = t.spec.dosePerKg?.source;
  const label = source !== undefined ? `${t.spec.label[language]}${sourceMarker(source, ctx)}` : t.spec.label[language];
  return { label, uuid: stableUuid(cardUuid, t.id, draft?.reference ?? ''), actions };
}
