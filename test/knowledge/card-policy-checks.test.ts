/**
 * Issue 9 knowledge-base checks (check-card-policy.ts), through loadKnowledgeBase on a copy of the real knowledge
 * base with one entry broken: the load (and so `kb --check` and boot) fails naming the entry.
 */
import { useKnowledgeBaseCopy } from './support/kb-copy';

const kb = useKnowledgeBaseCopy('kb-policy-');
const { edit } = kb;
const problems = (): string => kb.problems().join('\n');

describe('indicator policy', () => {
  test('the repository knowledge base passes every card check', () => {
    expect(problems()).toBe('');
  });

  test('a patient-view card may not be critical', () => {
    edit('recommendations/R-RT-1.yaml', /^ {2}indicator: info$/m, '  indicator: critical');
    expect(problems()).toMatch(/R-RT-1\.yaml \(R-RT-1\) card: 'critical' is reserved for draft orders/);
  });

  test('nor may a patient-view indicator rule make it critical', () => {
    edit('recommendations/R-RT-1.yaml', /^ {2}indicator: info$/m, "  indicator: info\n  indicatorRules:\n    - { when: { fact: ecog, op: gte, value: 2 }, indicator: critical }");
    expect(problems()).toMatch(/R-RT-1\.yaml \(R-RT-1\) card: 'critical' is reserved/);
  });

  test('a critical order check must offer to act on the draft now (delete it)', () => {
    edit('recommendations/R-AE-4.yaml', '      - use: remove-draft\n', '');
    expect(problems()).toMatch(/R-AE-4\.yaml \(R-AE-4\) orderChecks\[0\]: a critical check must offer to act on the draft now/);
  });

  test('a conditional delete does not count as acting now', () => {
    edit('recommendations/R-AE-4.yaml', '      - use: remove-draft\n', '      - use: remove-draft\n        when: { fact: ecog, op: gte, value: 3 }\n');
    expect(problems()).toMatch(/R-AE-4\.yaml \(R-AE-4\) orderChecks\[0\]: a critical check must offer/);
  });
});

describe('summary length with slots filled, in both languages', () => {
  test('an English summary too long once "(+N more recommendations)" is added fails', () => {
    edit('recommendations/R-RT-1.yaml', 'may be given with targeted-immune therapy"', 'may be given with targeted-immune therapy, as the consensus says"');
    expect(problems()).toMatch(/R-RT-1\.yaml \(R-RT-1\) card\.summary \[en\]: \d+ characters with its slots filled/);
  });

  test('a Chinese summary too long fails', () => {
    edit('recommendations/R-RT-1.yaml', '放疗并同时联合靶免', `放疗并同时联合靶免${'，需结合患者情况'.repeat(14)}`);
    expect(problems()).toMatch(/R-RT-1\.yaml \(R-RT-1\) card\.summary \[zh-CN\]/);
  });

  test('an order-check summary too long fails', () => {
    edit('recommendations/R-AE-4.yaml', 'en: ICI drafted while grade ≥3 liver injury or non-endocrine irAE is present', `en: ICI drafted while grade ≥3 liver injury or non-endocrine irAE is present${' (see the card)'.repeat(6)}`);
    expect(problems()).toMatch(/R-AE-4\.yaml \(R-AE-4\) orderChecks\[0\]\.summary \[en\]/);
  });
});

describe('display data', () => {
  test('a machine code a card can show needs a value label', () => {
    edit('kb.yaml', /^ {2}portal-vein: .*\n/m, '');
    expect(problems()).toMatch(/valueLabels: code 'portal-vein' of fact 'macrovascularInvasion' has no display label/);
  });

  test('a fact a card can name needs a label', () => {
    edit('fact-labels.yaml', /^therapyPhase: .*\n/m, '');
    expect(problems()).toMatch(/fact-labels\.yaml: fact 'therapyPhase' can be named on a card/);
  });

  test('a parameter of another source must name it', () => {
    edit('kb.yaml', /(baselineImagingMaxDays:\n(?: {4}.*\n)*? {4})origin: local-default/, '$1origin: other-source');
    expect(problems()).toMatch(/parameters\.baselineImagingMaxDays: origin other-source needs originSource/);
  });

  test('a shared text may only use the slots the renderer fills', () => {
    edit('kb.yaml', 'cardWhy: { zh-CN: 依据, en: "Why" }', 'cardWhy: { zh-CN: 依据, en: "Why ({{count}})" }');
    expect(problems()).toMatch(/texts\.cardWhy \[en\]: unresolved placeholder \{\{count\}\}/);
  });

  test('a gating fact must exist', () => {
    edit('kb.yaml', 'gatingFacts: [radicalTherapyUnsuitable,', 'gatingFacts: [radicalTherapyUnsuitable, curativeIntent,');
    expect(problems()).toMatch(/gatingFacts: unknown fact 'curativeIntent'/);
  });
});

describe('dataGapCoveredBy', () => {
  test('the shipped cross-reference loads', () => {
    expect(problems()).toBe('');
  });

  test('naming an unknown recommendation fails the load, naming the entry', () => {
    edit('recommendations/R-AE-8.yaml', 'dataGapCoveredBy: [R-AE-7]', 'dataGapCoveredBy: [R-AE-99]');
    expect(problems()).toMatch(/R-AE-8\.yaml \(R-AE-8\): dataGapCoveredBy 'R-AE-99' must name another recommendation/);
  });

  test('naming itself fails the load', () => {
    edit('recommendations/R-AE-8.yaml', 'dataGapCoveredBy: [R-AE-7]', 'dataGapCoveredBy: [R-AE-8]');
    expect(problems()).toMatch(/dataGapCoveredBy 'R-AE-8' must name another recommendation/);
  });
});
