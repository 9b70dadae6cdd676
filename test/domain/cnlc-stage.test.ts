/** CNLC staging (clinical.md §3.1): recorded wins; otherwise the ordered algorithm; Unknown with what is missing. */
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

it('a recorded stage wins', () => {
  const recorded = known('IIb', { effective: '2025-01-01', sources: ['Condition/hcc'] });
  expect(cnlcStage(facts({ ...BASE, cnlcStageRecorded: recorded } as never), T).cnlcStage).toBe(recorded);
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
