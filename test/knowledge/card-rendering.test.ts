/**
 * Issue 9 "honest, readable cards", through the real engine (real mappings and knowledge base) on the vignettes:
 * action first then why, facts, provenance; summaries name the driving recommendation; plurals; interpretation §;
 * labelled codes; display units; recorded value before the converted one; defaulted ULN said; local defaults and
 * non-consensus sources marked; no "SD for 0 days"; data-gap reasons.
 */
import type { FhirResource, Observation } from 'fhir/r4';
import type { CdsCard } from '../../src/cds-hooks/types';
import type { KnowledgeEngine } from '../../src/knowledge/create-engine';
import { loadEngine } from '../../src/knowledge/load-engine';
import type { HookInput, Language } from '../../src/pipeline/engine';
import { hookInputOf, loadScenarios, scenarioByPath, type Scenario } from '../scenarios/support/load-scenarios';

const scenarios = loadScenarios();
const patientViews = scenarios.filter((s) => s.hook === 'patient-view');
let engine: KnowledgeEngine;

beforeAll(() => {
  engine = loadEngine();
});

interface Own {
  readonly kind?: string;
  readonly recommendations?: readonly { id: string }[];
  readonly missingInputs?: readonly { fact: string; reason: string; lastDate?: string; recommendations: readonly string[] }[];
}
const own = (card: CdsCard): Own => (card.extension?.['org.hcc-cds'] ?? {}) as Own;
const isGap = (card: CdsCard): boolean => own(card).kind === 'data-gap';

function cards(s: Scenario, language: Language, change?: (resources: FhirResource[]) => FhirResource[]): readonly CdsCard[] {
  const input = hookInputOf(s);
  const resources = change !== undefined ? change(structuredClone([...input.resources])) : input.resources;
  return engine.evaluate({ ...input, resources, language } as HookInput).cards;
}

function cardFor(list: readonly CdsCard[], id: string): CdsCard {
  const card = list.find((c) => (own(c).recommendations ?? []).some((r) => r.id === id));
  if (card === undefined) throw new Error(`no card for ${id}`);
  return card;
}

function observation(resources: FhirResource[], id: string): Observation {
  const obs = resources.find((r) => r.resourceType === 'Observation' && r.id === id);
  if (obs === undefined) throw new Error(`no Observation/${id}`);
  return obs as Observation;
}

const all = (language: Language): readonly CdsCard[] => patientViews.flatMap((s) => cards(s, language));

describe.each(['en', 'zh-CN'] as const)('every patient-view card (%s)', (language) => {
  let list: readonly CdsCard[];
  beforeAll(() => {
    list = all(language);
  });
  const why = language === 'en' ? 'Why: ' : '依据：';
  const facts = language === 'en' ? '**Facts used**' : '**所依据的数据**';
  const provenance = language === 'en' ? '**Provenance**' : '**出处**';
  const section = language === 'en' ? 'interpretation §' : '解读 §';

  test('leads with the action and one line of why; facts, provenance and evidence follow', () => {
    const topicCards = list.filter((c) => !isGap(c));
    expect(topicCards.length).toBeGreaterThan(100);
    for (const card of topicCards) {
      const detail = card.detail ?? '';
      expect(detail.startsWith('**')).toBe(true);
      const [first, second] = detail.split('\n\n');
      expect(second?.startsWith(why)).toBe(true);
      expect(first).not.toContain(facts);
      const order = [detail.indexOf(why), detail.indexOf(facts), detail.indexOf(provenance), detail.lastIndexOf(engine.compiled.kb.manifest.grading.notStated[language])];
      const present = order.filter((i) => i >= 0);
      expect(present).toEqual([...present].sort((a, b) => a - b));
      expect(detail.indexOf(provenance)).toBeGreaterThan(0);
    }
  });

  test('the summary is the driving recommendation’s own summary, never a topic line; the provenance names it first', () => {
    const topicLines = [...engine.compiled.kb.manifest.topics.map((t) => t.title[language]), language === 'en' ? 'Consensus: ' : '共识：', language === 'en' ? 'Data missing to judge' : '资料不全'];
    for (const card of list.filter((c) => !isGap(c))) {
      const lead = (card.detail ?? '').split('\n\n')[0]?.replace(/^\*\*|\*\*$/g, '').replace(/\\(.)/g, '$1') ?? '';
      const head = card.summary.replace(/ ?[（(][^（(]*$/, '');
      expect(lead.startsWith(head.replace(/…$/, ''))).toBe(true);
      for (const line of topicLines) expect(card.summary.startsWith(line)).toBe(false);
      const ids = (own(card).recommendations ?? []).map((r) => r.id);
      expect((card.detail ?? '').split(provenance)[1]?.indexOf(`**${ids[0]}**`)).toBeGreaterThan(0);
      expect([...card.summary].length).toBeLessThan(140);
    }
  });

  test('counts agree in number', () => {
    const multi = list.filter((c) => !isGap(c) && (own(c).recommendations ?? []).length > 1);
    expect(multi.length).toBeGreaterThan(0);
    for (const card of multi) {
      const more = (own(card).recommendations ?? []).length - 1;
      const want = language === 'en' ? `(+${more} more recommendation${more === 1 ? '' : 's'})` : `（另有${more}条推荐）`;
      expect(card.summary.endsWith(want)).toBe(true);
    }
    for (const card of list.filter(isGap)) expect(card.summary).not.toMatch(/\b1 recommendations\b/);
  });

  test('sections are cited as the interpretation article’s, never "consensus §"', () => {
    for (const card of list.filter((c) => !isGap(c))) {
      const lines = (card.detail ?? '').split(provenance)[1]?.split('\n').filter((l) => l.startsWith('- **')) ?? [];
      expect(lines.length).toBe((own(card).recommendations ?? []).length);
      for (const line of lines) expect(line).toContain(section);
      expect(card.detail).not.toMatch(/consensus §|共识 ?§/);
    }
  });

  test('units print in display form, never as UCUM codes', () => {
    const text = list.map((c) => `${c.summary}\n${c.detail ?? ''}`).join('\n');
    expect(text).not.toMatch(/umol\/L|10\*9\/L|\[IU\]|\{INR\}/);
    expect(text).toContain('μmol/L');
  });
});

describe('Chinese cards label machine codes', () => {
  test('no raw code (portal-vein, transaminase, full-dose, after-response…) in any zh-CN card', () => {
    const codes = Object.keys(engine.compiled.kb.manifest.valueLabels ?? {}).filter((c) => /[a-z]/.test(c));
    expect(codes).toEqual(expect.arrayContaining(['portal-vein', 'transaminase', 'full-dose', 'after-response']));
    const text = all('zh-CN')
      .map((c) => `${c.summary}\n${(c.detail ?? '').replace(/\b[A-Z][A-Za-z]+\/[A-Za-z0-9.-]+/g, '')}`)
      .join('\n');
    for (const code of codes) expect({ code, raw: new RegExp(`(^|[^A-Za-z-])${code.replace('.', '\\.')}($|[^A-Za-z-])`).test(text) }).toEqual({ code, raw: false });
    expect(text).toContain('门静脉癌栓');
  });
});

describe('values', () => {
  const aeScenario = () => scenarioByPath(scenarios, 'r-ae-8/fires-alt-grade-3-causes-excluded');

  test('a converted value shows the recorded value and unit first', () => {
    const list = cards(aeScenario(), 'en', (resources) => {
      observation(resources, 'tbil').valueQuantity = { value: 2.4, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' };
      return resources;
    });
    expect(cardFor(list, 'R-AE-8').detail).toMatch(/total bilirubin 2\.4 mg\/dL \(41(\.\d+)? μmol\/L\)/);
    expect(cardFor(list, 'R-AE-8').detail).toMatch(/\| Total bilirubin \| 2\.4 mg\/dL \(41(\.\d+)? μmol\/L\)/);
  });

  test('a ULN taken by default says so; one from the lab does not', () => {
    const defaulted = cardFor(cards(aeScenario(), 'en'), 'R-AE-8').detail ?? '';
    expect(defaulted).toContain('| ALT upper limit of normal | 40 U/L (default: the result carries no reference range) |');
    const zh = cardFor(cards(aeScenario(), 'zh-CN'), 'R-AE-8').detail ?? '';
    expect(zh).toContain('| ALT正常上限 | 40 U/L（默认值，检验结果未附参考范围） |');
    const fromLab = cardFor(
      cards(aeScenario(), 'en', (resources) => {
        observation(resources, 'alt').referenceRange = [{ high: { value: 40, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' } }];
        return resources;
      }),
      'R-AE-8',
    ).detail ?? '';
    expect(fromLab).not.toContain('ALT upper limit of normal');
  });

  test('a local default is marked where it is rendered and explained in the card, in both languages', () => {
    const s = scenarioByPath(scenarios, 'r-ae-3/fires-grade-2-immune-hepatitis-ongoing');
    const en = cardFor(cards(s, 'en'), 'R-AE-3').detail ?? '';
    expect(en).toContain('Improved means grade ≤1 (local default)');
    expect(en).toMatch(/\*\*Local defaults and non-consensus sources\*\*\n\n(- .*\n)*- 1 — local default: "AE improved" is undefined/);
    const zh = cardFor(cards(s, 'zh-CN'), 'R-AE-3').detail ?? '';
    expect(zh).toContain('好转标准：CTCAE分级≤1（本地默认值）');
    expect(zh).toContain('**本地默认值与非共识来源**');
  });

  test('a consensus value is not marked', () => {
    const detail = cardFor(cards(scenarioByPath(scenarios, 'r-conv-2/fires-pr-resectable'), 'en'), 'R-CONV-2').detail ?? '';
    expect(detail).toContain('(needs ≥40%)');
    expect(detail).not.toContain('40 (local default)');
  });

  test('a steroid dose from ASCO names its source on the suggestion and the card', () => {
    const card = cardFor(cards(aeScenario(), 'en'), 'R-AE-8');
    const steroid = (card.suggestions ?? []).find((s) => s.label.startsWith('Methylprednisolone'));
    expect(steroid?.label).toContain('(ASCO 2021 immune-related AE guideline (clinical.md §5.3), not from the consensus)');
    expect(card.detail).toContain('- ASCO 2021 immune-related AE guideline (clinical.md §5.3) — not from the consensus');
    const zh = cardFor(cards(aeScenario(), 'zh-CN'), 'R-AE-8');
    expect((zh.suggestions ?? []).some((s) => s.label.includes('ASCO 2021') && s.label.includes('非共识内容'))).toBe(true);
  });

  test('no "SD for N days" when the latest response is not SD', () => {
    const detail = cardFor(cards(scenarioByPath(scenarios, 'r-haic-4/fires-pr-after-haic-day-24'), 'en'), 'R-HAIC-4').detail ?? '';
    expect(detail).toContain('latest PR,');
    expect(detail).not.toMatch(/SD for/);
    expect(detail).toMatch(/from \d+ \(local default\) to 28 \(local default\)/);
  });
});

describe('the data-gap card', () => {
  const gapOf = (list: readonly CdsCard[]): CdsCard => {
    const gaps = list.filter(isGap);
    expect(gaps).toHaveLength(1);
    return gaps[0] as CdsCard;
  };
  const inPopulation = () => scenarioByPath(scenarios, 'r-prog-1/not-evaluable-pd-after-pr-phase-unrecorded-one-data-gap-card');

  test('ranks inputs by how many recommendations each settles, with reason and one-click order', () => {
    const gap = gapOf(cards(inPopulation(), 'en'));
    const inputs = own(gap).missingInputs ?? [];
    expect(inputs[0]).toEqual({ fact: 'therapyPhase', reason: 'absent', recommendations: expect.arrayContaining(['R-PROG-1', 'R-PROG-2']) });
    const counts = inputs.map((i) => i.recommendations.length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(gap.detail).toMatch(/^\*\*Missing data, by how many recommendations each would settle\*\*\n\n1\. \*\*Targeted-immune therapy phase\*\* — not on record · would settle \d recommendations: R-PROG-1 /m);
    expect(gap.summary).toMatch(/^Data missing: Targeted-immune therapy phase.* would settle \d recommendations$/);
    expect(gap.indicator).toBe('info');
    expect((gap.suggestions ?? []).length).toBeGreaterThan(0);
  });

  test('an input only older than the lookback says so, with the date of the last result', () => {
    const s = scenarioByPath(scenarios, 'r-prog-5/not-evaluable-primary-pd-ecog-missing');
    const change = (resources: FhirResource[]): FhirResource[] => [
      ...resources,
      { resourceType: 'Observation', id: 'ecog-old', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '89247-1' }] }, subject: { reference: `Patient/${s.patientId}` }, effectiveDateTime: '2023-01-10', valueInteger: 1 },
    ];
    const gap = gapOf(cards(s, 'en', change));
    expect(own(gap).missingInputs?.find((i) => i.fact === 'ecog')).toMatchObject({ reason: 'outsideLookback', lastDate: '2023-01-10' });
    expect(gap.detail).toContain('**ECOG performance status** — only results older than the lookback (last result 2023-01-10)');
    expect(gapOf(cards(s, 'zh-CN', change)).detail).toContain('**ECOG体能状态** — 仅有回溯期以外的结果（最近一次：2023-01-10）');
  });

  test('conflicting values and an unreadable unit are named as such', () => {
    const s = scenarioByPath(scenarios, 'r-prog-5/not-evaluable-primary-pd-ecog-missing');
    const ecog = (id: string, value: number): FhirResource => ({ resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '89247-1' }] }, subject: { reference: `Patient/${s.patientId}` }, effectiveDateTime: '2025-05-20T08:00:00Z', valueInteger: value });
    const conflicting = gapOf(cards(s, 'en', (r) => [...r, ecog('ecog-a', 1), ecog('ecog-b', 3)]));
    expect(own(conflicting).missingInputs?.find((i) => i.fact === 'ecog')?.reason).toBe('conflicting');
    expect(conflicting.detail).toContain('**ECOG performance status** — conflicting values');

    const liver = scenarioByPath(scenarios, 'r-ae-6/not-evaluable-no-liver-tests');
    const alt: FhirResource = { resourceType: 'Observation', id: 'alt-odd', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '1742-6' }] }, subject: { reference: `Patient/${liver.patientId}` }, effectiveDateTime: '2025-05-25', valueQuantity: { value: 3, unit: 'furlong', system: 'http://unitsofmeasure.org', code: 'furlong' } };
    const gap = gapOf(cards(liver, 'en', (r) => [...r, alt]));
    expect(own(gap).missingInputs?.find((i) => i.fact === 'alt')?.reason).toBe('unit');
    expect(gap.detail).toContain('**ALT** — unit not readable');
  });
});
