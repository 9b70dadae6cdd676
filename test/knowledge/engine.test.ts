import type { FhirResource } from 'fhir/r4';
import { loadEngine } from '../../src/knowledge/load-engine';
import type { KnowledgeEngine } from '../../src/knowledge/create-engine';
import { BootError } from '../../src/shared/errors';
import { hookInputOf, loadScenarios, scenarioByPath, type Scenario } from '../scenarios/support/load-scenarios';

const scenarios = loadScenarios();
const byPath = (fragment: string): Scenario => scenarioByPath(scenarios, fragment);
let engine: KnowledgeEngine;
beforeAll(() => {
  engine = loadEngine();
});

function statusOf(e: KnowledgeEngine, s: Scenario, id: string): string | undefined {
  return e.explain(hookInputOf(s)).outcomes.find((o) => o.outcome.recommendationId === id)?.outcome.status;
}

describe('loadEngine parameters', () => {
  test('an override changes the cut-off the knowledge base applies (TACE sessions before refractoriness)', () => {
    const s = byPath('r-tace-3/fires-');
    expect(statusOf(engine, s, 'R-TACE-3')).toBe('fires');
    expect(statusOf(loadEngine({ parameters: { taceSessionsBeforeRefractory: 3 } }), s, 'R-TACE-3')).toBe('notApplicable');
  });

  test('the baseline contrast-imaging window is a parameter (120-day-old CT/MRI: missing at 56 days, enough at 150)', () => {
    const s = byPath('r-mgmt-2/fires-atezolizumab-contrast-imaging-120-days-old');
    expect(statusOf(engine, s, 'R-MGMT-2')).toBe('fires');
    expect(statusOf(loadEngine({ parameters: { baselineImagingMaxDays: 150 } }), s, 'R-MGMT-2')).toBe('notApplicable');
  });

  test('unknown parameters and wrongly typed values refuse to boot', () => {
    expect(() => loadEngine({ parameters: { noSuchParameter: 1 } })).toThrow(BootError);
    expect(() => loadEngine({ parameters: { haicSurgeryWindowDays: 'four weeks' } })).toThrow(/must be an integer/);
  });
});

describe('evaluate', () => {
  test('never throws on malformed clinical data or draft orders', () => {
    const s = byPath('must-have/fires-atezolizumab');
    const junk = [{ resourceType: 'Observation', id: 'x', status: 'final', code: 42 }, { resourceType: 'AdverseEvent' }, { foo: 'bar' }] as unknown as FhirResource[];
    const input = { ...hookInputOf(s), resources: [...hookInputOf(s).resources, ...junk], context: { userId: 'u', patientId: s.patientId, selections: [7], draftOrders: { resourceType: 'Bundle', entry: [null, 'x', { resource: { resourceType: 'MedicationOrder', id: 'old' } }] } } } as never;
    expect(() => engine.evaluate(input)).not.toThrow();
  });

  test('the order-select critical card offers to delete the draft and the data values in its detail are escaped', () => {
    const s = byPath('must-have/fires-atezolizumab');
    const input = hookInputOf(s);
    const draft = { resourceType: 'MedicationRequest', id: 'draft-atezolizumab', status: 'draft', intent: 'order', subject: { reference: `Patient/${s.patientId}` },
      medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01FF05' }], text: 'atezolizumab <img src=x onerror=alert(1)>' } };
    const result = engine.evaluate({ ...input, context: { ...input.context, draftOrders: { resourceType: 'Bundle', entry: [{ resource: draft }] }, selections: ['MedicationRequest/draft-atezolizumab'] } } as never);
    const critical = result.cards.find((c) => c.indicator === 'critical');
    expect(critical).toBeDefined();
    expect(critical?.detail).not.toMatch(/<img/);
    const actions = (critical?.suggestions ?? []).flatMap((sg) => sg.actions ?? []);
    expect(actions).toContainEqual(expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/draft-atezolizumab' }));
    expect(critical?.selectionBehavior).toBe('any');
    expect(critical?.overrideReasons?.[0]).toEqual(expect.objectContaining({ system: 'http://hcc-cds.org/fhir/CodeSystem/override-reason' }));
    expect(result.cardLog.find((l) => l.cardUuid === critical?.uuid)?.recommendationIds).toEqual(['R-AE-4']);
  });

  test('a grade 3 irAE card offers to put the active ICI order on hold (update of the whole resource)', () => {
    const result = engine.evaluate(hookInputOf(byPath('r-ae-4/fires-grade-3-pneumonitis')));
    const actions = result.cards.flatMap((c) => c.suggestions ?? []).flatMap((sg) => sg.actions ?? []);
    const update = actions.find((a) => a.type === 'update');
    expect(update?.resource).toEqual(expect.objectContaining({ resourceType: 'MedicationRequest', id: 'atezolizumab', status: 'on-hold', intent: 'order' }));
    expect(result.cards.some((c) => c.indicator === 'warning')).toBe(true);
  });

  test('a grade 3 liver injury suggests methylprednisolone at the §5.3 dose as a complete MedicationRequest', () => {
    const result = engine.evaluate(hookInputOf(byPath('r-ae-8/fires-')));
    const creates = result.cards.flatMap((c) => c.suggestions ?? []).flatMap((sg) => sg.actions ?? []).filter((a) => a.type === 'create');
    const steroid = creates.map((a) => a.resource as { resourceType: string; dosageInstruction?: { text: string }[] }).find((r) => r.resourceType === 'MedicationRequest');
    expect(steroid?.dosageInstruction?.[0]?.text).toBe('methylprednisolone 1-2 mg/kg/day');
  });

  test('with a current body weight the §5.3 steroid dose is stated in mg/day and the weight is listed among the card facts', () => {
    const s = byPath('r-ae-8/fires-weighed-62-kg');
    const dosesOf = (input: ReturnType<typeof hookInputOf>) => {
      const result = engine.evaluate(input);
      const creates = result.cards.flatMap((c) => c.suggestions ?? []).flatMap((sg) => sg.actions ?? []).filter((a) => a.type === 'create');
      const texts = creates.map((a) => a.resource as { resourceType: string; dosageInstruction?: { text: string }[] }).filter((r) => r.resourceType === 'MedicationRequest').map((r) => r.dosageInstruction?.[0]?.text);
      const facts = result.cards.flatMap((c) => ((c.extension?.['org.hcc-cds'] as { facts?: { name: string; value: unknown }[] } | undefined)?.facts ?? []));
      return { texts, weight: facts.find((f) => f.name === 'bodyWeight')?.value };
    };
    expect(dosesOf(hookInputOf(s))).toEqual({ texts: ['methylprednisolone 1-2 mg/kg/day (= 62-124 mg/day for 62 kg)'], weight: 62 });
    expect(dosesOf({ ...hookInputOf(s), language: 'zh-CN' }).texts).toEqual(['甲泼尼龙 1~2 mg/kg/d（体重 62 kg，即 62~124 mg/d）']);
    // A weight older than the mapping's staleness window is Unknown: back to the per-kg dose, no weight listed.
    const stale = hookInputOf(s).resources.map((r) => (r.resourceType === 'Observation' && r.id === 'body-weight' ? { ...r, effectiveDateTime: '2025-03-01' } : r));
    expect(dosesOf({ ...hookInputOf(s), resources: stale })).toEqual({ texts: ['methylprednisolone 1-2 mg/kg/day'], weight: undefined });
  });

  test('cards are written in the requested language with the same uuids', () => {
    const s = byPath('must-have/fires-iiia');
    const en = engine.evaluate(hookInputOf(s));
    const zh = engine.evaluate({ ...hookInputOf(s), language: 'zh-CN' });
    expect(zh.cards.map((c) => c.uuid)).toEqual(en.cards.map((c) => c.uuid));
    expect(zh.cards[0]?.detail).toContain('证据等级和推荐强度：现有资料未载明');
    expect(en.cards[0]?.detail).toContain('Evidence level and strength: not stated in the available source');
    expect(en.cards[0]?.detail).toContain('https://doi.org/10.7659/j.issn.1005-6947.2024.01.001');
  });

  test('prefetch templates come from the mappings of the facts each hook needs', () => {
    const pv = engine.prefetchFor('patient-view');
    expect(Object.values(pv).join(' ')).toContain('{{context.patientId}}');
    expect(Object.keys(engine.prefetchFor('order-select')).length).toBeGreaterThan(0);
  });
});
