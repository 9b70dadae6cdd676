/**
 * A small hand-built cohort for the cohort tests: copies of two scenario fixtures (an HCC patient on
 * atezolizumab + bevacizumab with a grade-2 irAE, and the same record without any Condition) and of a patient with
 * one local, unmapped diagnosis code (the last two with an ALT result without a value), written as a Bulk Data export (one NDJSON file per type) with known
 * malformed lines. Each copy gets its own patient id and resource ids, as a FHIR server's export would.
 */
import { readFileSync, writeFileSync, mkdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FhirResource } from 'fhir/r4';
import { projectRoot } from '../../src/config/project-root';

/** The instant every test evaluates at (the fixtures' moment). */
export const AT = '2025-06-01T00:00:00Z';

/** A local lab code no mapping knows, added twice to each HCC patient. */
export const LOCAL_LAB = { system: 'urn:oid:1.2.156.99999.1.7', code: 'LAB-LOCAL-1', display: '本院肝功能套餐' };
/** A local diagnosis code no mapping knows: the only Condition of the "no HCC" patients. */
export const LOCAL_DX = { system: 'urn:oid:1.2.156.99999.2.3', code: 'LOCAL-DX-7', display: 'local diagnosis seven' };

/** The three kinds of patient of the cohort. */
export type Kind = 'hcc' | 'noCondition' | 'noHcc';

function fixture(name: string): FhirResource[] {
  const bundle = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'scenarios', name), 'utf8')) as { entry: { resource: FhirResource }[] };
  return bundle.entry.map((e) => e.resource);
}

function noHccRecord(): FhirResource[] {
  return [
    { resourceType: 'Patient', id: 'pt-n', gender: 'male', birthDate: '1960-01-01' },
    {
      resourceType: 'Condition',
      id: 'dx',
      subject: { reference: 'Patient/pt-n' },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      code: { coding: [LOCAL_DX] },
      onsetDateTime: '2024-01-01',
    },
  ];
}

/** An ALT result without a value: a data issue (no-value) on every record that carries it. */
function altWithoutValue(patientId: string): FhirResource {
  return { resourceType: 'Observation', id: 'alt-no-value', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '1742-6' }] }, subject: { reference: `Patient/${patientId}` }, effectiveDateTime: '2025-05-30' };
}

function localLabs(patientId: string): FhirResource[] {
  return [1, 2].map((n) => ({
    resourceType: 'Observation',
    id: `local-lab-${n}`,
    status: 'final',
    code: { coding: [LOCAL_LAB] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: `2025-05-0${n}T08:00:00Z`,
    valueString: 'see report',
  })) as FhirResource[];
}

/** The record of one patient of `kind` (original ids; `withCopyId` gives it its own). */
export function baseRecord(kind: Kind): FhirResource[] {
  if (kind === 'noHcc') return [...noHccRecord(), altWithoutValue('pt-n')];
  const resources = fixture(kind === 'hcc' ? 'r-ae-1-fires-grade-2-irae.json' : 'r-ae-1-not-evaluable-no-hcc-diagnosis-on-record.json');
  const patientId = resources[0]!.id!;
  return kind === 'hcc' ? [...resources, ...localLabs(patientId)] : [...resources, altWithoutValue(patientId)];
}

/** The record with patient id `id` and every resource id prefixed by it (references rewritten). */
export function withCopyId(resources: readonly FhirResource[], id: string): FhirResource[] {
  let text = JSON.stringify(resources);
  for (const r of resources) {
    const to = r.resourceType === 'Patient' ? id : `${id}-${r.id!}`;
    text = text.split(`"${r.resourceType}/${r.id!}"`).join(`"${r.resourceType}/${to}"`);
  }
  const out = JSON.parse(text) as FhirResource[];
  for (const r of out) r.id = r.resourceType === 'Patient' ? id : `${id}-${r.id!}`;
  return out;
}

/** One patient of the cohort. */
export interface CohortPatient {
  readonly id: string;
  readonly kind: Kind;
  readonly resources: FhirResource[];
}

/** The cohort: `counts` copies of each kind, ids `<kind>-<n>`. */
export function cohort(counts: Readonly<Record<Kind, number>>, prefix = ''): CohortPatient[] {
  const out: CohortPatient[] = [];
  for (const kind of ['hcc', 'noCondition', 'noHcc'] as const) {
    for (let i = 1; i <= counts[kind]; i++) {
      const id = `${prefix}${kind}-${i}`;
      out.push({ id, kind, resources: withCopyId(baseRecord(kind), id) });
    }
  }
  return out;
}

/** Writes patients as a Bulk Data export (resources of a type interleaved across patients, as a server would). */
export function writeExport(dir: string, patients: readonly CohortPatient[]): void {
  mkdirSync(dir, { recursive: true });
  const byType = new Map<string, string[]>();
  for (const p of patients) {
    for (const r of p.resources) {
      let lines = byType.get(r.resourceType);
      if (lines === undefined) byType.set(r.resourceType, (lines = []));
      lines.push(JSON.stringify(r));
    }
  }
  for (const [type, lines] of byType) writeFileSync(join(dir, `${type}.ndjson`), `${lines.reverse().join('\n')}\n`);
}

/** Appends the malformed lines the tests expect; returns their file and line numbers. */
export function appendMalformed(dir: string): { file: string; line: number; kind: string }[] {
  const file = join(dir, 'Observation.ndjson');
  const lines = readFileSync(file, 'utf8').split('\n').length - 1;
  appendFileSync(file, '{"resourceType": "Observation", "id": "broken", \n');
  appendFileSync(file, '{"resourceType":"Observation","status":"final","subject":{"reference":"Patient/hcc-1"}}\n');
  appendFileSync(file, '[1, 2, 3]\n');
  writeFileSync(join(dir, 'Practitioner.ndjson'), '{"resourceType":"Practitioner","id":"dr-1"}\n');
  return [
    { file: 'Observation.ndjson', line: lines + 1, kind: 'invalid-json' },
    { file: 'Observation.ndjson', line: lines + 2, kind: 'missing-id' },
    { file: 'Observation.ndjson', line: lines + 3, kind: 'not-a-resource' },
  ];
}
