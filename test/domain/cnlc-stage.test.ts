/** CNLC staging (clinical.md §3.1): a current recorded stage; otherwise the ordered algorithm; Unknown with what is missing or contradicts. */
import { known } from '../../src/domain/facts';
import { cnlcStage, type CnlcTable } from '../../src/domain/derived/cnlc-stage';
import { facts, show, table } from './support';

const T = table<CnlcTable>('cnlc');
const BASE = { ecog: 1, childPughClass: 'A', extrahepaticMetastasis: false, lymphNodeMetastasis: false, macrovascularInvasion: 'none', tumorCount: 1, maxTumorDiameter: 3 };
const stage = (over: Record<string, unknown>): unknown => show(cnlcStage(facts({ ...BASE, ...over } as never), T).cnlcStage);

it.each([
  [{ tumorCount: 1, maxTumorDiameter: 5 }, 'Ia'],
  [{ tumorCount: 1, maxTumorDiameter: 5.01 }, 'Ib'],
  [{ tumorCount: 2, maxTumorDiameter: 3 }, 'Ib'],
  [{ tumorCount: 3, maxTumorDiameter: 3 }, 'Ib'],
  [{ tumorCount: 2, maxTumorDiameter: 3.01 }, 'IIa'],
  [{ tumorCount: 3, maxTumorDiameter: 12 }, 'IIa'],
  [{ tumorCount: 4, maxTumorDiameter: 1 }, 'IIb'],
  [{ tumorCount: 9, maxTumorDiameter: undefined }, 'IIb'],
  [{ macrovascularInvasion: 'portal-vein' }, 'IIIa'],
  [{ macrovascularInvasion: 'ivc' }, 'IIIa'],
  [{ macrovascularInvasion: 'present', tumorCount: undefined }, 'IIIa'],
  [{ extrahepaticMetastasis: true, macrovascularInvasion: 'portal-vein' }, 'IIIb'],
  [{ lymphNodeMetastasis: true, extrahepaticMetastasis: undefined }, 'IIIb'],
  [{ ecog: 2, extrahepaticMetastasis: true }, 'IIIb'],
  [{ ecog: 3 }, 'IV'],
  [{ ecog: 4, childPughClass: undefined }, 'IV'],
  [{ childPughClass: 'C', ecog: undefined }, 'IV'],
  [{ childPughClass: 'B' }, 'Ia'],
])('%p → %p', (over, expected) => expect(stage(over)).toBe(expected));

it('records the derivation', () => {
  const f = cnlcStage(facts({ ...BASE, macrovascularInvasion: 'portal-vein' } as never), T).cnlcStage;
  expect(f).toMatchObject({ known: true, value: 'IIIa', derived: { from: ['ecog', 'childPughClass', 'extrahepaticMetastasis', 'macrovascularInvasion'] } });
  expect(f.known ? f.derived?.detail : '').toContain('portal-vein');
});

it('a recorded stage not older than the data it is derived from is used as recorded', () => {
  const recorded = known('IIb', { effective: '2025-06-01', sources: ['Observation/stage'] });
  const issues: string[] = [];
  expect(cnlcStage(facts({ ...BASE, cnlcStageRecorded: recorded } as never), T, (m) => issues.push(m)).cnlcStage).toBe(recorded);
  expect(issues).toEqual([]);
});

it('an older recorded stage gives way to the stage newer data give, with a data issue naming the conflict', () => {
  const recorded = known('IIb', { effective: '2025-01-01', sources: ['Observation/stage'] });
  const issues: { m: string; at: string | undefined }[] = [];
  const out = cnlcStage(facts({ ...BASE, cnlcStageRecorded: recorded, childPughClass: 'C' } as never), T, (m, at) => issues.push({ m, at })).cnlcStage;
  expect(show(out)).toBe('IV');
  expect(issues).toEqual([{ m: expect.stringContaining('recorded CNLC stage IIb (2025-01-01) is contradicted by newer data (Child-Pugh C'), at: 'Observation/stage' }]);
  expect(issues[0]?.m).toContain('stage IV');
});

it('an older recorded stage that the newer data agree with raises no issue', () => {
  const recorded = known('Ia', { effective: '2025-01-01', sources: ['Observation/stage'] });
  const issues: string[] = [];
  expect(show(cnlcStage(facts({ ...BASE, cnlcStageRecorded: recorded } as never), T, (m) => issues.push(m)).cnlcStage)).toBe('Ia');
  expect(issues).toEqual([]);
});

it.each([
  ['IIa', { extrahepaticMetastasis: true, ecog: undefined }, 'extrahepatic metastasis'],
  ['IIa', { macrovascularInvasion: 'portal-vein', ecog: undefined }, 'macrovascular invasion (portal-vein)'],
  ['IIIa', { macrovascularInvasion: 'none', tumorCount: undefined }, 'no macrovascular invasion'],
  ['IV', { ecog: 1, childPughClass: 'B', tumorCount: undefined }, 'ECOG 1 and Child-Pugh B'],
])('recorded %p contradicted by newer %p and not derivable → Unknown (conflicting) and reported', (rec, over, why) => {
  const recorded = known(rec, { effective: '2025-01-01', sources: ['Observation/stage'] });
  const issues: string[] = [];
  const out = cnlcStage(facts({ ...BASE, ...over, cnlcStageRecorded: recorded } as never), T, (m) => issues.push(m)).cnlcStage;
  expect(show(out)).toBe('Unknown:conflicting');
  expect(issues).toEqual([expect.stringContaining(why)]);
});

it('a recorded stage is kept when the derived one differs only through data older than the record', () => {
  const old = (v: unknown): unknown => known(v as never, { effective: '2025-01-01', sources: ['Observation/x'] });
  const recorded = known('IIIa', { effective: '2025-03-01', sources: ['Observation/stage'] });
  const lookup = facts({ ...BASE, macrovascularInvasion: old('none'), tumorCount: old(1), maxTumorDiameter: old(3), cnlcStageRecorded: recorded } as never);
  const issues: string[] = [];
  expect(cnlcStage(lookup, T, (m) => issues.push(m)).cnlcStage).toBe(recorded);
  expect(issues).toEqual([]);
});

it('a newer tumour burden that gives another burden stage replaces the recorded one', () => {
  const recorded = known('Ia', { effective: '2025-01-01', sources: ['Observation/stage'] });
  const issues: string[] = [];
  expect(show(cnlcStage(facts({ ...BASE, tumorCount: 2, maxTumorDiameter: 4, cnlcStageRecorded: recorded } as never), T, (m) => issues.push(m)).cnlcStage)).toBe('IIa');
  expect(issues).toEqual([expect.stringContaining('tumour burden (stage IIa)')]);
});

it('a recorded stage that newer, incomplete data do not contradict is kept', () => {
  const recorded = known('IIIa', { effective: '2025-01-01', sources: ['Observation/stage'] });
  expect(cnlcStage(facts({ ecog: 1, childPughClass: 'A', cnlcStageRecorded: recorded } as never), T).cnlcStage).toBe(recorded);
});

it.each([
  [{ ecog: undefined }, ['ecog']],
  [{ childPughClass: undefined }, ['childPughClass']],
  [{ extrahepaticMetastasis: undefined }, ['extrahepaticMetastasis']],
  [{ macrovascularInvasion: undefined }, ['macrovascularInvasion']],
  [{ tumorCount: undefined }, ['tumorCount']],
  [{ tumorCount: 2, maxTumorDiameter: undefined }, ['maxTumorDiameter']],
])('%p → Unknown missing %p', (over, missing) => {
  expect(cnlcStage(facts({ ...BASE, ...over } as never), T).cnlcStage).toMatchObject({ known: false, reason: 'missing-inputs', missing });
});
