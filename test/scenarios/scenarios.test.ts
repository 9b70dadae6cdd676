/**
 * Runs every clinical vignette through the real engine (real mappings, real knowledge base, fixed clock) and
 * checks: the expected recommendations fire / do not apply / cannot be evaluated (with the missing facts), the
 * response validates against our CDS Hooks response schema, summaries stay < 140 characters, details carry no
 * raw HTML, and both languages render. A coverage check fails when a recommendation lacks any of the three outcomes.
 */
import type { CdsCard } from '../../src/cds-hooks/types';
import { validateCdsResponse } from '../../src/cds-hooks/validator';
import { loadEngine } from '../../src/knowledge/load-engine';
import { responseExtension } from '../../src/pipeline/run-service';
import type { KnowledgeEngine } from '../../src/knowledge/create-engine';
import { hookInputOf, loadScenarios, type Scenario } from './support/load-scenarios';

const scenarios = loadScenarios();
let engine: KnowledgeEngine;

beforeAll(() => {
  engine = loadEngine();
});

interface OwnExtension {
  readonly recommendations?: readonly { id: string; evidenceStatus: unknown; evidenceLevel?: unknown; strength?: unknown }[];
  readonly facts?: readonly { name: string }[];
  readonly kind?: string;
  readonly notEvaluable?: readonly { id: string }[];
  readonly missingInputs?: readonly { fact: string; reason: string; recommendations: readonly string[] }[];
}

function own(card: CdsCard): OwnExtension {
  return (card.extension?.['org.hcc-cds'] ?? {}) as OwnExtension;
}

function cardsNaming(cards: readonly CdsCard[], id: string): CdsCard[] {
  return cards.filter((c) => (own(c).recommendations ?? []).some((r) => r.id === id));
}

describe.each(scenarios.map((s) => [s.path, s] as const))('%s', (_path, scenario: Scenario) => {
  test(`${scenario.title}`, () => {
    const input = hookInputOf(scenario);
    const explanation = engine.explain(input);
    const status = new Map(explanation.outcomes.map((e) => [e.outcome.recommendationId, e.outcome]));
    const result = engine.evaluate(input);
    const { expect: want } = scenario;

    for (const id of want.fires ?? []) {
      expect({ id, status: status.get(id)?.status, missing: status.get(id)?.missingFacts }).toEqual({ id, status: 'fires', missing: [] });
      expect(cardsNaming(result.cards, id).length).toBeGreaterThan(0);
    }
    for (const id of want.notFires ?? []) {
      expect({ id, status: status.get(id)?.status }).toEqual({ id, status: 'notApplicable' });
      expect(cardsNaming(result.cards, id)).toHaveLength(0);
    }
    for (const { id, missingFacts } of want.notEvaluable ?? []) {
      expect({ id, status: status.get(id)?.status }).toEqual({ id, status: 'notEvaluable' });
      const listed = result.extension.notEvaluable.find((n) => n.id === id);
      expect(listed).toBeDefined();
      for (const fact of missingFacts ?? []) expect(listed?.missingFacts).toContain(fact);
      expect(cardsNaming(result.cards, id)).toHaveLength(0);
    }
    for (const id of want.critical ?? []) {
      expect(cardsNaming(result.cards, id).map((c) => c.indicator)).toContain('critical');
    }
    for (const id of want.warning ?? []) {
      const indicators = cardsNaming(result.cards, id).map((c) => c.indicator);
      expect(indicators).toContain('warning');
      expect(indicators).not.toContain('critical');
    }
    for (const [id, facts] of Object.entries(want.cardFacts ?? {})) {
      const listed = cardsNaming(result.cards, id).flatMap((c) => (own(c).facts ?? []).map((f) => f.name));
      for (const fact of facts) expect({ id, fact, listed: listed.includes(fact) }).toEqual({ id, fact, listed: true });
    }

    const gaps = result.cards.filter((c) => own(c).kind === 'data-gap');
    if (scenario.hook === 'patient-view') expect(gaps.length).toBeLessThanOrEqual(1);
    else expect(gaps).toHaveLength(0);
    for (const gap of gaps) {
      // only recommendations that could not be evaluated, never a fact id in the text
      for (const n of own(gap).notEvaluable ?? []) expect({ id: n.id, status: status.get(n.id)?.status }).toEqual({ id: n.id, status: 'notEvaluable' });
      const text = `${gap.summary}\n${gap.detail ?? ''}`;
      for (const input of own(gap).missingInputs ?? []) {
        const label = engine.compiled.kb.factLabels[input.fact]?.[scenario.language];
        expect({ fact: input.fact, labelled: label !== undefined && text.includes(label) }).toEqual({ fact: input.fact, labelled: true });
        if (/[A-Z]/.test(input.fact)) expect({ fact: input.fact, idShown: text.includes(input.fact) }).toEqual({ fact: input.fact, idShown: false });
      }
    }
    if (want.dataGap !== undefined) {
      expect(gaps).toHaveLength(1);
      const listed = (own(gaps[0] as CdsCard).notEvaluable ?? []).map((n) => n.id);
      for (const id of want.dataGap.recommendations) expect({ id, listed: listed.includes(id) }).toEqual({ id, listed: true });
      const inputs = (own(gaps[0] as CdsCard).missingInputs ?? []).map((i) => i.fact);
      for (const fact of want.dataGap.inputs ?? []) expect({ fact, listed: inputs.includes(fact) }).toEqual({ fact, listed: true });
    }
    if (want.noDataGap === true) expect(gaps).toHaveLength(0);
    for (const id of want.noDataGapFor ?? []) {
      const listed = gaps.flatMap((g) => (own(g).notEvaluable ?? []).map((n) => n.id));
      expect({ id, onDataGapCard: listed.includes(id) }).toEqual({ id, onDataGapCard: false });
      expect({ id, reportedNotEvaluable: (result.extension.notEvaluable ?? []).some((n) => n.id === id) }).toEqual({ id, reportedNotEvaluable: true });
    }

    const body = { cards: result.cards, extension: { 'org.hcc-cds': responseExtension(result.extension, []) } };
    expect(validateCdsResponse(body)).toEqual([]);
    for (const card of result.cards) {
      expect([...card.summary].length).toBeLessThan(140);
      expect(card.detail ?? '').not.toMatch(/<[A-Za-z!/]/);
      for (const rec of own(card).recommendations ?? []) expect([rec.evidenceStatus, 'evidenceLevel' in rec, 'strength' in rec]).toEqual(['not-stated', false, false]);
    }
    const other = engine.evaluate({ ...input, language: input.language === 'en' ? 'zh-CN' : 'en' });
    expect(other.cards.map((c) => c.uuid)).toEqual(result.cards.map((c) => c.uuid));
    expect(validateCdsResponse({ cards: other.cards })).toEqual([]);
  });
});

describe('scenario coverage', () => {
  test('every recommendation has a vignette that fires it, one that does not apply and one that cannot be evaluated', () => {
    const ids = engine.compiled.recommendations.map((r) => r.rec.id);
    const has = { fires: new Set<string>(), notFires: new Set<string>(), notEvaluable: new Set<string>() };
    for (const s of scenarios) {
      (s.expect.fires ?? []).forEach((id) => has.fires.add(id));
      (s.expect.notFires ?? []).forEach((id) => has.notFires.add(id));
      (s.expect.notEvaluable ?? []).forEach((n) => has.notEvaluable.add(n.id));
    }
    const gaps = ids.flatMap((id) => (['fires', 'notFires', 'notEvaluable'] as const).filter((k) => !has[k].has(id)).map((k) => `${id}: no ${k} vignette`));
    expect(gaps).toEqual([]);
  });

  test('vignette file names state their outcome', () => {
    for (const s of scenarios) {
      const name = s.path.split('/').pop() ?? '';
      expect(name).toMatch(/^(fires|not-applicable|not-evaluable)-[a-z0-9-]+\.ya?ml$/);
      if (name.startsWith('fires-')) expect((s.expect.fires ?? []).length).toBeGreaterThan(0);
      if (name.startsWith('not-applicable-')) expect((s.expect.notFires ?? []).length).toBeGreaterThan(0);
      if (name.startsWith('not-evaluable-')) expect((s.expect.notEvaluable ?? []).length).toBeGreaterThan(0);
    }
  });
});
