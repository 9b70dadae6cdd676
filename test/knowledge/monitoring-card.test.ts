/**
 * Issue 9 co-firing and suggestions: R-MGMT-3 and R-AE-9 show as one monitoring card (the whole-course management
 * topic), and monitoring / baseline cards never offer to order a test whose recent result is on record.
 */
import type { CdsCard } from '../../src/cds-hooks/types';
import { loadEngine } from '../../src/knowledge/load-engine';
import { hookInputOf, loadScenarios } from '../scenarios/support/load-scenarios';

const engine = loadEngine();
const scenarios = loadScenarios();

function cardsOf(path: string): readonly CdsCard[] {
  const scenario = scenarios.find((s) => s.path === path);
  if (scenario === undefined) throw new Error(`no vignette ${path}`);
  return engine.evaluate({ ...hookInputOf(scenario), language: 'en' }).cards;
}

function ids(card: CdsCard): string[] {
  const own = (card.extension?.['org.hcc-cds'] ?? {}) as { recommendations?: { id: string }[] };
  return (own.recommendations ?? []).map((r) => r.id);
}

function labels(card: CdsCard | undefined): string[] {
  return (card?.suggestions ?? []).map((s) => s.label);
}

it('on the combination with every lab recent: one card carries R-MGMT-3 and R-AE-9 and offers only the missing imaging', () => {
  const cards = cardsOf('recommendations/r-ae-9/fires-on-combination.yaml');
  const monitoring = cards.filter((c) => ids(c).includes('R-AE-9') || ids(c).includes('R-MGMT-3'));
  expect(monitoring).toHaveLength(1);
  expect(ids(monitoring[0] as CdsCard)).toEqual(expect.arrayContaining(['R-AE-9', 'R-MGMT-3']));
  const offered = labels(monitoring[0]);
  expect(offered.some((l) => /CT or MRI/.test(l))).toBe(true);
  expect(offered.some((l) => /thyroid|TSH/i.test(l))).toBe(false);
  expect(offered.some((l) => /troponin|cardiac/i.test(l))).toBe(false);
  expect(offered.some((l) => /liver (function|panel)|hepatic/i.test(l))).toBe(false);
  expect(new Set(offered).size).toBe(offered.length);
});

it('without TSH and free T4 on record the monitoring card offers the thyroid tests', () => {
  const card = cardsOf('recommendations/r-ae-9/fires-on-combination-no-thyroid-tests.yaml').find((c) => ids(c).includes('R-AE-9'));
  expect(labels(card).some((l) => /thyroid|TSH/i.test(l))).toBe(true);
});

it('the baseline check offers only what is missing (labs complete → imaging and removing the draft only)', () => {
  const card = cardsOf('recommendations/r-mgmt-2/fires-atezolizumab-labs-complete-no-contrast-imaging.yaml').find((c) => ids(c).includes('R-MGMT-2'));
  const offered = labels(card);
  expect(offered.some((l) => /CT or MRI/.test(l))).toBe(true);
  expect(offered.some((l) => /troponin|cardiac|tumour marker|AFP|renal|creatinine|liver (function|panel)/i.test(l))).toBe(false);
});
