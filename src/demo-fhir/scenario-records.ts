/**
 * The scenario patients as one FHIR data set for the demo server: each vignette's record (Bundle entries, or the
 * prefetched resources of a CDS Hooks request), draft orders left out (they belong to order-select context,
 * not to the chart), dates already shifted to today by the loader. When two vignettes reuse a resource id, the
 * later record's ids (and the references to them) get a prefix, so every patient stays whole and separate.
 */
import type { FhirResource } from 'fhir/r4';
import { bundleResources, isDraftOrder } from '../playground/build-request';
import type { PlaygroundPatient } from '../playground/patients';

/** One patient on the demo server. */
export interface DemoPatientEntry {
  readonly patientId: string;
  readonly scenario: string;
  readonly title: string;
  readonly hook: string;
}

/** The demo data set. */
export interface DemoDataSet {
  readonly resources: readonly FhirResource[];
  readonly patients: readonly DemoPatientEntry[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordOf(input: unknown): FhirResource[] {
  if (isObject(input) && input['resourceType'] === 'Bundle') return bundleResources(input);
  if (!isObject(input) || !isObject(input['prefetch'])) return [];
  const out: FhirResource[] = [];
  for (const value of Object.values(input['prefetch'])) {
    if (!isObject(value)) continue;
    if (value['resourceType'] === 'Bundle') out.push(...bundleResources(value));
    else if (typeof value['resourceType'] === 'string' && typeof value['id'] === 'string') out.push(value as unknown as FhirResource);
  }
  return out;
}

function renamed(resources: readonly FhirResource[], prefix: string): FhirResource[] {
  const keys = new Set(resources.map((r) => `${r.resourceType}/${r.id ?? ''}`));
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      if (key === 'reference' && keys.has(node)) {
        const [type, id] = node.split('/');
        return `${type ?? ''}/${prefix}${id ?? ''}`;
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((n) => walk(n, key));
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    return node;
  };
  return resources.map((r) => ({ ...(walk(r, undefined) as FhirResource), id: `${prefix}${r.id ?? ''}`.slice(0, 64) }) as FhirResource);
}

/** Merges the scenario patients into one data set without id clashes. */
export function scenarioDataSet(patients: readonly PlaygroundPatient[]): DemoDataSet {
  const taken = new Set<string>();
  const resources: FhirResource[] = [];
  const entries: DemoPatientEntry[] = [];
  patients.forEach((patient, index) => {
    let record = recordOf(patient.input).filter((r) => !isDraftOrder(r));
    if (record.some((r) => taken.has(`${r.resourceType}/${r.id ?? ''}`))) record = renamed(record, `s${index + 1}-`);
    const seen = new Set<string>();
    for (const r of record) {
      const key = `${r.resourceType}/${r.id ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      taken.add(key);
      resources.push(r);
    }
    const subject = record.find((r) => r.resourceType === 'Patient');
    if (subject?.id !== undefined) entries.push({ patientId: subject.id, scenario: patient.id, title: patient.title, hook: patient.hook });
  });
  return { resources, patients: entries };
}
