/**
 * Plausibility limits (fact-mapping.schema.json `plausible`): a reading outside its fact's data-quality limits, or not
 * a finite number, is Unknown (unmappable-value, "implausible value") with a data issue that repeats no value.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { FhirResource } from 'fhir/r4';
import { extractFacts, loadMappings } from '../../src/mapping';
import { defaultMappingsDir } from '../../src/mapping/load-mappings';
import { BootError } from '../../src/shared/errors';
import { fact, factsOf, mappings, NOW, valueOf } from './support';

const IMPLAUSIBLE = { known: false, reason: 'unmappable-value', detail: 'implausible value' };

const lab = (id: string, loinc: string, value: unknown, unit: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2025-05-25',
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  ...extra,
});
const extract = (resources: readonly Record<string, unknown>[]): ReturnType<typeof extractFacts> =>
  extractFacts(mappings(), [{ resourceType: 'Patient', id: 'p1' }, ...resources] as unknown as FhirResource[], { patientId: 'p1', now: NOW });

describe('implausible readings are Unknown', () => {
  it('albumin-implausible-1e308: albumin Unknown, ALBI and Child-Pugh Unknown (not -Infinity / grade 1), issue without the value', () => {
    const set = factsOf('albumin-implausible-1e308');
    expect(fact(set, 'albumin')).toMatchObject({ ...IMPLAUSIBLE, sources: ['Observation/alb'] });
    expect(valueOf(set, 'totalBilirubin')).toBe(18);
    for (const name of ['albiScore', 'albiGrade', 'mAlbiGrade']) expect(fact(set, name)).toMatchObject({ known: false, reason: 'missing-inputs', missing: ['albumin'] });
    expect(fact(set, 'childPughScore')).toMatchObject({ known: false, missing: expect.arrayContaining(['albumin']) });
    const issues = set.issues.filter((i) => i.location === 'Observation/alb');
    expect(issues).toEqual([{ code: 'implausible-value', message: 'albumin: implausible value', location: 'Observation/alb' }]);
    expect(JSON.stringify(set)).not.toMatch(/e\+?308|Infinity|null/);
  });

  it('bilirubin-negative: Unknown with a data issue; its ULN falls back to the default, albumin stays Known', () => {
    const set = factsOf('bilirubin-negative');
    expect(fact(set, 'totalBilirubin')).toMatchObject({ ...IMPLAUSIBLE, sources: ['Observation/tb'] });
    expect(set.issues).toContainEqual({ code: 'implausible-value', message: 'totalBilirubin: implausible value', location: 'Observation/tb' });
    expect(set.issues.some((i) => i.message.includes('-5'))).toBe(false);
    expect(valueOf(set, 'albumin')).toBe(38);
    expect(fact(set, 'totalBilirubinUln')).toMatchObject({ known: true, value: 17.1, derived: { method: 'mapping-default' } });
    expect(fact(set, 'bilirubinCtcaeGrade')).toMatchObject({ known: false, reason: 'missing-inputs' });
    expect(fact(set, 'albiScore')).toMatchObject({ known: false, missing: ['totalBilirubin'] });
  });

  it('nan-string-value: "NaN" / "Infinity" strings are no numbers (Unknown unmappable-value), never NaN facts', () => {
    const set = factsOf('nan-string-value');
    expect(fact(set, 'albumin')).toMatchObject({ known: false, reason: 'unmappable-value', detail: 'no numeric value' });
    expect(fact(set, 'totalBilirubin')).toMatchObject({ known: false, reason: 'unmappable-value', detail: 'no numeric value' });
    expect(fact(set, 'ecog')).toMatchObject({ known: false, reason: 'unmappable-value', detail: 'not an integer' });
    expect(fact(set, 'albiScore')).toMatchObject({ known: false });
  });

  it('non-finite numbers handed over in memory (NaN, ±Infinity) are implausible', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const set = extract([lab('alb', '1751-7', value, 'g/L'), lab('tb', '1975-2', 18, 'umol/L')]);
      expect(fact(set, 'albumin')).toMatchObject(IMPLAUSIBLE);
      expect(fact(set, 'albiScore')).toMatchObject({ known: false });
    }
  });

  it('a value that overflows on conversion (1e308 g/dL → Infinity g/L) is implausible, not a unit problem', () => {
    expect(fact(extract([lab('alb', '1751-7', 1e308, 'g/dL')]), 'albumin')).toMatchObject(IMPLAUSIBLE);
  });

  it('the limits apply in the canonical unit: 7.9 g/dL (79 g/L) is plausible, 8.1 g/dL (81 g/L) is not', () => {
    expect(valueOf(extract([lab('alb', '1751-7', 7.9, 'g/dL')]), 'albumin')).toBe(79);
    expect(fact(extract([lab('alb', '1751-7', 8.1, 'g/dL')]), 'albumin')).toMatchObject(IMPLAUSIBLE);
  });

  it('the limits themselves are plausible (inclusive bounds)', () => {
    expect(valueOf(extract([lab('alb', '1751-7', 5, 'g/L')]), 'albumin')).toBe(5);
    expect(valueOf(extract([lab('alb', '1751-7', 80, 'g/L')]), 'albumin')).toBe(80);
    expect(fact(extract([lab('alb', '1751-7', 4.99, 'g/L')]), 'albumin')).toMatchObject(IMPLAUSIBLE);
  });

  it('integer scales: ECOG 7 and a tumour count of 5000 are implausible; ECOG 5 is not', () => {
    const obs = (id: string, system: string, code: string, value: number): Record<string, unknown> => ({
      resourceType: 'Observation', id, status: 'final', code: { coding: [{ system, code }] }, subject: { reference: 'Patient/p1' }, effectiveDateTime: '2025-05-25', valueInteger: value,
    });
    const tumorCount = (n: number): Record<string, unknown> => obs('tc', 'http://hcc-cds.org/fhir/CodeSystem/hcc-observation', 'tumor-count', n);
    expect(fact(extract([obs('e', 'http://loinc.org', '89247-1', 7)]), 'ecog')).toMatchObject(IMPLAUSIBLE);
    expect(valueOf(extract([obs('e', 'http://loinc.org', '89247-1', 5)]), 'ecog')).toBe(5);
    expect(fact(extract([tumorCount(5000)]), 'tumorCount')).toMatchObject(IMPLAUSIBLE);
    expect(valueOf(extract([tumorCount(3)]), 'tumorCount')).toBe(3);
  });

  it('an implausible referenceRange bound makes the ULN Unknown (not the default), and the CTCAE grade with it', () => {
    const set = extract([lab('alt', '1742-6', 45, 'U/L', { referenceRange: [{ high: { value: 1e308, unit: 'U/L', system: 'http://unitsofmeasure.org', code: 'U/L' } }] })]);
    expect(valueOf(set, 'alt')).toBe(45);
    expect(fact(set, 'altUln')).toMatchObject({ ...IMPLAUSIBLE, sources: ['Observation/alt'] });
    expect(set.issues).toContainEqual({ code: 'implausible-value', message: 'altUln: referenceRange.high is an implausible value', location: 'Observation/alt' });
    expect(fact(set, 'altCtcaeGrade')).toMatchObject({ known: false });
  });

  it('a baseline uses the limits of the fact it is the baseline of', () => {
    const order = { resourceType: 'MedicationRequest', id: 'atezo', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, authoredOn: '2025-05-01', medicationCodeableConcept: { text: 'atezolizumab' } };
    const set = extract([order, { ...lab('alt0', '1742-6', 30000, 'U/L'), effectiveDateTime: '2025-04-20' }, lab('alt', '1742-6', 45, 'U/L')]);
    expect(valueOf(set, 'targetedImmuneStart')).toBe('2025-05-01');
    expect(fact(set, 'altBaseline')).toMatchObject({ ...IMPLAUSIBLE, sources: ['Observation/alt0'] });
  });
});

describe('every numeric fact carries plausible limits', () => {
  const dir = join(defaultMappingsDir(), 'facts');
  const numeric = readdirSync(dir)
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as { fact: string; type?: string; plausible?: { min: number; max: number }; sources?: { value: unknown }[] })
    .filter((raw) => raw.sources !== undefined && (raw.type === 'quantity' || raw.type === 'number' || JSON.stringify(raw.sources).match(/"kind":"(quantity|integer|decimal)"/) !== null));

  it('in the shipped mappings (with min ≤ max)', () => {
    expect(numeric.length).toBeGreaterThanOrEqual(24);
    for (const raw of numeric) expect([raw.fact, raw.plausible !== undefined && raw.plausible.min <= raw.plausible.max]).toEqual([raw.fact, true]);
  });

  describe('boot refuses', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'hcc-plausible-'));
      cpSync(defaultMappingsDir(), copy, { recursive: true });
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));
    const edit = (file: string, from: string, to: string): void => {
      const path = join(copy, file);
      const text = readFileSync(path, 'utf8');
      expect(text).toContain(from);
      writeFileSync(path, text.replace(from, to));
    };
    const problems = (): string => {
      try {
        loadMappings(copy);
      } catch (error) {
        expect(error).toBeInstanceOf(BootError);
        return (error as BootError).problems.join('\n');
      }
      throw new Error('loadMappings accepted bad data');
    };

    it('a quantity fact without limits (schema)', () => {
      edit('facts/albumin.yaml', 'plausible: { min: 5, max: 80 }\n', '');
      expect(problems()).toMatch(/albumin\.yaml: \/ must have required property 'plausible'/);
    });
    it('an integer fact read as a number without limits (loader)', () => {
      edit('facts/ecog.yaml', 'plausible: { min: 0, max: 5 }\n', '');
      expect(problems()).toContain('a numeric fact needs plausible limits');
    });
    it('min above max', () => {
      edit('facts/alt.yaml', 'plausible: { min: 0, max: 20000 }', 'plausible: { min: 20000, max: 0 }');
      expect(problems()).toContain('plausible.min 20000 is above plausible.max 0');
    });
    it('a reference-range default outside the limits of its fact', () => {
      edit('facts/altUln.yaml', 'default: 40', 'default: 40000');
      expect(problems()).toContain("default 40000 is outside the plausible limits of 'alt'");
    });
  });
});
