import { known, unknown, type Fact } from '../../src/domain/facts';
import { compileCondition } from '../../src/knowledge/compile-condition';
import fc from 'fast-check';
import { decideCondition, evaluateCondition, knownFactsOf, missingFactsOf } from '../../src/knowledge/evaluate-condition';
import { compileResourceTemplate } from '../../src/knowledge/resource-template';
import type { ConditionNode } from '../../src/knowledge/types';

const facts: Record<string, Fact> = {
  stage: known('IIIa', { sources: ['Observation/s'] }),
  ecog: known(1, { sources: ['Observation/e'] }),
  diameter: known(4.5, { unit: 'cm', sources: [] }),
  flag: known(true, { sources: [] }),
  vessel: known('present', { sources: [] }),
  missing: unknown('no-data'),
};

const run = (node: ConditionNode) => evaluateCondition(compileCondition(node, (leaf) => leaf.value), facts);

describe('three-valued condition evaluation', () => {
  test('a leaf over an Unknown fact is unknown, never false, and names the fact as missing', () => {
    const trace = run({ fact: 'missing', op: 'isTrue' });
    expect(trace.result).toBe('unknown');
    expect(missingFactsOf(trace)).toEqual(['missing']);
  });

  test('a fact absent from the fact set counts as Unknown', () => {
    expect(run({ fact: 'notThere', op: 'gte', value: 1 }).result).toBe('unknown');
  });

  test('all: false wins over unknown, so a ruled-out recommendation asks for nothing', () => {
    const trace = run({ all: [{ fact: 'stage', op: 'equals', value: 'IV' }, { fact: 'missing', op: 'isTrue' }] });
    expect(trace.result).toBe(false);
    expect(missingFactsOf(trace)).toEqual([]);
  });

  test('any: true wins over unknown; unknown beats false', () => {
    expect(run({ any: [{ fact: 'flag', op: 'isTrue' }, { fact: 'missing', op: 'isTrue' }] }).result).toBe(true);
    const t = run({ any: [{ fact: 'flag', op: 'isFalse' }, { fact: 'missing', op: 'isTrue' }] });
    expect(t.result).toBe('unknown');
    expect(missingFactsOf(t)).toEqual(['missing']);
  });

  test('not keeps unknown unknown and flips decided values', () => {
    expect(run({ not: { fact: 'missing', op: 'isTrue' } }).result).toBe('unknown');
    expect(run({ not: { fact: 'flag', op: 'isTrue' } }).result).toBe(false);
  });

  test('known is decided even on Unknown facts', () => {
    expect(run({ fact: 'missing', op: 'known' }).result).toBe(false);
    expect(run({ fact: 'stage', op: 'known' }).result).toBe(true);
  });

  test('operators compare inclusively where the name says so', () => {
    expect(run({ fact: 'ecog', op: 'between', value: [0, 1] }).result).toBe(true);
    expect(run({ fact: 'ecog', op: 'between', value: [2, 4] }).result).toBe(false);
    expect(run({ fact: 'diameter', op: 'lte', value: 4.5 }).result).toBe(true);
    expect(run({ fact: 'diameter', op: 'lt', value: 4.5 }).result).toBe(false);
    expect(run({ fact: 'stage', op: 'in', value: ['IIIa', 'IIIb'] }).result).toBe(true);
    expect(run({ fact: 'stage', op: 'notIn', value: ['IIIa'] }).result).toBe(false);
  });

  test('unknownFor turns a recorded but unusable code into unknown', () => {
    const node: ConditionNode = { fact: 'vessel', op: 'in', value: ['portal-vein', 'hepatic-vein'], unknownFor: ['present'] };
    const trace = run(node);
    expect(trace.result).toBe('unknown');
    expect(missingFactsOf(trace)).toEqual(['vessel']);
  });

  test('the trace lists the known facts it looked at', () => {
    const trace = run({ all: [{ fact: 'stage', op: 'equals', value: 'IIIa' }, { fact: 'ecog', op: 'lte', value: 2 }, { fact: 'missing', op: 'isTrue' }] });
    expect([...knownFactsOf(trace)]).toEqual(['stage', 'ecog']);
  });
});

describe('decideCondition (result without a trace, short-circuiting)', () => {
  const leaf = fc.constantFrom<ConditionNode>(
    { fact: 'stage', op: 'equals', value: 'IIIa' },
    { fact: 'stage', op: 'in', value: ['IIb', 'IV'] },
    { fact: 'ecog', op: 'lte', value: 1 },
    { fact: 'ecog', op: 'gt', value: 1 },
    { fact: 'flag', op: 'isTrue' },
    { fact: 'flag', op: 'isFalse' },
    { fact: 'missing', op: 'isTrue' },
    { fact: 'missing', op: 'known' },
    { fact: 'notThere', op: 'gte', value: 2 },
    { fact: 'vessel', op: 'in', value: ['portal-vein'], unknownFor: ['present'] },
  );
  const tree = fc.letrec<{ node: ConditionNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((all) => ({ all })),
      fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((any) => ({ any })),
      tie('node').map((not) => ({ not })),
    ),
  })).node;

  test('always gives the same answer as the traced evaluation', () => {
    fc.assert(
      fc.property(tree, (node) => {
        const compiled = compileCondition(node, (l) => l.value);
        expect(decideCondition(compiled, facts)).toBe(evaluateCondition(compiled, facts).result);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('compiled suggestion resources', () => {
  test('slots are filled, what renders empty is left out, literal subtrees are shared and frozen', () => {
    const render = compileResourceTemplate({
      resourceType: 'MedicationRequest',
      subject: { reference: 'Patient/{{patientId}}' },
      note: [{ text: '{{doseText}}' }],
      dosageInstruction: [{ text: '{{doseText}}' }, { text: 'fixed' }],
      medicationCodeableConcept: { coding: [{ system: 'http://x', code: 'c', display: '' }] },
    });
    const a = render({ patientId: 'p1', doseText: '  ' }) as Record<string, unknown>;
    expect(a).toEqual({
      resourceType: 'MedicationRequest',
      subject: { reference: 'Patient/p1' },
      dosageInstruction: [{ text: 'fixed' }],
      medicationCodeableConcept: { coding: [{ system: 'http://x', code: 'c' }] },
    });
    const b = render({ patientId: 'p2', doseText: '2 mg/kg/day' }) as Record<string, unknown>;
    expect(b['note']).toEqual([{ text: '2 mg/kg/day' }]);
    expect(b['medicationCodeableConcept']).toBe(a['medicationCodeableConcept']);
    expect(Object.isFrozen(a['medicationCodeableConcept'])).toBe(true);
    expect(b['subject']).not.toBe(a['subject']);
    expect(compileResourceTemplate({ text: '{{x}}' })({})).toBeUndefined();
  });
});
