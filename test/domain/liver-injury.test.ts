/** Liver-injury grade (max) and pattern (clinical.md §2.5 DR-55 reading). */
import { liverInjury } from '../../src/domain/derived/liver-injury';
import { facts, show } from './support';

it.each([
  [0, 0, 0, 0, 'none'],
  [1, 0, 0, 1, 'transaminase'],
  [0, 2, 0, 2, 'transaminase'],
  [0, 0, 1, 1, 'bilirubin'],
  [3, 1, 2, 3, 'mixed'],
])('ALT %p AST %p bilirubin %p → grade %p, %p', (alt, ast, bili, grade, pattern) => {
  const out = liverInjury(facts({ altCtcaeGrade: alt, astCtcaeGrade: ast, bilirubinCtcaeGrade: bili }));
  expect([show(out.liverInjuryGrade), show(out.liverInjuryPattern)]).toEqual([grade, pattern]);
});

it('with a grade missing it is a lower bound: Known from the configured grade up, else Unknown', () => {
  expect(show(liverInjury(facts({ altCtcaeGrade: 1, astCtcaeGrade: 0 }), 3).liverInjuryGrade)).toBe('Unknown:missing-inputs');
  expect(show(liverInjury(facts({ altCtcaeGrade: 2 }), 3).liverInjuryGrade)).toBe('Unknown:missing-inputs');
  const g3 = liverInjury(facts({ altCtcaeGrade: 3 }), 3).liverInjuryGrade;
  expect(show(g3)).toBe(3);
  expect(g3.known && g3.derived).toMatchObject({ method: 'max-lower-bound', detail: expect.stringContaining('at least 3') });
  expect(show(liverInjury(facts({ altCtcaeGrade: 4 }), 3).liverInjuryGrade)).toBe(4);
  expect(show(liverInjury(facts({ altCtcaeGrade: 4 }), 3).liverInjuryPattern)).toBe('Unknown:missing-inputs');
  expect(show(liverInjury(facts({ altCtcaeGrade: 4 })).liverInjuryGrade)).toBe('Unknown:missing-inputs');
});
