import type { CdsCard } from '../../src/cds-hooks/types';
import { ANSWER_LIMIT_DEFAULTS, boundCards, boundDataIssues, boundDraftOrders } from '../../src/pipeline/answer-limits';

const draft = (id: string) => ({ resource: { resourceType: 'MedicationRequest', id, status: 'draft' } });
const context = (ids: string[], selections?: string[]) => ({
  userId: 'Practitioner/x',
  patientId: 'p',
  draftOrders: { resourceType: 'Bundle' as const, entry: ids.map(draft) },
  ...(selections === undefined ? {} : { selections }),
});
const ids = (c: { draftOrders?: unknown }) => ((c.draftOrders as { entry: { resource: { id: string } }[] }).entry).map((e) => e.resource.id);
const card = (indicator: CdsCard['indicator'], n: number): CdsCard =>
  ({ uuid: `u${n}`, summary: `card ${n}`, indicator, source: { label: 's' }, detail: 'x'.repeat(100) }) as CdsCard;

describe('answer limits', () => {
  it('order-select keeps the selected drafts first, up to the limit, and drops selections it did not keep', () => {
    const all = Array.from({ length: 10 }, (_, i) => `d${i}`);
    const bounded = boundDraftOrders('order-select', context(all, ['MedicationRequest/d7', 'MedicationRequest/d8', 'MedicationRequest/d9']), 2);
    expect(ids(bounded.context)).toEqual(['d7', 'd8']);
    expect(bounded.context.selections).toEqual(['MedicationRequest/d7', 'MedicationRequest/d8']);
    expect(bounded.notEvaluated).toBe(8);
  });

  it('order-sign keeps the first drafts; under the limit nothing changes', () => {
    expect(ids(boundDraftOrders('order-sign', context(['a', 'b', 'c']), 2).context)).toEqual(['a', 'b']);
    const small = context(['a']);
    expect(boundDraftOrders('order-sign', small, 2)).toEqual({ context: small, notEvaluated: 0 });
  });

  it('lists the first data issues and counts the rest in one closing issue', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ code: 'x', message: `m${i}` }));
    const bounded = boundDataIssues(issues, 5);
    expect(bounded.issues).toHaveLength(6);
    expect(bounded.issues[5]).toMatchObject({ code: 'limit-data-issues', message: expect.stringContaining('2 more') });
    expect(bounded.notListed).toBe(2);
  });

  it('keeps critical cards before warnings before info, in the engine order, within the card and byte limits', () => {
    const cards = [card('info', 0), card('critical', 1), card('warning', 2), card('critical', 3)];
    expect(boundCards(cards, { ...ANSWER_LIMIT_DEFAULTS, maxCards: 3 }, 0).cards.map((c) => c.uuid)).toEqual(['u1', 'u2', 'u3']);
    const one = Buffer.byteLength(JSON.stringify(cards[1])) + 1;
    const bytes = boundCards(cards, { ...ANSWER_LIMIT_DEFAULTS, maxResponseBytes: 1000 + 2 * one }, 1000);
    expect(bytes.cards.map((c) => c.uuid)).toEqual(['u1', 'u3']);
    expect(bytes.notSent).toBe(2);
    expect(boundCards(cards, ANSWER_LIMIT_DEFAULTS, 0)).toEqual({ cards, notSent: 0 });
  });
});
