/**
 * Turns a suggestion template into a CDS Hooks suggestion with complete FHIR R4 resources: `create` of the
 * template's resources (slots {{patientId}}, {{now}}, {{doseText}} filled), `update` of each active order of the
 * given classes to on-hold, or `delete` of the conflicting draft. Returns undefined when nothing applies
 * (no active order to hold, a draft without id).
 * @see https://cds-hooks.hl7.org/2.0/#suggestion
 */
import type { CdsAction, CdsSuggestion } from '../cds-hooks/types';
import type { FhirResource } from 'fhir/r4';
import { stableUuid } from '../shared/ids';
import type { CompiledSuggestionTemplate } from './compiled-types';
import type { DraftOrder } from './draft-orders';
import type { RenderContext } from './render-context';
import { renderTemplate, type Template } from './template';

function fill(value: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value !== null && typeof value === 'object') {
    if ('template' in value && Object.keys(value).length === 1) return renderTemplate((value as { template: Template }).template, (s) => vars[s] ?? '');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  }
  return value;
}

function doseText(t: CompiledSuggestionTemplate, ctx: RenderContext): string {
  const dose = t.spec.dosePerKg;
  if (dose === undefined) return '';
  const weightFact = ctx.compiled.kb.manifest.weightFact;
  const weight = weightFact !== undefined ? ctx.facts[weightFact] : undefined;
  const kg = weight?.known === true && typeof weight.value === 'number' && weight.value > 0 ? weight.value : undefined;
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
      typeof r.id === 'string' &&
      ctx.describe(r).classes.some((c) => classes.includes(c)),
  );
}

/** Builds one suggestion; `draft` is the order a card is about (order hooks). */
export function buildSuggestion(t: CompiledSuggestionTemplate, ctx: RenderContext, cardUuid: string, draft?: DraftOrder): CdsSuggestion | undefined {
  const { language } = ctx;
  let actions: CdsAction[] = [];
  if (t.spec.actions !== undefined) {
    const vars = { patientId: ctx.patientId, now: ctx.now.toISOString(), doseText: doseText(t, ctx) };
    actions = t.spec.actions.map((a, i) => ({ type: 'create', description: a.description[language], resource: fill(t.resources[i], vars) as FhirResource }));
  } else if (t.spec.holdActive !== undefined) {
    const hold = t.spec.holdActive;
    actions = activeOrdersOf(hold.classes, ctx).map((order) => ({
      type: 'update',
      description: hold.description[language],
      resource: { ...order, status: 'on-hold' } as FhirResource,
    }));
  } else if (t.spec.deleteDraft !== undefined && draft?.reference !== undefined) {
    actions = [{ type: 'delete', description: t.spec.deleteDraft.description[language], resourceId: draft.reference }];
  }
  if (actions.length === 0) return undefined;
  return { label: t.spec.label[language], uuid: stableUuid(cardUuid, t.id, draft?.reference ?? ''), actions };
}
