/** population.ts: which not-evaluable recommendations a data-gap card lists (issue 9). */
import { gapCoveredByFiredCard } from '../../src/knowledge/population';

describe('gapCoveredByFiredCard', () => {
  test('covered when a named recommendation fired', () => {
    expect(gapCoveredByFiredCard(['R-X-1'], new Set(['R-X-1', 'R-Y-2']))).toBe(true);
  });
  test('not covered when the named recommendation did not fire', () => {
    expect(gapCoveredByFiredCard(['R-X-1'], new Set(['R-Y-2']))).toBe(false);
  });
  test('not covered when nothing is named', () => {
    expect(gapCoveredByFiredCard(undefined, new Set(['R-X-1']))).toBe(false);
  });
});
