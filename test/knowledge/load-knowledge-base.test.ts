import { join } from 'node:path';
import { cpSync } from 'node:fs';
import { thoroughKbValidators } from '../../src/knowledge/kb-schemas';
import { loadKnowledgeBase } from '../../src/knowledge/load-knowledge-base';
import { catalogueFromFiles } from './support/catalogue';
import { useKnowledgeBaseCopy } from './support/kb-copy';

const factDefinitions = catalogueFromFiles();
const kbCopy = useKnowledgeBaseCopy('kb-');
const { edit, problems } = kbCopy;

describe('loadKnowledgeBase', () => {
  test('the knowledge base in the repository loads with every recommendation of clinical.md §1.3', () => {
    const kb = loadKnowledgeBase({ factDefinitions });
    const ids = kb.recommendations.map((r) => r.id);
    const expected = ['PRE-1', 'ELIG-1', 'ELIG-2', 'ELIG-3', 'MGMT-1', 'MGMT-2', 'MGMT-3', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => `AE-${n}`),
      'TACE-1', 'TACE-2', 'TACE-3', 'TACE-4', 'HAIC-1', 'HAIC-2', 'HAIC-3', 'HAIC-4', 'RT-1', 'RT-2', 'RT-3', 'RT-4',
      'CONV-1', 'CONV-2', 'CONV-3', 'CONV-4', 'ABL-1', 'PROG-1', 'PROG-2', 'PROG-3', 'PROG-4', 'PROG-5'].map((s) => `R-${s}`);
    expect([...ids].sort()).toEqual([...expected].sort());
    for (const rec of kb.recommendations) expect([rec.evidence.level, rec.evidence.strength, rec.review.approvedBy]).toEqual([null, null, []]);
    expect(Object.isFrozen(kb.recommendations[0])).toBe(true);
  });

  test('an unknown fact is a boot error naming the file and the fact', () => {
    edit('recommendations/R-RT-1.yaml', '{ fact: cnlcStage, op: in', '{ fact: bclcStage, op: in');
    expect(problems().join('\n')).toMatch(/R-RT-1\.yaml.*unknown fact 'bclcStage'/);
  });

  test('an unknown operator is a boot error', () => {
    edit('recommendations/R-RT-1.yaml', 'op: in, value: [IIa', 'op: within, value: [IIa');
    expect(problems().join('\n')).toMatch(/R-RT-1\.yaml/);
  });

  test('an operator that does not suit the fact type is a boot error', () => {
    edit('recommendations/R-RT-1.yaml', '{ fact: cnlcStage, op: in, value: [IIa, IIb, IIIa] }', '{ fact: cnlcStage, op: gte, value: 3 }');
    expect(problems().join('\n')).toMatch(/operator 'gte' does not apply to a code fact/);
  });

  test('a code that is not in the fact code list is a boot error', () => {
    edit('recommendations/R-RT-1.yaml', 'value: [IIa, IIb, IIIa]', 'value: [IIa, IIb, III-a]');
    expect(problems().join('\n')).toMatch(/"III-a" is not a code of 'cnlcStage'/);
  });

  test('a summary of 140 characters or more is a boot error', () => {
    edit('recommendations/R-RT-1.yaml', /summary:\n    zh-CN: .*\n    en: .*\n/, `summary:\n    zh-CN: 短\n    en: "${'x'.repeat(140)}"\n`);
    expect(problems().join('\n')).toMatch(/R-RT-1.*summary \[en\].*140 characters/);
  });

  test('suggestions without selectionBehavior are a boot error', () => {
    edit('recommendations/R-RT-1.yaml', '  selectionBehavior: any\n', '');
    expect(problems().join('\n')).toMatch(/R-RT-1\.yaml.*selectionBehavior/);
  });

  test('a duplicate recommendation id is a boot error', () => {
    cpSync(join(kbCopy.dir(), 'recommendations', 'R-RT-1.yaml'), join(kbCopy.dir(), 'recommendations', 'R-RT-9.yaml'));
    expect(problems().join('\n')).toMatch(/duplicate recommendation id 'R-RT-1'/);
  });

  test('an unresolved placeholder and a <…> placeholder are boot errors, and every problem is listed', () => {
    edit('recommendations/R-RT-1.yaml', 'CNLC stage {{cnlcStage}}; macrovascular', 'CNLC stage {{bclcStage}}; macrovascular');
    edit('recommendations/R-RT-2.yaml', 'wordingStrength: 可', 'wordingStrength: "<wording from §1.2>"');
    const list = problems().join('\n');
    expect(list).toMatch(/R-RT-1.*unresolved placeholder \{\{bclcStage\}\}/);
    expect(list).toMatch(/R-RT-2\.yaml.*<…> placeholder/);
  });

  test('a made-up evidence grade is a boot error; a critical indicator on a patient-view card is refused', () => {
    edit('recommendations/R-RT-1.yaml', 'level: null', 'level: "7"');
    edit('recommendations/R-RT-2.yaml', 'indicator: info', 'indicator: critical');
    const list = problems().join('\n');
    expect(list).toMatch(/evidence level '7' is not on the grading scale/);
    expect(list).toMatch(/R-RT-2.*'critical' is reserved/);
  });

  test('schema errors list every problem, several in one file and across files (allErrors pass after a failure)', () => {
    edit('recommendations/R-RT-1.yaml', 'wordingStrength:', 'grade: A\nwordingStrength:');
    edit('recommendations/R-RT-1.yaml', 'version: 2', 'version: one');
    edit('recommendations/R-RT-2.yaml', 'wordingStrength:', 'strengthOfWording: x\nwordingStrength:');
    edit('kb.yaml', 'version: 0.1.0', 'version: [0, 1]');
    const list = problems();
    expect(list.filter((p) => p.startsWith('recommendations/R-RT-1.yaml')).length).toBeGreaterThanOrEqual(2);
    expect(list.join('\n')).toMatch(/R-RT-1\.yaml: \/version must be integer/);
    expect(list.join('\n')).toMatch(/R-RT-2\.yaml: .*'strengthOfWording'/);
    expect(list.join('\n')).toMatch(/kb\.yaml: \/version/);
  });

  test('the schemas themselves are valid against their meta-schema (the boot validators skip that pass)', () => {
    expect(() => thoroughKbValidators()).not.toThrow();
    expect(thoroughKbValidators().recommendation.schema).toEqual(expect.objectContaining({ $id: 'urn:hcc-cds:recommendation' }));
  });

  test('an additional property is a schema error', () => {
    edit('recommendations/R-RT-1.yaml', 'wordingStrength:', 'grade: A\nwordingStrength:');
    expect(problems().join('\n')).toMatch(/must NOT have additional properties 'grade'/);
  });
});
