/** Response facts (clinical.md §2.4, §6): best on the current line, SD duration, progression type with the SD→PD switch. */
import { responseFacts } from '../../src/domain/derived/response';
import type { SeriesEntry } from '../../src/domain/derived/types';
import { facts, show } from './support';

const e = (date: string, value: string, criteria?: string): SeriesEntry => ({ date, value, source: `Observation/${date}`, extras: criteria === undefined ? {} : { criteria } });
const run = (series: SeriesEntry[], values: Record<string, unknown> = {}, sdPd = false): Record<string, unknown> =>
  Object.fromEntries(Object.entries(responseFacts(series, facts(values as never), { sdThenPdIsAfterResponse: sdPd })).map(([k, v]) => [k, show(v)]));

it.each([
  [['CR', 'PD'], 'after-response'],
  [['PR', 'SD', 'PD'], 'after-response'],
  [['SD', 'PD'], 'primary'],
  [['PD'], 'primary'],
  [['NE', 'PD'], 'primary'],
  [['PR', 'SD'], 'none'],
])('%p → %p', (values, type) => {
  const series = values.map((v, i) => e(`2025-0${i + 2}-01`, v));
  expect(run(series, { targetedImmuneStart: '2025-01-15' })['progressionType']).toBe(type);
});

it('SD then PD counts as after-response when configured', () => {
  expect(run([e('2025-02-01', 'SD'), e('2025-03-01', 'PD')], {}, true)['progressionType']).toBe('after-response');
});

it('only the current line counts (assessments before targetedImmuneStart are ignored)', () => {
  const out = run([e('2024-10-01', 'PR'), e('2025-03-01', 'SD'), e('2025-04-01', 'PD')], { targetedImmuneStart: '2025-01-01' });
  expect(out).toMatchObject({ bestResponse: 'SD', progressionType: 'primary', latestResponse: 'PD' });
});

it('SD duration runs from the first SD of the current run; best response, criteria, dates', () => {
  const out = run([e('2025-01-10', 'PR'), e('2025-02-01', 'SD'), e('2025-03-15', 'SD', 'mrecist')]);
  expect(out).toMatchObject({ stableDiseaseDays: 42, bestResponse: 'PR', responseCriteria: 'mrecist', latestResponseDate: '2025-03-15' });
});

it('progression after the last TACE', () => {
  const series = [e('2025-02-01', 'SD'), e('2025-04-01', 'PD')];
  expect(run(series, { lastTaceDate: '2025-03-01' })['progressionAfterLastTace']).toBe(true);
  expect(run(series, { lastTaceDate: '2025-04-15' })['progressionAfterLastTace']).toBe(false);
  expect(run(series)['progressionAfterLastTace']).toBe(false);
});

it('two different categories on the latest day are conflicting', () => {
  expect(run([e('2025-02-01', 'SD'), { ...e('2025-02-01', 'PD'), source: 'Observation/x' }])['latestResponse']).toBe('Unknown:conflicting');
});

describe('targetedImmuneStart Unknown because a drug is unidentifiable (the current line is unknowable)', () => {
  const start = { known: false, reason: 'unmappable-value', detail: 'medication not identifiable', sources: ['MedicationRequest/m'] };
  it('bestResponse, and progressionType after a latest PD, are Unknown unmappable-value', () => {
    const out = responseFacts([e('2024-10-01', 'PR'), e('2025-03-01', 'SD'), e('2025-04-01', 'PD')], facts({ targetedImmuneStart: start } as never), { sdThenPdIsAfterResponse: false });
    for (const f of [out.bestResponse, out.progressionType]) expect(f).toMatchObject({ known: false, reason: 'unmappable-value', missing: ['targetedImmuneStart'], sources: ['MedicationRequest/m'] });
    expect(show(out.latestResponse)).toBe('PD');
    expect(show(out.stableDiseaseDays)).toBe(0);
  });
  it('stableDiseaseDays after a latest SD is Unknown; progressionType "none" stands', () => {
    const out = run([e('2025-02-01', 'SD'), e('2025-04-01', 'SD')], { targetedImmuneStart: start });
    expect(out).toMatchObject({ stableDiseaseDays: 'Unknown:unmappable-value', progressionType: 'none', bestResponse: 'Unknown:unmappable-value', latestResponse: 'SD' });
  });
  it('no-data (nothing on board) keeps reading all assessments', () => {
    expect(run([e('2024-10-01', 'PR'), e('2025-04-01', 'PD')])).toMatchObject({ bestResponse: 'PR', progressionType: 'after-response' });
  });
});
