/**
 * Generates realistic FHIR R4 patient records of a chosen size following
 * ../shared/reference/data-conventions.md: an HCC patient on atezolizumab + bevacizumab after TACE/HAIC,
 * with several years of labs (LOINC, UCUM, referenceRange), staging, ECOG, clinician assertions, responses
 * and CTCAE-graded adverse events. Used by the benchmark and by the reliability tests.
 */
import type {
  AdverseEvent,
  Bundle,
  CodeableConcept,
  Condition,
  FhirResource,
  MedicationRequest,
  Observation,
  Patient,
  Procedure,
  ServiceRequest,
} from 'fhir/r4';
import {
  CONVENTIONAL_UNITS,
  CTCAE_GRADE_URL,
  DRUGS,
  HCC_BASE,
  LIVER_PANEL,
  MONITORING,
  SYSTEM,
  TUMOUR_MARKERS,
  type DrugSpec,
  type LabSpec,
} from './fhir-codes';
import { createRng, type Rng } from './random';

/** Options of generateRecord. */
export interface RecordOptions {
  /** Total number of resources, the Patient included (at least CORE_SIZE). */
  readonly size: number;
  readonly patientId: string;
  /** Seed of the pseudo-random source (same seed, same record). */
  readonly seed?: number;
  /** The instant the record is generated for; dates run backwards from it. */
  readonly now?: Date;
  /** Years the labs are spread over (default 4). */
  readonly years?: number;
}

/** A generated record. */
export interface GeneratedRecord {
  readonly patient: Patient;
  /** Every resource, the Patient first; length === options.size. */
  readonly resources: readonly FhirResource[];
}

const DAY_MS = 86_400_000;

/** The number of resources the fixed clinical history takes (Patient included). */
export const CORE_SIZE = 40;

const cc = (system: string, code: string, display?: string, text?: string): CodeableConcept => ({
  coding: [display === undefined ? { system, code } : { system, code, display }],
  ...(text === undefined ? {} : { text }),
});

const hcc = (system: string, code: string): CodeableConcept => ({ coding: [{ system: `${HCC_BASE}${system}`, code }] });

/** A context object threaded through the builders. */
interface Ctx {
  readonly rng: Rng;
  readonly pid: string;
  readonly now: number;
  seq: number;
}

const ref = (ctx: Ctx): { reference: string } => ({ reference: `Patient/${ctx.pid}` });
const nextId = (ctx: Ctx, kind: string): string => `${ctx.pid}-${kind}-${(ctx.seq++).toString(36)}`;
const daysAgo = (ctx: Ctx, days: number): string => new Date(ctx.now - days * DAY_MS).toISOString();
const dateAgo = (ctx: Ctx, days: number): string => daysAgo(ctx, days).slice(0, 10);

function lab(ctx: Ctx, spec: LabSpec, days: number): Observation {
  const value = ctx.rng.float(spec.min, spec.max, spec.decimals);
  const range: NonNullable<Observation['referenceRange']>[number] = {};
  if (spec.low !== undefined) range.low = { value: spec.low, unit: spec.unit, system: SYSTEM.ucum, code: spec.unit };
  if (spec.high !== undefined) range.high = { value: spec.high, unit: spec.unit, system: SYSTEM.ucum, code: spec.unit };
  const when = daysAgo(ctx, days);
  return {
    resourceType: 'Observation',
    id: nextId(ctx, 'lab'),
    meta: { lastUpdated: when },
    status: ctx.rng.chance(0.03) ? 'amended' : 'final',
    category: [cc(SYSTEM.observationCategory, 'laboratory', 'Laboratory')],
    code: cc(SYSTEM.loinc, spec.loinc, spec.display),
    subject: ref(ctx),
    effectiveDateTime: when,
    issued: when,
    valueQuantity: { value, unit: spec.unit, system: SYSTEM.ucum, code: spec.unit },
    referenceRange: [range],
  };
}

function hccObservation(ctx: Ctx, code: string, days: number, value: Partial<Observation>): Observation {
  return {
    resourceType: 'Observation',
    id: nextId(ctx, code),
    status: 'final',
    category: [cc(SYSTEM.observationCategory, 'exam', 'Exam')],
    code: hcc('hcc-observation', code),
    subject: ref(ctx),
    effectiveDateTime: daysAgo(ctx, days),
    ...value,
  };
}

function ecog(ctx: Ctx, days: number): Observation {
  const score = ctx.rng.pick([0, 0, 1, 1, 1, 2]);
  return {
    resourceType: 'Observation',
    id: nextId(ctx, 'ecog'),
    status: 'final',
    category: [cc(SYSTEM.observationCategory, 'survey', 'Survey')],
    code: cc(SYSTEM.loinc, '89247-1', 'ECOG Performance Status score'),
    subject: ref(ctx),
    effectiveDateTime: daysAgo(ctx, days),
    valueInteger: score,
  };
}

function response(ctx: Ctx, days: number, category: string): Observation {
  return {
    resourceType: 'Observation',
    id: nextId(ctx, 'resp'),
    status: 'final',
    category: [cc(SYSTEM.observationCategory, 'imaging', 'Imaging')],
    code: hcc('hcc-observation', 'tumor-response'),
    method: hcc('response-criteria', ctx.rng.chance(0.8) ? 'mrecist' : 'recist-1.1'),
    subject: ref(ctx),
    effectiveDateTime: daysAgo(ctx, days),
    valueCodeableConcept: hcc('response-category', category),
  };
}

function condition(ctx: Ctx, code: CodeableConcept, onsetDays: number, extra: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    id: nextId(ctx, 'cond'),
    clinicalStatus: cc(SYSTEM.conditionClinical, 'active'),
    verificationStatus: cc(SYSTEM.conditionVerification, 'confirmed'),
    category: [cc('http://terminology.hl7.org/CodeSystem/condition-category', 'problem-list-item')],
    code,
    subject: ref(ctx),
    onsetDateTime: daysAgo(ctx, onsetDays),
    recordedDate: daysAgo(ctx, onsetDays - 2),
    ...extra,
  };
}

function drugConcept(drug: DrugSpec): CodeableConcept {
  const coding: NonNullable<CodeableConcept['coding']> = [];
  if (drug.atc !== undefined) coding.push({ system: SYSTEM.atc, code: drug.atc, display: drug.inn });
  if (drug.rxnorm !== undefined) coding.push({ system: SYSTEM.rxnorm, code: drug.rxnorm, display: drug.inn });
  return coding.length > 0 ? { coding, text: `${drug.zh} ${drug.inn}` } : { text: `${drug.zh} (${drug.inn})` };
}

/** A MedicationRequest for one of the drugs (status active/on-hold/stopped/draft). */
export function medicationRequest(
  pid: string,
  id: string,
  drug: DrugSpec,
  status: MedicationRequest['status'],
  authoredOn: string,
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status,
    intent: status === 'draft' ? 'proposal' : 'order',
    medicationCodeableConcept: drugConcept(drug),
    subject: { reference: `Patient/${pid}` },
    authoredOn,
    dosageInstruction: [{ text: 'per protocol' }],
  };
}

function procedure(ctx: Ctx, code: string, days: number): Procedure {
  return {
    resourceType: 'Procedure',
    id: nextId(ctx, code),
    status: 'completed',
    code: hcc('hcc-procedure', code),
    subject: ref(ctx),
    performedDateTime: daysAgo(ctx, days),
  };
}

function adverseEvent(ctx: Ctx, event: CodeableConcept, grade: number, days: number, suspect: string, outcome: string): AdverseEvent {
  return {
    resourceType: 'AdverseEvent',
    id: nextId(ctx, 'ae'),
    extension: [{ url: CTCAE_GRADE_URL, valueInteger: grade }],
    actuality: 'actual',
    event,
    subject: ref(ctx),
    date: daysAgo(ctx, days),
    recordedDate: daysAgo(ctx, days - 1),
    outcome: cc(SYSTEM.aeOutcome, outcome),
    suspectEntity: [{ instance: { reference: suspect } }],
  };
}

const AE_EVENTS: readonly { readonly event: CodeableConcept; readonly drug: 'ici' | 'targeted' | 'local' }[] = [
  { event: cc(SYSTEM.meddra, '10021114', 'Hypothyroidism'), drug: 'ici' },
  { event: cc(SYSTEM.meddra, '10001551', 'Alanine aminotransferase increased'), drug: 'ici' },
  { event: cc(SYSTEM.meddra, '10003481', 'Aspartate aminotransferase increased'), drug: 'ici' },
  { event: cc(SYSTEM.meddra, '10020772', 'Hypertension'), drug: 'targeted' },
  { event: { text: 'Proteinuria' }, drug: 'targeted' },
  { event: { text: 'Post-embolisation syndrome' }, drug: 'local' },
];

/** The fixed clinical history: diagnosis, staging, therapy, responses, AEs (CORE_SIZE resources). */
function core(ctx: Ctx, patient: Patient): FhirResource[] {
  const therapyStart = 200;
  const atezo = medicationRequest(ctx.pid, nextId(ctx, 'mr'), DRUGS.atezolizumab, 'active', dateAgo(ctx, therapyStart));
  const beva = medicationRequest(ctx.pid, nextId(ctx, 'mr'), DRUGS.bevacizumab, 'active', dateAgo(ctx, therapyStart));
  const lenva = medicationRequest(ctx.pid, nextId(ctx, 'mr'), DRUGS.lenvatinib, 'stopped', dateAgo(ctx, 500));
  const sinti = medicationRequest(ctx.pid, nextId(ctx, 'mr'), DRUGS.sintilimab, 'stopped', dateAgo(ctx, 500));
  const tace1 = procedure(ctx, 'tace', 260);
  const tace2 = procedure(ctx, 'tace', 150);
  const out: FhirResource[] = [
    patient,
    condition(ctx, { coding: [{ system: SYSTEM.snomed, code: '109841003', display: 'Liver cell carcinoma' }, { system: SYSTEM.icd10cm, code: 'C22.0', display: 'Liver cell carcinoma' }], text: '肝细胞癌' }, 620),
    condition(ctx, cc(SYSTEM.snomed, '19943007', 'Cirrhosis of liver'), 1400),
    condition(ctx, cc(SYSTEM.icd10cm, 'B18.1', 'Chronic viral hepatitis B without delta-agent'), 3000),
    condition(ctx, cc(SYSTEM.icd10cm, 'I10', 'Essential (primary) hypertension'), 2000),
    hccObservation(ctx, 'tumor-count', 40, { valueInteger: 3 }),
    hccObservation(ctx, 'max-tumor-diameter', 40, { valueQuantity: { value: 6.2, unit: 'cm', system: SYSTEM.ucum, code: 'cm' } }),
    hccObservation(ctx, 'macrovascular-invasion', 40, { valueCodeableConcept: hcc('vascular-invasion', 'portal-vein') }),
    {
      resourceType: 'Observation',
      id: nextId(ctx, 'tumor-size'),
      status: 'final',
      code: cc(SYSTEM.loinc, '21889-1', 'Size Tumor'),
      subject: ref(ctx),
      effectiveDateTime: daysAgo(ctx, 40),
      component: [{ code: cc(SYSTEM.loinc, '33728-7', 'Size.maximum dimension in Tumor'), valueQuantity: { value: 62, unit: 'mm', system: SYSTEM.ucum, code: 'mm' } }],
    },
    {
      resourceType: 'Observation',
      id: nextId(ctx, 'stage'),
      status: 'final',
      code: cc(SYSTEM.snomed, '385349001', 'Clinical stage'),
      method: hcc('staging-system', 'cnlc'),
      subject: ref(ctx),
      effectiveDateTime: daysAgo(ctx, 40),
      valueCodeableConcept: hcc('cnlc-stage', 'IIIa'),
    },
    ecog(ctx, 20),
    hccObservation(ctx, 'ascites', 20, { valueCodeableConcept: hcc('severity-grade', 'none') }),
    hccObservation(ctx, 'hepatic-encephalopathy', 20, { valueInteger: 0 }),
    hccObservation(ctx, 'child-pugh-score', 210, { valueInteger: 6 }),
    hccObservation(ctx, 'radical-therapy-unsuitable', 40, { valueBoolean: true }),
    hccObservation(ctx, 'main-burden-intrahepatic', 40, { valueBoolean: true }),
    hccObservation(ctx, 'oligometastatic', 40, { valueBoolean: false }),
    hccObservation(ctx, 'widespread-metastasis', 40, { valueBoolean: false }),
    hccObservation(ctx, 'large-tumor-burden', 40, { valueBoolean: true }),
    hccObservation(ctx, 'r0-feasible', 40, { valueBoolean: false }),
    hccObservation(ctx, 'surgical-contraindication', 40, { valueBoolean: false }),
    hccObservation(ctx, 'obstructive-jaundice', 40, { valueBoolean: false }),
    hccObservation(ctx, 'viral-hepatitis-active', 40, { valueBoolean: false }),
    hccObservation(ctx, 'flr-percent-slv', 40, { valueQuantity: { value: 38, unit: '%', system: SYSTEM.ucum, code: '%' } }),
    hccObservation(ctx, 'systemic-therapy-phase', 30, { valueCodeableConcept: hcc('therapy-phase', 'full-dose') }),
    atezo,
    beva,
    lenva,
    sinti,
    medicationRequest(ctx.pid, nextId(ctx, 'mr'), { inn: 'entecavir', zh: '恩替卡韦', atc: 'J05AF10' }, 'active', dateAgo(ctx, 2900)),
    tace1,
    tace2,
    procedure(ctx, 'haic', 100),
    response(ctx, 180, 'PR'),
    response(ctx, 90, 'SD'),
    response(ctx, 30, 'SD'),
    {
      resourceType: 'Observation',
      id: nextId(ctx, 'cds'),
      status: 'final',
      code: cc(SYSTEM.loinc, '97509-4', 'Cancer Disease Progression'),
      subject: ref(ctx),
      effectiveDateTime: daysAgo(ctx, 30),
      valueCodeableConcept: cc(SYSTEM.snomed, '359746009', 'Patient\'s condition stable'),
    },
    adverseEvent(ctx, cc(SYSTEM.meddra, '10021114', 'Hypothyroidism'), 2, 120, `MedicationRequest/${atezo.id ?? ''}`, 'recovering'),
    adverseEvent(ctx, cc(SYSTEM.meddra, '10020772', 'Hypertension'), 2, 90, `MedicationRequest/${beva.id ?? ''}`, 'ongoing'),
    adverseEvent(ctx, { text: 'Post-embolisation syndrome' }, 1, 149, `Procedure/${tace2.id ?? ''}`, 'resolved'),
  ];
  if (out.length !== CORE_SIZE) throw new Error(`core history has ${out.length} resources, expected ${CORE_SIZE}`);
  return out;
}

/** Extra non-lab resources for large records, so every resource type grows with the record. */
function extra(ctx: Ctx, days: number, suspects: { ici: string; targeted: string; local: string }): FhirResource {
  const roll = ctx.rng.next();
  if (roll < 0.3) return ecog(ctx, days);
  if (roll < 0.6) return response(ctx, days, ctx.rng.pick(['CR', 'PR', 'SD', 'SD', 'PD', 'NE']));
  if (roll < 0.8) {
    const ae = ctx.rng.pick(AE_EVENTS);
    return adverseEvent(ctx, ae.event, ctx.rng.int(1, 3), days, suspects[ae.drug], ctx.rng.pick(['resolved', 'recovering', 'ongoing']));
  }
  if (roll < 0.9) return procedure(ctx, ctx.rng.pick(['tace', 'tace', 'haic', 'ablation', 'radiotherapy']), days);
  return hccObservation(ctx, ctx.rng.pick(['tumor-count', 'local-progression', 'new-lesion']), days,
    ctx.rng.chance(0.5) ? { valueInteger: ctx.rng.int(1, 5) } : { valueBoolean: ctx.rng.chance(0.3) });
}

/** Generates one patient's record of exactly options.size resources (Patient first). */
export function generateRecord(options: RecordOptions): GeneratedRecord {
  if (options.size < CORE_SIZE) throw new Error(`size must be at least ${CORE_SIZE}`);
  const ctx: Ctx = { rng: createRng(options.seed ?? 1), pid: options.patientId, now: (options.now ?? new Date()).getTime(), seq: 0 };
  const patient: Patient = {
    resourceType: 'Patient',
    id: options.patientId,
    identifier: [{ system: 'urn:oid:2.16.840.1.113883.2.999.1', value: `MRN${ctx.rng.int(100000, 999999)}` }],
    name: [{ family: '王', given: ['建国'], text: '王建国' }],
    gender: 'male',
    birthDate: '1961-04-12',
  };
  const resources = core(ctx, patient);
  const suspects = {
    ici: `MedicationRequest/${resources[25]?.id ?? ''}`,
    targeted: `MedicationRequest/${resources[26]?.id ?? ''}`,
    local: `Procedure/${resources[30]?.id ?? ''}`,
  };
  const remaining = options.size - CORE_SIZE;
  const extras = Math.floor(remaining * 0.05);
  const labs = remaining - extras;
  const spanDays = (options.years ?? 4) * 365;
  for (let i = 0; i < extras; i++) resources.push(extra(ctx, ctx.rng.int(1, spanDays), suspects));
  // Visits run backwards from yesterday; each visit draws the liver panel, monthly markers, sometimes monitoring.
  const perVisit = LIVER_PANEL.length + 1;
  const visits = Math.max(1, Math.ceil(labs / perVisit));
  const step = Math.max(1, spanDays / visits);
  let made = 0;
  for (let v = 0; made < labs; v++) {
    const day = 1 + Math.floor(v * step) % spanDays;
    const panel = ctx.rng.chance(0.1) ? [...CONVENTIONAL_UNITS, ...LIVER_PANEL.slice(1, 3), ...LIVER_PANEL.slice(4, 6)] : LIVER_PANEL;
    const extrasOfVisit = [ctx.rng.pick(TUMOUR_MARKERS), ...(ctx.rng.chance(0.4) ? [ctx.rng.pick(MONITORING)] : [])];
    for (const spec of [...panel, ...extrasOfVisit]) {
      if (made >= labs) break;
      resources.push(lab(ctx, spec, day));
      made++;
    }
  }
  return { patient, resources };
}

/** Two draft orders for order-select / order-sign: atezolizumab (MedicationRequest) and TACE (ServiceRequest). */
export function draftOrders(patientId: string, now: Date = new Date()): { bundle: Bundle; selections: string[] } {
  const mr = medicationRequest(patientId, 'draft-mr-1', DRUGS.atezolizumab, 'draft', now.toISOString().slice(0, 10));
  const sr: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id: 'draft-sr-1',
    status: 'draft',
    intent: 'proposal',
    code: hcc('hcc-procedure', 'tace'),
    subject: { reference: `Patient/${patientId}` },
    authoredOn: now.toISOString().slice(0, 10),
  };
  return {
    bundle: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: mr }, { resource: sr }] },
    selections: ['MedicationRequest/draft-mr-1', 'ServiceRequest/draft-sr-1'],
  };
}
