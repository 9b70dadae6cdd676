import { known, unknown, type Fact } from '../../src/domain/facts';
import { compileCondition } from '../../src/knowledge/compile-condition';
import { evaluateCondition, knownFactsOf, missingFactsOf } from '../../src/knowledge/evaluate-condition';
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
