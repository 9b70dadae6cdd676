/** loadMappings: the fact definitions match docs/fact-catalogue.md exactly; bad mapping data fails the boot. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMappings } from '../../src/mapping';
import { defaultMappingsDir } from '../../src/mapping/load-mappings';
import { BootError } from '../../src/shared/errors';
import { mappings } from './support';

const CATALOGUE = [
  'hccDiagnosis', 'cnlcStageRecorded', 'cnlcStage', 'tumorCount', 'maxTumorDiameter', 'macrovascularInvasion', 'extrahepaticMetastasis',
  'lymphNodeMetastasis', 'ecog', 'totalBilirubin', 'totalBilirubinBaseline', 'alt', 'altBaseline', 'ast', 'astBaseline', 'albumin', 'inr',
  'ptProlongation', 'platelets', 'afp', 'pivka', 'creatinine', 'creatinineBaseline', 'tsh', 'freeT4', 'troponinI', 'ckmb', 'hbvDna', 'hcvRna',
  'altUln', 'astUln', 'totalBilirubinUln', 'creatinineUln', 'plateletsLln', 'ascites', 'hepaticEncephalopathy', 'childPughScore',
  'childPughClass', 'albiScore', 'albiGrade', 'mAlbiGrade', 'altCtcaeGrade', 'astCtcaeGrade', 'bilirubinCtcaeGrade', 'plateletCtcaeGrade',
  'creatinineCtcaeGrade', 'liverInjuryGrade', 'liverInjuryPattern', 'radicalTherapyUnsuitable', 'mainBurdenIntrahepatic', 'oligometastatic',
  'widespreadMetastasis', 'largeTumorBurden', 'r0Feasible', 'surgicalContraindication', 'obstructiveJaundice', 'viralHepatitisActive',
  'localProgression', 'newLesion', 'flrPercentSlv', 'systemicAgents', 'onIci', 'onTki', 'onAntiVegf', 'onTargeted', 'onTargetedImmune',
  'targetedImmuneStart', 'therapyPhase', 'everSystemicTherapy', 'taceSessions', 'lastTaceDate', 'haicCourses', 'lastHaicDate',
  'daysSinceLastHaic', 'resectionDate', 'ablationDate', 'radiotherapyDone', 'internalRadiotherapyDone', 'everLocalTherapy', 'treatmentNaive',
  'latestResponse', 'latestResponseDate', 'responseCriteria', 'bestResponse', 'stableDiseaseDays', 'progressionType',
  'progressionAfterLastTace', 'maxIrAeGrade', 'maxIrAeGradeNonEndocrine', 'maxTargetedAeGrade', 'maxLocalTherapyAeGrade', 'maxHaicAeGrade',
  'activeTargetedImmuneAe', 'endocrineIrAe', 'bodyWeight', 'contrastImagingDate', 'daysSinceContrastImaging',
  // issue 9 (clinical logic)
  'unresolvedOrganAeGrade', 'troponinT', 'ckmbActivity', 'everIciOrdered', 'everTargetedOrdered', 'firstSystemicTherapyDate',
  'lastRadiotherapyDate', 'daysSinceResection', 'daysSinceRadiotherapy', 'systemicBeforeResection', 'obstructiveJaundiceCurrent',
  'viralHepatitisActiveCurrent', 'tumourProgressionCurrent',
];

describe('fact definitions', () => {
  it('cover exactly the facts of docs/fact-catalogue.md', () => {
    const text = readFileSync(join(__dirname, '..', '..', 'docs', 'fact-catalogue.md'), 'utf8');
    for (const name of CATALOGUE) expect([name, new RegExp(`\\b${name}\\b`).test(text)]).toEqual([name, true]);
    expect([...mappings().factDefinitions.keys()].sort()).toEqual([...CATALOGUE].sort());
  });
  it('carry type, unit, codes, resource types and derivation', () => {
    const defs = mappings().factDefinitions;
    expect(defs.get('totalBilirubin')).toMatchObject({ type: 'quantity', unit: 'umol/L', resourceTypes: ['Observation'] });
    expect(defs.get('cnlcStage')).toMatchObject({ type: 'code', codes: ['Ia', 'Ib', 'IIa', 'IIb', 'IIIa', 'IIIb', 'IV'] });
    expect(defs.get('cnlcStage')?.resourceTypes).toEqual(['Condition', 'Observation']);
    expect(defs.get('childPughScore')?.derivedFrom).toEqual(['totalBilirubin', 'albumin', 'inr', 'ptProlongation', 'ascites', 'hepaticEncephalopathy']);
    expect(defs.get('maxIrAeGrade')?.resourceTypes).toEqual(expect.arrayContaining(['AdverseEvent', 'MedicationRequest', 'Observation']));
    expect(defs.get('systemicAgents')).toMatchObject({ type: 'codes', resourceTypes: ['MedicationRequest', 'MedicationStatement'] });
    expect(mappings().version).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('boot errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hcc-mappings-'));
    cpSync(defaultMappingsDir(), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, from: string, to: string): void => {
    const path = join(dir, file);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  const problems = (): string[] => {
    try {
      loadMappings(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(BootError);
      return [...(error as BootError).problems];
    }
    throw new Error('loadMappings accepted bad data');
  };

  it('the copy loads (sanity)', () => {
    expect(loadMappings(dir).factDefinitions.size).toBe(CATALOGUE.length);
  });
  it('an unknown code system', () => {
    edit('valuesets/lab-alt.yaml', 'http://loinc.org', 'http://loinc.example/typo');
    expect(problems().join('\n')).toContain("unknown code system 'http://loinc.example/typo'");
  });
  it('a local code not in its code system', () => {
    edit('valuesets/cnlc-stage.yaml', 'code: IIIa', 'code: IIIc');
    expect(problems().join('\n')).toContain("code 'IIIc' is not in local code system");
  });
  it('a unit that is not UCUM', () => {
    edit('facts/alt.yaml', 'unit: "U/L"', 'unit: "units per litre"');
    expect(problems().join('\n')).toContain("unit 'units per litre' is not valid UCUM");
  });
  it('a schema violation (unknown member)', () => {
    edit('facts/alt.yaml', 'description:', 'colour: red\ndescription:');
    expect(problems().join('\n')).toMatch(/alt\.yaml: .*must NOT have additional properties/);
  });
  it('an unknown fact referenced by a baseline', () => {
    edit('facts/altBaseline.yaml', 'sourcesFrom: alt', 'sourcesFrom: altt');
    expect(problems().join('\n')).toContain("refers to unknown fact 'altt'");
  });
  it('a derived input that is no fact', () => {
    edit('derived-facts.yaml', 'inputs: [altCtcaeGrade, astCtcaeGrade, bilirubinCtcaeGrade]', 'inputs: [altCtcaeGrade, astCtcaeGrade, bilirubinGrade]');
    expect(problems().join('\n')).toContain("input 'bilirubinGrade' is not a fact");
  });
  it('an unknown calculator', () => {
    edit('derived-facts.yaml', 'id: albi', 'id: albi-v2');
    expect(problems().join('\n')).toContain("unknown calculator 'albi-v2'");
  });
  it('a score table that violates its schema or uses another unit', () => {
    edit('scores/child-pugh.yaml', '- { result: 1, lt: 34 }', '- { result: 1, below: 34 }');
    edit('scores/albi.yaml', 'albuminUnit: g/L', 'albuminUnit: g/dL');
    const text = problems().join('\n');
    expect(text).toMatch(/child-pugh\.yaml: .*additional properties/);
    expect(text).toContain("unit 'g/dL' differs from albumin's canonical unit 'g/L'");
  });
  it('a FHIRPath syntax error', () => {
    edit('config.yaml', 'MedicationRequest: "authoredOn"', 'MedicationRequest: "authoredOn.where(("');
    expect(problems().join('\n')).toContain('does not compile');
  });
  it('an unknown value set', () => {
    edit('facts/ast.yaml', 'valueSet: lab-ast', 'valueSet: lab-asp');
    expect(problems().join('\n')).toContain("unknown value set 'lab-asp'");
  });
});
