/** Response facts from responseHistory: latestResponse, latestResponseDate, responseCriteria, bestResponse, stableDiseaseDays, progressionType, progressionAfterLastTace. */
import { fact, factsOf, reasonOf, valueOf } from './support';

it('response-after-response-progression: PR → SD → PD on the current line', () => {
  const set = factsOf('response-after-response-progression');
  expect(fact(set, 'latestResponse')).toMatchObject({ value: 'PD', effective: '2025-05-20', sources: ['Observation/r3'] });
  expect(valueOf(set, 'latestResponseDate')).toBe('2025-05-20');
  expect(valueOf(set, 'responseCriteria')).toBe('recist-1.1');
  expect(valueOf(set, 'bestResponse')).toBe('PR');
  expect(valueOf(set, 'stableDiseaseDays')).toBe(0);
  expect(valueOf(set, 'progressionType')).toBe('after-response');
  expect(valueOf(set, 'progressionAfterLastTace')).toBe(true);
});

it('response-sd-then-pd: primary by default, after-response when configured (clinical.md §2.4)', () => {
  expect(valueOf(factsOf('response-sd-then-pd'), 'progressionType')).toBe('primary');
  expect(valueOf(factsOf('response-sd-then-pd', { progressionSdThenPdIsAfterResponse: true }), 'progressionType')).toBe('after-response');
  expect(valueOf(factsOf('response-sd-then-pd'), 'progressionAfterLastTace')).toBe(false);
});

it('response-stable-disease-run: SD maintained 80 days, best response PR, no progression', () => {
  const set = factsOf('response-stable-disease-run');
  expect(valueOf(set, 'stableDiseaseDays')).toBe(80);
  expect(valueOf(set, 'bestResponse')).toBe('PR');
  expect(valueOf(set, 'progressionType')).toBe('none');
  expect(valueOf(set, 'responseCriteria')).toBe('mrecist');
});

it('response-from-mcode-disease-status: worsened → PD when no category is recorded; criteria unknown', () => {
  const set = factsOf('response-from-mcode-disease-status');
  expect(valueOf(set, 'latestResponse')).toBe('PD');
  expect(reasonOf(set, 'responseCriteria')).toBe('no-data');
});

it('no assessment → every response fact Unknown no-data', () => {
  const set = factsOf('bilirubin-in-umol-per-l');
  for (const n of ['latestResponse', 'latestResponseDate', 'bestResponse', 'stableDiseaseDays', 'progressionType', 'progressionAfterLastTace']) expect(reasonOf(set, n)).toBe('no-data');
});
