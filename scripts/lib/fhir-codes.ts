/**
 * Code systems and codes used by the record generator; every code here is taken from
 * ../shared/reference/data-conventions.md and reference/clinical.md §7 (LOINC, SNOMED CT, ICD-10-CM, ATC,
 * RxNorm, UCUM, the project's local systems).
 */

/** FHIR system URIs (clinical.md §7). */
export const SYSTEM = {
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  atc: 'http://www.whocc.no/atc',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  ucum: 'http://unitsofmeasure.org',
  meddra: 'http://terminology.hl7.org/CodeSystem/mdr',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  aeOutcome: 'http://terminology.hl7.org/CodeSystem/adverse-event-outcome',
} as const;

/** Base of the project's local code systems (data-conventions.md). */
export const HCC_BASE = 'http://hcc-cds.org/fhir/CodeSystem/';

/** The CTCAE grade extension on AdverseEvent (data-conventions.md, "adverse events"). */
export const CTCAE_GRADE_URL = 'http://hcc-cds.org/fhir/StructureDefinition/ctcae-grade';

/** One lab of the generator: LOINC code, UCUM unit, reference range and the range values are drawn from. */
export interface LabSpec {
  readonly loinc: string;
  readonly display: string;
  readonly unit: string;
  readonly low?: number;
  readonly high?: number;
  readonly min: number;
  readonly max: number;
  readonly decimals: number;
}

/** Liver panel drawn at every visit (clinical.md §7.1; LOINC codes and UCUM units of data-conventions.md). */
export const LIVER_PANEL: readonly LabSpec[] = [
  { loinc: '14631-6', display: 'Bilirubin.total [Moles/volume] in Serum or Plasma', unit: 'umol/L', low: 3.4, high: 20.5, min: 6, max: 70, decimals: 1 },
  { loinc: '1742-6', display: 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 7, high: 40, min: 12, max: 220, decimals: 0 },
  { loinc: '1920-8', display: 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 13, high: 35, min: 18, max: 240, decimals: 0 },
  { loinc: '1751-7', display: 'Albumin [Mass/volume] in Serum or Plasma', unit: 'g/L', low: 40, high: 55, min: 26, max: 46, decimals: 1 },
  { loinc: '6301-6', display: 'INR in Platelet poor plasma by Coagulation assay', unit: '{INR}', low: 0.8, high: 1.2, min: 0.9, max: 1.8, decimals: 2 },
  { loinc: '5902-2', display: 'Prothrombin time (PT)', unit: 's', low: 11, high: 14, min: 11, max: 19, decimals: 1 },
  { loinc: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', unit: '10*9/L', low: 125, high: 350, min: 45, max: 260, decimals: 0 },
  { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', unit: 'umol/L', low: 57, high: 111, min: 48, max: 140, decimals: 0 },
];

/** The same analytes in conventional units, used now and then (UCUM conversion on the service side). */
export const CONVENTIONAL_UNITS: readonly LabSpec[] = [
  { loinc: '1975-2', display: 'Bilirubin.total [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 0.2, high: 1.2, min: 0.3, max: 4, decimals: 2 },
  { loinc: '1751-7', display: 'Albumin [Mass/volume] in Serum or Plasma', unit: 'g/dL', low: 4, high: 5.5, min: 2.6, max: 4.6, decimals: 1 },
  { loinc: '26515-7', display: 'Platelets [#/volume] in Blood', unit: '10*3/uL', low: 150, high: 400, min: 45, max: 260, decimals: 0 },
  { loinc: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 0.7, high: 1.3, min: 0.5, max: 1.7, decimals: 2 },
];

/** Tumour markers, monthly. */
export const TUMOUR_MARKERS: readonly LabSpec[] = [
  { loinc: '1834-1', display: 'Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma', unit: 'ng/mL', high: 7, min: 2, max: 2400, decimals: 1 },
  { loinc: '34444-0', display: 'Acarboxyprothrombin [Mass/volume] in Serum or Plasma', unit: 'mAU/mL', high: 40, min: 12, max: 3200, decimals: 0 },
];

/** Immune-therapy monitoring: thyroid, cardiac, viral load. */
export const MONITORING: readonly LabSpec[] = [
  { loinc: '3016-3', display: 'Thyrotropin [Units/volume] in Serum or Plasma', unit: 'm[IU]/L', low: 0.27, high: 4.2, min: 0.05, max: 12, decimals: 2 },
  { loinc: '3024-7', display: 'Thyroxine (T4) free [Mass/volume] in Serum or Plasma', unit: 'pmol/L', low: 12, high: 22, min: 7, max: 26, decimals: 1 },
  { loinc: '10839-9', display: 'Troponin I.cardiac [Mass/volume] in Serum or Plasma', unit: 'ng/L', high: 26, min: 1, max: 45, decimals: 1 },
  { loinc: '13969-1', display: 'Creatine kinase.MB [Mass/volume] in Serum or Plasma', unit: 'ng/mL', high: 5, min: 0.5, max: 7, decimals: 1 },
  { loinc: '29615-2', display: 'Hepatitis B virus DNA [#/volume] (viral load) in Serum or Plasma by NAA with probe detection', unit: '[IU]/mL', high: 20, min: 10, max: 2000, decimals: 0 },
];

/** A drug of the generator with its ATC code (verified, clinical.md §7.4) and RxNorm ingredient where listed. */
export interface DrugSpec {
  readonly inn: string;
  readonly zh: string;
  readonly atc?: string;
  readonly rxnorm?: string;
}

/** Drugs named by data-conventions.md ("systemic therapy on board"). */
export const DRUGS = {
  atezolizumab: { inn: 'atezolizumab', zh: '阿替利珠单抗', atc: 'L01FF05', rxnorm: '1792776' },
  bevacizumab: { inn: 'bevacizumab', zh: '贝伐珠单抗', atc: 'L01FG01', rxnorm: '253337' },
  lenvatinib: { inn: 'lenvatinib', zh: '仑伐替尼', atc: 'L01EX08', rxnorm: '1603296' },
  sorafenib: { inn: 'sorafenib', zh: '索拉非尼', atc: 'L01EX02', rxnorm: '495881' },
  sintilimab: { inn: 'sintilimab', zh: '信迪利单抗' },
  camrelizumab: { inn: 'camrelizumab', zh: '卡瑞利珠单抗' },
  apatinib: { inn: 'apatinib', zh: '阿帕替尼' },
  tislelizumab: { inn: 'tislelizumab', zh: '替雷利珠单抗', atc: 'L01FF09' },
} as const satisfies Record<string, DrugSpec>;
