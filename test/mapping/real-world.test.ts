/**
 * Real-world shapes (issue 10, "Read what standard data says", "Treatments as episodes", "Diagnosis and procedures"):
 * HL7 US Core R4 examples and a Synthea patient as published, and hand-built hospital variants
 * (test/fixtures/real-world/README.md). Each shape is read as a clinician would read it, or is Unknown with a data
 * issue naming the resource and the reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FactSet } from '../../src/domain/facts';
import { loadInput } from '../../src/cli/load-input';
import { describeOrder, extractFacts } from '../../src/mapping';
import { fact, mappings, NOW, reasonOf, valueOf } from './support';

const DIR = join(__dirname, '..', 'fixtures', 'real-world');

function read(path: string, now: Date = NOW): FactSet {
  const input = loadInput(join(DIR, path));
  return extractFacts(mappings(), input.resources, { patientId: input.patientId, now });
}

/** A single published resource (kept verbatim, not in a Bundle) for the patient it names. */
function readResource(path: string, patientId: string, now: Date): FactSet {
  const resource = JSON.parse(readFileSync(join(DIR, path), 'utf8')) as never;
  return extractFacts(mappings(), [resource], { patientId, now });
}

function hospital(name: string): FactSet {
  return read(join('hospital', `${name}.json`));
}

function issue(set: FactSet, code: string, location: string): string {
  const found = set.issues.find((i) => i.code === code && i.location === location);
  if (found === undefined) throw new Error(`no ${code} issue at ${location}: ${JSON.stringify(set.issues)}`);
  return found.message;
}

function effectiveOf(set: FactSet, name: string): string | undefined {
  const f = fact(set, name);
  return f.known ? f.effective : undefined;
}

function sourcesOf(set: FactSet, name: string): readonly string[] {
  const f = fact(set, name);
  return f.sources ?? [];
}

describe('HL7 US Core R4 examples', () => {
  it('serum total bilirubin 8.6 mg/dL is read in umol/L with its reference range, on its day', () => {
    const set = readResource('hl7/Observation-serum-total-bilirubin.json', 'example', new Date('2005-07-20T00:00:00Z'));
    expect(valueOf(set, 'totalBilirubin')).toBeCloseTo(147.1, 0);
    expect(effectiveOf(set, 'totalBilirubin')).toBe('2005-07-07');
    expect(valueOf(set, 'totalBilirubinUln')).toBeCloseTo(119.7, 0);
  });

  it('serum creatinine 1.0 mg/dL is read in umol/L', () => {
    const set = readResource('hl7/Observation-serum-creatinine.json', 'example', new Date('2005-07-20T00:00:00Z'));
    expect(valueOf(set, 'creatinine')).toBeCloseTo(88.4, 0);
  });

  it('twenty years later the same result is not used, and a data issue says why', () => {
    const set = readResource('hl7/Observation-serum-total-bilirubin.json', 'example', NOW);
    expect(reasonOf(set, 'totalBilirubin')).toBe('no-data');
    expect(issue(set, 'outside-lookback', 'Observation/serum-total-bilirubin')).toContain('365-day lookback');
  });
});

describe('a Synthea patient (transaction Bundle, urn:uuid subjects)', () => {
  const set = read('synthea/sample-complete-patient-extract.json', new Date('2021-01-01T00:00:00Z'));

  it('belongs to the patient and is read without a drop', () => {
    expect(set.issues.filter((i) => i.code === 'other-patient')).toEqual([]);
    expect(valueOf(set, 'hccDiagnosis')).toBe(false);
    expect(valueOf(set, 'treatmentNaive')).toBe(true);
  });

  it('a blood-pressure panel is not read as any lab', () => {
    for (const name of ['alt', 'ast', 'albumin', 'platelets', 'creatinine', 'totalBilirubin']) expect(reasonOf(set, name)).toBe('no-data');
  });
});

describe('other standard codes for the same analyte', () => {
  it('creatinine 38483-4, total bilirubin 42719-5 (Synthea codes) and ALT in blood 76625-3 are read', () => {
    const set = hospital('synthea-lab-codes');
    expect(valueOf(set, 'alt')).toBe(33);
    expect(valueOf(set, 'creatinine')).toBeCloseTo(79.6, 0);
    expect(valueOf(set, 'totalBilirubin')).toBeCloseTo(20.5, 0);
  });
});

describe('dates, panels, status and time', () => {
  it('a result without effective[x] / issued takes the date of the DiagnosticReport listing it', () => {
    const set = hospital('date-from-report');
    expect(valueOf(set, 'alt')).toBe(52);
    expect(effectiveOf(set, 'alt')).toBe('2025-05-18T08:00:00+08:00');
    expect(reasonOf(set, 'ast')).toBe('no-data');
    expect(issue(set, 'no-date', 'Observation/ast')).toContain('no usable date');
  });

  it('a hepatic function panel whose components carry LOINC codes yields those labs, named by the panel', () => {
    const set = hospital('hepatic-panel-components');
    expect(valueOf(set, 'alt')).toBe(64);
    expect(valueOf(set, 'ast')).toBe(58);
    expect(valueOf(set, 'albumin')).toBe(36);
    expect(valueOf(set, 'totalBilirubin')).toBeCloseTo(25.7, 0);
    expect(valueOf(set, 'altUln')).toBe(40);
    expect(sourcesOf(set, 'alt')).toEqual(['Observation/lfp']);
    expect(effectiveOf(set, 'alt')).toBe('2025-05-25');
  });

  it('preliminary-only, future-dated and only-older-than-lookback results are not used, each with a data issue', () => {
    const set = hospital('status-and-time');
    expect(reasonOf(set, 'alt')).toBe('no-data');
    expect(issue(set, 'not-final', 'Observation/alt-prelim')).toContain("'preliminary'");
    expect(reasonOf(set, 'ast')).toBe('no-data');
    expect(issue(set, 'future-date', 'Observation/ast-future')).toContain('after now');
    expect(reasonOf(set, 'albumin')).toBe('no-data');
    expect(issue(set, 'outside-lookback', 'Observation/alb-old')).toContain('2023-01-10');
  });

  it('a resource with an unknown modifierExtension is not used; facts that need every order become Unknown', () => {
    const set = hospital('modifier-extension');
    expect(issue(set, 'unknown-modifier', 'Observation/alt-mod')).toContain('result-revoked');
    expect(issue(set, 'unknown-modifier', 'MedicationRequest/atezo-mod')).toContain('not-given');
    expect(reasonOf(set, 'alt')).toBe('no-data');
    expect(valueOf(set, 'ast')).toBe(44);
    expect(reasonOf(set, 'onIci')).toBe('unmappable-value');
    expect(reasonOf(set, 'treatmentNaive')).toBe('unmappable-value');
    expect(valueOf(set, 'onTki')).toBe(false);
  });

  it('versioned and absolute references to the same patient belong to the patient; another patient does not', () => {
    const set = hospital('references-absolute-history');
    expect(valueOf(set, 'alt')).toBe(52);
    expect(valueOf(set, 'ast')).toBe(47);
    expect(valueOf(set, 'albumin')).toBe(39);
    expect(reasonOf(set, 'platelets')).toBe('no-data');
    expect(set.issues.some((i) => i.code === 'other-patient')).toBe(true);
  });
});

describe('drugs by brand, by pre-2022 ATC, given or ordered per cycle', () => {
  it('泰圣奇 + 安维汀 (Chinese brand names only) are atezolizumab + bevacizumab, not treatment-naive', () => {
    const set = hospital('drugs-by-brand-zh');
    expect(valueOf(set, 'onTargetedImmune')).toBe(true);
    expect(valueOf(set, 'systemicAgents')).toEqual(['atezolizumab', 'bevacizumab']);
    expect(valueOf(set, 'treatmentNaive')).toBe(false);
  });

  it('Tecentriq / AVASTIN / Lenvima as displays of local codes, 达伯舒 and 艾瑞卡 as past orders', () => {
    const set = hospital('drugs-by-brand-en');
    expect(valueOf(set, 'systemicAgents')).toEqual(['atezolizumab', 'bevacizumab', 'lenvatinib']);
    expect(valueOf(set, 'everSystemicTherapy')).toBe(true);
    expect(sourcesOf(set, 'everSystemicTherapy')).toEqual(expect.arrayContaining(['MedicationRequest/s', 'MedicationRequest/c']));
  });

  it('pre-2022 ATC codes L01XC32 / L01XC07 / L01XE29 are read as the agents', () => {
    const set = hospital('drugs-by-old-atc');
    expect(valueOf(set, 'systemicAgents')).toEqual(['atezolizumab', 'bevacizumab']);
    expect(valueOf(set, 'onTki')).toBe(false);
    expect(sourcesOf(set, 'everSystemicTherapy')).toContain('MedicationRequest/l');
  });

  it('a dose given within the cycle window is "on therapy" without any order; one outside it is not', () => {
    const set = hospital('administration-only');
    expect(valueOf(set, 'onIci')).toBe(true);
    expect(valueOf(set, 'onAntiVegf')).toBe(false);
    expect(valueOf(set, 'treatmentNaive')).toBe(false);
  });

  it('per-cycle orders are one episode: its start is the first cycle, and the ALT baseline is the one before it', () => {
    const set = hospital('per-cycle-orders');
    expect(valueOf(set, 'targetedImmuneStart')).toBe('2025-02-01');
    expect(sourcesOf(set, 'targetedImmuneStart')).not.toContain('MedicationRequest/sora');
    expect(valueOf(set, 'altBaseline')).toBe(30);
    expect(valueOf(set, 'onTargetedImmune')).toBe(true);
  });

  it('a gap longer than the episode gap ends an episode: the restart is a new one', () => {
    const set = hospital('episode-gap');
    expect(valueOf(set, 'targetedImmuneStart')).toBe('2025-05-05');
  });

  it('cycles that ended long ago leave no current episode', () => {
    const set = hospital('episode-ended');
    expect(reasonOf(set, 'targetedImmuneStart')).toBe('no-data');
    expect(valueOf(set, 'onIci')).toBe(false);
    expect(valueOf(set, 'treatmentNaive')).toBe(false);
  });

  it('an order coded only by an antibody ATC class makes the therapy facts Unknown, naming the order', () => {
    const set = hospital('unclassified-antineoplastic');
    for (const name of ['onIci', 'onTargetedImmune', 'treatmentNaive', 'targetedImmuneStart', 'systemicAgents']) expect(reasonOf(set, name)).toBe('unmappable-value');
    expect(issue(set, 'unmappable-value', 'MedicationRequest/mab')).toContain('L01FX99');
  });

  it('cytotoxic orders (FOLFOX) are not an ICI or targeted drug, but treatmentNaive is Unknown', () => {
    const set = hospital('cytotoxic-only');
    expect(valueOf(set, 'onIci')).toBe(false);
    expect(valueOf(set, 'onTargeted')).toBe(false);
    expect(valueOf(set, 'systemicAgents')).toEqual([]);
    expect(reasonOf(set, 'treatmentNaive')).toBe('unmappable-value');
    expect(issue(set, 'unmappable-value', 'MedicationRequest/oxa')).toContain('L01XA03');
  });

  it('a draft order coded only by an ATC class is not classified as an ICI', () => {
    const order = { resourceType: 'MedicationRequest', id: 'd', status: 'draft', intent: 'order', medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01FX99' }] } };
    expect(describeOrder(mappings(), order).classes).toEqual([]);
    const brand = { ...order, medicationCodeableConcept: { text: '泰圣奇' } };
    expect(describeOrder(mappings(), brand)).toMatchObject({ classes: ['ici', 'targeted-immune-drug'], agent: 'atezolizumab' });
  });
});

describe('diagnosis and procedures', () => {
  it('ICD-10 Chinese clinical edition C22.000 is HCC', () => {
    expect(valueOf(hospital('hcc-chinese-clinical-edition'), 'hccDiagnosis')).toBe(true);
  });

  it('C22.1xx (intrahepatic cholangiocarcinoma) is not HCC', () => {
    expect(valueOf(hospital('hcc-other-liver-cancer'), 'hccDiagnosis')).toBe(false);
  });

  it('an unrecognised code whose text names HCC is Unknown with a data issue, not silence', () => {
    const set = hospital('hcc-text-only');
    expect(reasonOf(set, 'hccDiagnosis')).toBe('unmappable-value');
    expect(issue(set, 'unrecognised-code', 'Condition/dx')).toContain('ZD-0731');
  });

  it('CPT 47382 / 47120 and ICD-10-PCS 0FT20ZZ are local therapy; a planned one is not', () => {
    const set = hospital('procedures-cpt');
    expect(valueOf(set, 'ablationDate')).toBe('2024-11-02');
    expect(valueOf(set, 'resectionDate')).toBe('2024-02-01');
    expect(sourcesOf(set, 'everLocalTherapy')).toEqual(expect.arrayContaining(['Procedure/hx', 'Procedure/pcs']));
    expect(sourcesOf(set, 'everLocalTherapy')).not.toContain('Procedure/rfa-planned');
    expect(valueOf(set, 'everLocalTherapy')).toBe(true);
    expect(valueOf(set, 'treatmentNaive')).toBe(false);
  });
});
