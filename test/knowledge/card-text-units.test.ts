/** Issue 9 rendering rules as units: display units, template sections, the population rule, missing raw inputs. */
import { known, unknown, type Fact } from '../../src/domain/facts';
import { displayUnit, withUnit } from '../../src/knowledge/format-unit';
import { rankMissingInputs, rawInputsOf } from '../../src/knowledge/missing-inputs';
import { conditionsPlacePatient, inPopulation } from '../../src/knowledge/population';
import { hasMalformedSlot, parseTemplate, renderTemplate } from '../../src/knowledge/template';
import type { Outcome, TraceNode } from '../../src/knowledge/types';

describe('display units (UCUM code → clinical notation)', () => {
  test.each([
    ['umol/L', 'μmol/L'],
    ['10*9/L', '×10⁹/L'],
    ['10*12/L', '×10¹²/L'],
    ['[IU]/mL', 'IU/mL'],
    ['m[IU]/L', 'mIU/L'],
    ['ug/L', 'μg/L'],
    ['U/L', 'U/L'],
    ['mg/dL', 'mg/dL'],
    ['{INR}', ''],
  ])('%s → %s', (ucum, shown) => expect(displayUnit(ucum)).toBe(shown));

  test('value and unit: a space, except for % and unitless codes', () => {
    expect(withUnit('41', 'umol/L')).toBe('41 μmol/L');
    expect(withUnit('45', '%')).toBe('45%');
    expect(withUnit('1.1', '{INR}')).toBe('1.1');
    expect(withUnit('7', undefined)).toBe('7');
  });
});

describe('template sections {{#fact}}…{{/fact}}', () => {
  const t = parseTemplate('latest {{r}}{{#sd}} (SD for {{sd}} days){{/sd}}.');
  test('the section is a slot name (checked like one) and renders only when shown', () => {
    expect(t.slots).toEqual(['r', 'sd']);
    expect(renderTemplate(t, (s) => (s === 'r' ? 'SD' : '120'), () => true)).toBe('latest SD (SD for 120 days).');
    expect(renderTemplate(t, (s) => (s === 'r' ? 'PR' : '0'), () => false)).toBe('latest PR.');
  });
  test('unbalanced or crossed sections are malformed', () => {
    expect(hasMalformedSlot('a {{#x}} b')).toBe(true);
    expect(hasMalformedSlot('a {{/x}} b')).toBe(true);
    expect(hasMalformedSlot('{{#x}}{{#y}}{{/x}}{{/y}}')).toBe(true);
    expect(hasMalformedSlot('{{#x}}ok {{x}}{{/x}}')).toBe(false);
  });
});

const leaf = (fact: string, result: TraceNode['result'], op: TraceNode['op'] = 'equals'): TraceNode => ({ kind: 'leaf', fact, op, result, ...(result !== 'unknown' ? { actual: 1 } : {}) });
const all = (...children: TraceNode[]): TraceNode => ({ kind: 'all', result: children.some((c) => c.result === false) ? false : children.every((c) => c.result === true) ? true : 'unknown', children });
const outcome = (trace: TraceNode, missing: string[], scope: TraceNode['result'] = true): Outcome => ({ recommendationId: 'X', status: 'notEvaluable', missingFacts: missing, trace, scopeTrace: leaf('hccDiagnosis', scope) });

describe('the population rule (gating facts = the gate’s requiredFacts)', () => {
  test('gating facts known and true, another condition missing: in the population', () => {
    expect(inPopulation(outcome(all(leaf('progressionType', true), leaf('therapyPhase', 'unknown')), ['therapyPhase']), ['progressionType'])).toBe(true);
  });
  test('a gating fact missing: outside', () => {
    expect(inPopulation(outcome(all(leaf('progressionType', 'unknown'), leaf('therapyPhase', 'unknown')), ['progressionType', 'therapyPhase']), ['progressionType'])).toBe(false);
  });
  test('no gating facts declared and conditions open: outside; conditions true (exclusions open): inside', () => {
    expect(conditionsPlacePatient(all(leaf('a', true), leaf('b', 'unknown')), [])).toBe(false);
    expect(conditionsPlacePatient(all(leaf('a', true), leaf('b', true)), [])).toBe(true);
  });
  test('scope not known true: outside', () => {
    expect(inPopulation(outcome(all(leaf('a', true), leaf('b', 'unknown')), ['b'], 'unknown'), ['a'])).toBe(false);
  });
  test('a fired or ruled-out recommendation never asks', () => {
    expect(inPopulation({ recommendationId: 'X', status: 'fires', missingFacts: [], trace: leaf('a', true), scopeTrace: leaf('h', true) }, ['a'])).toBe(false);
  });
});

describe('missing raw inputs', () => {
  const facts: Record<string, Fact> = {
    childPughClass: unknown('missing-inputs', { missing: ['childPughScore'] }),
    childPughScore: unknown('missing-inputs', { missing: ['totalBilirubin', 'albumin', 'internalOnly'] }),
    totalBilirubin: unknown('stale', { detail: 'last value 12 umol/L on 2024-01-02 is 500 days old (limit 90)' }),
    albumin: unknown('no-data', { detail: '1 result(s) older than the 365-day lookback, the latest on 2023-11-30' }),
    internalOnly: unknown('no-data'),
    ecog: unknown('conflicting', { detail: 'different values recorded at 2025-05-20' }),
    alt: unknown('unmappable-unit', { detail: "unit 'furlong' cannot be converted" }),
    afp: known(5, { sources: [] }),
  };
  const labelled = (f: string): boolean => f !== 'internalOnly';

  test('a derived fact comes down to its labelled raw inputs', () => {
    expect(rawInputsOf('childPughClass', facts, labelled)).toEqual(['totalBilirubin', 'albumin']);
    expect(rawInputsOf('ecog', facts, labelled)).toEqual(['ecog']);
  });

  test('ranked by how many recommendations each would settle, with reason and last date', () => {
    const ranked = rankMissingInputs([{ id: 'R-1', missingFacts: ['ecog'] }, { id: 'R-2', missingFacts: ['childPughClass', 'ecog'] }, { id: 'R-3', missingFacts: ['alt'] }], facts, labelled);
    expect(ranked).toEqual([
      { fact: 'ecog', reason: 'conflicting', lastDate: '2025-05-20', recommendations: ['R-1', 'R-2'] },
      { fact: 'totalBilirubin', reason: 'stale', lastDate: '2024-01-02', recommendations: ['R-2'] },
      { fact: 'albumin', reason: 'outsideLookback', lastDate: '2023-11-30', recommendations: ['R-2'] },
      { fact: 'alt', reason: 'unit', recommendations: ['R-3'] },
    ]);
  });
});
