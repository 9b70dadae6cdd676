/**
 * Suggestion resources never carry empty values copied from the record or a draft (CDS Hooks § Use of JSON), and
 * point at an order or draft only through a valid FHIR id. Unit cases (empty intent, empty coding code,
 * whitespace-only display, missing or invalid id) and a property over random draft and active orders.
 */
import fc from 'fast-check';
import type { FhirResource } from 'fhir/r4';
import type { CdsAction, CdsCard } from '../../src/cds-hooks/types';
import { validateCdsResponse } from '../../src/cds-hooks/validator';
import type { KnowledgeEngine } from '../../src/knowledge/create-engine';
import { isFhirId, relativeReference } from '../../src/knowledge/fhir-id';
import { loadEngine } from '../../src/knowledge/load-engine';
import { pruneEmpty } from '../../src/knowledge/prune-empty';
import type { HookInput } from '../../src/pipeline/engine';
import { hookInputOf, loadScenarios, scenarioByPath, type Scenario } from '../scenarios/support/load-scenarios';

const scenarios = loadScenarios();
const byPath = (fragment: string): Scenario => scenarioByPath(scenarios, fragment);
let engine: KnowledgeEngine;
beforeAll(() => {
  engine = loadEngine();
});

const actionsOf = (cards: readonly CdsCard[]): CdsAction[] => cards.flatMap((c) => c.suggestions ?? []).flatMap((s) => s.actions ?? []);
const responseProblems = (cards: readonly CdsCard[]): string[] => validateCdsResponse({ cards });

/** patient-view on the grade 3 pneumonitis vignette with its active atezolizumab order replaced. */
function withActiveIci(edit: (order: Record<string, unknown>) => Record<string, unknown>): HookInput {
  const input = hookInputOf(byPath('r-ae-4/fires-grade-3-pneumonitis'));
  const resources = input.resources.map((r) => (r.resourceType === 'MedicationRequest' && r.id === 'atezolizumab' ? (edit(structuredClone(r) as never) as unknown as FhirResource) : r));
  return { ...input, resources };
}

/** order-select drafting atezolizumab while ALT is grade 3 (the critical R-AE-4 card), with this draft. */
function withDraft(draft: Record<string, unknown>): HookInput {
  const input = hookInputOf(byPath('must-have/fires-atezolizumab'));
  const ref = typeof draft['id'] === 'string' ? [`MedicationRequest/${draft['id']}`] : [];
  return { ...input, context: { ...input.context, draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] }, selections: ref } } as HookInput;
}

const ATEZOLIZUMAB = { system: 'http://www.whocc.no/atc', code: 'L01FF05', display: 'atezolizumab' };

describe('pruneEmpty', () => {
  test('drops empty and whitespace-only strings, null, undefined, non-finite numbers and what is left empty, recursively', () => {
    const resource = {
      resourceType: 'MedicationRequest',
      intent: '',
      note: [{ text: '  \n' }],
      dosageInstruction: [],
      medicationCodeableConcept: { coding: [{ system: 'http://x', code: '', display: ' ' }, { code: '' }], text: 'x' },
      extension: [{}],
      priority: null,
      quantity: { value: Number.NaN },
      subject: { reference: 'Patient/p', display: undefined },
      count: 0,
      flag: false,
    };
    expect(pruneEmpty(resource)).toEqual({
      resourceType: 'MedicationRequest',
      medicationCodeableConcept: { coding: [{ system: 'http://x' }], text: 'x' },
      subject: { reference: 'Patient/p' },
      count: 0,
      flag: false,
    });
    expect(pruneEmpty({ a: [{ b: '' }] })).toBeUndefined();
  });

  test('FHIR ids: 1-64 of [A-Za-z0-9-.]', () => {
    expect(['a', 'A-1.b', 'x'.repeat(64)].every(isFhirId)).toBe(true);
    expect(['', ' ', 'a b', 'a/b', 'x'.repeat(65), 'é', 7, undefined].some(isFhirId)).toBe(false);
    expect(relativeReference({ resourceType: 'MedicationRequest', id: 'd-1' })).toBe('MedicationRequest/d-1');
    expect(relativeReference({ resourceType: 'MedicationRequest', id: 'a b' })).toBeUndefined();
    expect(relativeReference({ resourceType: 'medication request', id: 'a' })).toBeUndefined();
  });
});

describe('hold suggestion (update of the active order)', () => {
  test('the unchanged record yields the on-hold update (baseline)', () => {
    const update = actionsOf(engine.evaluate(withActiveIci((o) => o)).cards).find((a) => a.type === 'update');
    expect(update?.resource).toEqual(expect.objectContaining({ id: 'atezolizumab', status: 'on-hold', intent: 'order' }));
  });

  test('an order with an empty intent is not offered for update (intent is 1..1) and the response stays valid', () => {
    const { cards } = engine.evaluate(withActiveIci((o) => ({ ...o, intent: '' })));
    expect(cards.some((c) => c.indicator === 'warning')).toBe(true);
    expect(actionsOf(cards).filter((a) => a.type === 'update')).toEqual([]);
    expect(responseProblems(cards)).toEqual([]);
  });

  test('an empty coding code and a whitespace-only display are pruned from the update', () => {
    const { cards } = engine.evaluate(
      withActiveIci((o) => ({ ...o, medicationCodeableConcept: { coding: [{ ...ATEZOLIZUMAB, display: '   ' }, { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '' }] }, note: [{ text: ' ' }] })),
    );
    const update = actionsOf(cards).find((a) => a.type === 'update');
    expect(update?.resource).toEqual(
      expect.objectContaining({ status: 'on-hold', medicationCodeableConcept: { coding: [{ system: ATEZOLIZUMAB.system, code: 'L01FF05' }, { system: 'http://www.nlm.nih.gov/research/umls/rxnorm' }] } }),
    );
    expect(update?.resource).not.toHaveProperty('note');
    expect(responseProblems(cards)).toEqual([]);
  });

  test('an order without an id, or with an invalid one, is never the target of an update', () => {
    for (const edit of [(o: Record<string, unknown>) => ({ ...o, id: undefined }), (o: Record<string, unknown>) => ({ ...o, id: 'not an id' }), (o: Record<string, unknown>) => ({ ...o, id: '' })]) {
      const { cards } = engine.evaluate(withActiveIci(edit));
      expect(actionsOf(cards).filter((a) => a.type === 'update')).toEqual([]);
      expect(responseProblems(cards)).toEqual([]);
    }
  });
});

describe('remove-draft suggestion (delete of the draft)', () => {
  const draft = { resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order', subject: { reference: 'Patient/pt-must-have-alt-grade-3' }, medicationCodeableConcept: { coding: [ATEZOLIZUMAB] } };

  test('a draft with a valid id is deleted by its relative reference, even with empty members', () => {
    const { cards } = engine.evaluate(withDraft({ ...draft, intent: '', medicationCodeableConcept: { coding: [{ ...ATEZOLIZUMAB, display: ' ' }], text: '' } }));
    expect(cards.some((c) => c.indicator === 'critical')).toBe(true);
    expect(actionsOf(cards)).toContainEqual(expect.objectContaining({ type: 'delete', resourceId: 'MedicationRequest/draft-1' }));
    expect(responseProblems(cards)).toEqual([]);
  });

  test('a draft without a valid id still gets its critical card, but no delete action', () => {
    for (const id of [undefined, '', ' ', 'draft 1', 'x'.repeat(65)]) {
      const { cards } = engine.evaluate(withDraft(id === undefined ? { ...draft, id: undefined } : { ...draft, id }));
      expect({ id, critical: cards.some((c) => c.indicator === 'critical') }).toEqual({ id, critical: true });
      expect(actionsOf(cards).filter((a) => a.type === 'delete')).toEqual([]);
      expect(responseProblems(cards)).toEqual([]);
    }
  });
});

describe('property: random draft and active orders never produce an invalid response', () => {
  const arbText = fc.oneof(fc.constantFrom('', ' ', '\t\n', 'atezolizumab', 'x'), fc.string({ maxLength: 6 }));
  const arbMaybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
  const arbCoding = fc.record(
    { system: arbMaybe(fc.constantFrom('http://www.whocc.no/atc', 'http://www.nlm.nih.gov/research/umls/rxnorm', '', ' ')), code: arbMaybe(fc.oneof(fc.constantFrom('L01FF05', 'L01XC07', 'L01EX02', '', '  '), fc.string({ maxLength: 4 }))), display: arbMaybe(arbText) },
    { requiredKeys: [] },
  );
  const arbOrder = (status: string): fc.Arbitrary<Record<string, unknown>> =>
    fc.record(
      {
        resourceType: fc.constant('MedicationRequest'),
        id: arbMaybe(fc.oneof(fc.constantFrom('ord-1', '', ' ', 'a b', 'x'.repeat(70)), fc.string({ maxLength: 5 }))),
        status: fc.constantFrom(status, '', status),
        intent: arbMaybe(fc.constantFrom('order', 'proposal', '', ' ')),
        subject: arbMaybe(fc.constantFrom({ reference: 'Patient/p' }, { reference: '' }, {}, { display: ' ' })),
        medicationCodeableConcept: arbMaybe(fc.record({ coding: arbMaybe(fc.array(arbCoding, { maxLength: 3 })), text: arbMaybe(arbText) }, { requiredKeys: [] })),
        note: arbMaybe(fc.array(fc.record({ text: arbText }), { maxLength: 2 })),
        dosageInstruction: arbMaybe(fc.array(fc.record({ text: arbMaybe(arbText) }, { requiredKeys: [] }), { maxLength: 2 })),
      },
      { requiredKeys: ['resourceType', 'status'] },
    );

  test('order-select / order-sign with a random draft', () => {
    fc.assert(
      fc.property(arbOrder('draft'), fc.constantFrom('order-select', 'order-sign') as fc.Arbitrary<'order-select' | 'order-sign'>, fc.constantFrom('en', 'zh-CN') as fc.Arbitrary<'en' | 'zh-CN'>, (draft, hook, language) => {
        const result = engine.evaluate({ ...withDraft(draft), hook, language });
        const problems = responseProblems(result.cards);
        if (problems.length > 0) throw new Error(problems.slice(0, 3).join('; '));
        for (const a of actionsOf(result.cards)) if (a.type === 'delete') expect(a.resourceId).toMatch(/^MedicationRequest\/[A-Za-z0-9\-.]{1,64}$/);
      }),
      { numRuns: 300 },
    );
  });

  // The order is an ICI (first coding atezolizumab) so the hold suggestion is built from it whenever it can be.
  const arbActiveIci = fc
    .tuple(arbOrder('active'), arbMaybe(arbText), fc.array(arbCoding, { maxLength: 2 }), fc.constantFrom('ord-1', 'atezolizumab', undefined, 'a b'), fc.boolean())
    .map(([order, display, more, id, ownSubject]) => ({ order: { ...order, id, medicationCodeableConcept: { coding: [{ ...ATEZOLIZUMAB, display }, ...more] } }, ownSubject }));

  test('patient-view with a random active order in the record', () => {
    let updates = 0;
    fc.assert(
      fc.property(arbActiveIci, ({ order, ownSubject }) => {
        const result = engine.evaluate(withActiveIci((o) => (ownSubject ? { ...order, subject: o['subject'] } : order)));
        const problems = responseProblems(result.cards);
        if (problems.length > 0) throw new Error(problems.slice(0, 3).join('; '));
        for (const a of actionsOf(result.cards)) if (a.type === 'update') expect(isFhirId((a.resource as { id?: unknown }).id)).toBe(true);
        updates += actionsOf(result.cards).filter((a) => a.type === 'update').length;
      }),
      { numRuns: 300 },
    );
    expect(updates).toBeGreaterThan(0);
  });
});
