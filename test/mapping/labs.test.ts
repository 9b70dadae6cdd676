/** Lab facts (fhir-mappings/facts/<lab>.yaml, …Baseline.yaml, …Uln.yaml / plateletsLln.yaml): units, windows, exclusions. */
import { join } from 'node:path';
import { loadInput } from '../../src/cli/load-input';
import { extractFacts } from '../../src/mapping';
import { fact, factsOf, mappings, NOW, reasonOf, valueOf } from './support';

const base = (): ReturnType<typeof extractFacts> => {
  const input = loadInput(join(__dirname, '..', 'fixtures', 'fhir', 'patient-cnlc-iiia-pvtt-child-pugh-a-naive.json'));
  return extractFacts(mappings(), input.resources, { patientId: input.patientId, now: NOW });
};

describe('lab values in canonical units', () => {
  it('bilirubin-in-umol-per-l: kept as recorded', () => {
    const f = fact(factsOf('bilirubin-in-umol-per-l'), 'totalBilirubin');
    expect(f).toMatchObject({ known: true, value: 34, unit: 'umol/L', sources: ['Observation/tb'] });
  });
  it('bilirubin-in-mg-per-dl: converted with the molar mass 584.66 g/mol (UCUM)', () => {
    const set = factsOf('bilirubin-in-mg-per-dl');
    expect(valueOf(set, 'totalBilirubin')).toBeCloseTo(34.208, 3);
    expect(fact(set, 'totalBilirubin')).toMatchObject({ unit: 'umol/L' });
    expect(valueOf(set, 'totalBilirubinUln')).toBeCloseTo(20.525, 3);
  });
  it('every lab of the complete fixture comes out in its catalogue unit', () => {
    const set = base();
    const expected: [string, number, string][] = [
      ['totalBilirubin', 18, 'umol/L'], ['alt', 45, 'U/L'], ['ast', 52, 'U/L'], ['albumin', 38, 'g/L'], ['inr', 1.1, '{INR}'],
      ['platelets', 165, '10*9/L'], ['afp', 820, 'ng/mL'], ['pivka', 1500, 'mAU/mL'], ['creatinine', 78, 'umol/L'], ['tsh', 2.1, 'm[IU]/L'],
      ['freeT4', 15, 'pmol/L'], ['troponinI', 5, 'ng/L'], ['ckmb', 1.8, 'ng/mL'], ['hbvDna', 150, '[IU]/mL'],
    ];
    for (const [name, value, unit] of expected) expect([name, fact(set, name)]).toEqual([name, expect.objectContaining({ known: true, value, unit })]);
    expect(reasonOf(set, 'hcvRna')).toBe('no-data');
  });
  it('pivka-units-as-recorded: PIVKA-II keeps ng/mL (no conversion to mAU/mL)', () => {
    expect(fact(factsOf('pivka-units-as-recorded'), 'pivka')).toMatchObject({ value: 40, unit: 'ng/mL' });
  });
});

describe('Unknown instead of a guess', () => {
  it('unit-unconvertible: albumin in U/L → Unknown unmappable-unit with a data issue', () => {
    const set = factsOf('unit-unconvertible');
    expect(fact(set, 'albumin')).toMatchObject({ known: false, reason: 'unmappable-unit', sources: ['Observation/alb'] });
    expect(set.issues.some((i) => i.code === 'unmappable-unit' && i.location === 'Observation/alb')).toBe(true);
  });
  it('lab-stale: a 92-day-old ALT is Unknown stale (limit 30 days), with the old value in the detail', () => {
    const f = fact(factsOf('lab-stale'), 'alt');
    expect(f).toMatchObject({ known: false, reason: 'stale' });
    expect(f.known ? '' : f.detail).toContain('45 U/L');
  });
  it('the same ALT read on its day is Known', () => {
    expect(valueOf(factsOf('lab-stale', { now: new Date('2025-03-15T00:00:00Z') }), 'alt')).toBe(45);
  });
  it('beyond the lookback a lab is no-data', () => {
    expect(reasonOf(factsOf('lab-stale', { now: new Date('2026-06-01T00:00:00Z') }), 'alt')).toBe('no-data');
  });
  it('results dated after "now" are not visible', () => {
    expect(reasonOf(factsOf('lab-stale', { now: new Date('2025-02-01T00:00:00Z') }), 'alt')).toBe('no-data');
  });
  it('entered-in-error-ignored: the newer entered-in-error ALT is skipped', () => {
    expect(fact(factsOf('entered-in-error-ignored'), 'alt')).toMatchObject({ value: 45, sources: ['Observation/alt-ok'] });
  });
  it('conflicting-same-time: two different values at the same instant → conflicting', () => {
    expect(fact(factsOf('conflicting-same-time'), 'alt')).toMatchObject({ known: false, reason: 'conflicting', sources: ['Observation/a1', 'Observation/a2'] });
  });
  it("other-patient-ignored: another patient's resource never becomes a fact", () => {
    const set = factsOf('other-patient-ignored');
    expect(fact(set, 'alt')).toMatchObject({ value: 45, sources: ['Observation/alt'] });
    expect(set.issues.map((i) => i.code)).toContain('other-patient');
  });
});

describe('reference limits (altUln, astUln, totalBilirubinUln, creatinineUln, plateletsLln)', () => {
  it('come from referenceRange of the value used', () => {
    const set = base();
    expect(fact(set, 'altUln')).toMatchObject({ value: 40, unit: 'U/L', sources: ['Observation/alt'] });
    expect(fact(set, 'astUln')).toMatchObject({ value: 40, sources: ['Observation/ast'] });
    expect(fact(set, 'totalBilirubinUln')).toMatchObject({ value: 21, unit: 'umol/L' });
    expect(fact(set, 'creatinineUln')).toMatchObject({ value: 104, unit: 'umol/L' });
    expect(fact(set, 'plateletsLln')).toMatchObject({ value: 125, unit: '10*9/L' });
  });
  it('fall back to the mapping default when the lab gives none', () => {
    const f = fact(factsOf('bilirubin-in-umol-per-l'), 'totalBilirubinUln');
    expect(f).toMatchObject({ known: true, value: 17.1, unit: 'umol/L', derived: { method: 'mapping-default' } });
    expect(fact(factsOf('bilirubin-in-umol-per-l'), 'altUln')).toMatchObject({ value: 40, derived: { method: 'mapping-default' } });
    expect(fact(factsOf('bilirubin-in-umol-per-l'), 'creatinineUln')).toMatchObject({ value: 97 });
    expect(fact(factsOf('bilirubin-in-umol-per-l'), 'plateletsLln')).toMatchObject({ value: 125 });
  });
});

describe('baselines (altBaseline, astBaseline, totalBilirubinBaseline, creatinineBaseline)', () => {
  it('alt-baseline-abnormal: the last value on or before the start of the current targeted/immune therapy', () => {
    const set = factsOf('alt-baseline-abnormal');
    expect(valueOf(set, 'targetedImmuneStart')).toBe('2025-03-01');
    expect(fact(set, 'altBaseline')).toMatchObject({ value: 80, sources: ['Observation/alt0'] });
    expect(valueOf(set, 'alt')).toBe(130);
  });
  it('without a current therapy the baseline is Unknown (missing targetedImmuneStart)', () => {
    const set = base();
    for (const name of ['altBaseline', 'astBaseline', 'totalBilirubinBaseline', 'creatinineBaseline']) {
      expect(fact(set, name)).toMatchObject({ known: false, reason: 'missing-inputs', missing: ['targetedImmuneStart'] });
    }
  });
  it('a value after the start is not a baseline', () => {
    const set = factsOf('bilirubin-in-umol-per-l');
    expect(reasonOf(set, 'totalBilirubinBaseline')).toBe('missing-inputs');
  });
});
