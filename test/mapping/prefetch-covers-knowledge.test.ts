/**
 * Prefetch covers what the rules read (issue 9): for every fact a hook's knowledge reads (conditions, card texts,
 * suggestion conditions; derived facts expanded to the mapped facts they are computed from), a resource each of its
 * mapping sources accepts is returned by that hook's discovery prefetch queries from the in-memory FHIR server.
 * The per-hook templates are snapshotted, so a change to the discovery prefetch is always a reviewed diff.
 */
import type { Bundle, FhirResource } from 'fhir/r4';
import type { HookName } from '../../src/cds-hooks/types';
import { createInMemoryGateway } from '../../src/fhir/in-memory-gateway';
import { resolvePrefetchTemplate } from '../../src/fhir/prefetch-tokens';
import { loadEngine } from '../../src/knowledge/load-engine';
import type { Compiled, CompiledMappedFact, CompiledSource } from '../../src/mapping/compiled';
import { mappings, NOW } from './support';

const HOOKS: readonly HookName[] = ['patient-view', 'order-select', 'order-sign'];
const PATIENT = 'pt-prefetch';
const engine = loadEngine();
const compiled = mappings().compiled as Compiled;

/** The mapped facts behind the given fact names (calculator inputs, dependencies and `of` facts followed). */
function mappedFactsBehind(names: readonly string[]): CompiledMappedFact[] {
  const producers = new Map<string, readonly string[]>();
  for (const calc of compiled.calculators) for (const p of calc.produces) producers.set(p, calc.inputs);
  const out = new Map<string, CompiledMappedFact>();
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const m = compiled.mappedByName.get(name);
    if (m === undefined) {
      for (const input of producers.get(name) ?? []) visit(input);
      return;
    }
    out.set(name, m);
    m.dependsOn.forEach(visit);
    if (m.of !== undefined) visit(m.of);
  };
  names.forEach(visit);
  return [...out.values()];
}

/** A concept the source's value set accepts (with one of the source's tags when it names tags); undefined for an empty value set. */
function conceptOf(source: CompiledSource): { coding?: { system: string; code: string }[]; text?: string } | undefined {
  const vs = source.valueSet;
  if (vs === undefined) return { text: 'any' };
  const fits = (tags: readonly string[]): boolean => source.tags === undefined || source.tags.some((t) => tags.includes(t));
  for (const concept of vs.exact.values()) {
    if (concept.system !== undefined && concept.code !== undefined && fits(concept.tags)) return { coding: [{ system: concept.system, code: concept.code }] };
  }
  const text = vs.texts.find((t) => fits(t.tags));
  if (text !== undefined) return { text: text.text };
  if (vs.exact.size === 0 && vs.prefixes.length === 0 && vs.texts.length === 0) return undefined;
  throw new Error(`value set ${vs.id} has no concept for tags ${String(source.tags)}`);
}

/** A resource of the source's type that its mapping accepts (status, code / medication, patient reference). */
function resourceFor(fact: string, index: number, source: CompiledSource): FhirResource | undefined {
  const id = `${fact}-${index}`.replace(/[^A-Za-z0-9-]/g, '-');
  const status = source.statuses === undefined ? undefined : [...source.statuses][0];
  const subject = { reference: `Patient/${PATIENT}` };
  const concept = conceptOf(source);
  if (concept === undefined) return undefined;
  const common = { id, subject, ...(status === undefined ? {} : { status }) };
  switch (source.resourceType) {
    case 'MedicationRequest':
      return { resourceType: 'MedicationRequest', intent: 'order', status: 'active', ...common, medicationCodeableConcept: concept } as FhirResource;
    case 'MedicationStatement':
      return { resourceType: 'MedicationStatement', status: 'active', ...common, medicationCodeableConcept: concept } as FhirResource;
    case 'MedicationAdministration':
      return { resourceType: 'MedicationAdministration', status: 'completed', ...common, medicationCodeableConcept: concept, effectiveDateTime: '2025-05-01' } as FhirResource;
    case 'AdverseEvent':
      return { resourceType: 'AdverseEvent', id, actuality: 'actual', subject, date: '2025-05-01', event: { text: 'adverse event' } } as FhirResource;
    case 'Condition': {
      const clinical = source.clinicalStatuses === undefined ? 'active' : [...source.clinicalStatuses][0];
      return {
        resourceType: 'Condition', id, subject, code: concept, recordedDate: '2025-05-01',
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: clinical }] },
      } as FhirResource;
    }
    case 'ImagingStudy':
      return { resourceType: 'ImagingStudy', status: 'available', ...common, procedureCode: [concept], started: '2025-05-01' } as FhirResource;
    default:
      return { resourceType: source.resourceType, status: 'final', ...common, code: concept, effectiveDateTime: '2025-05-01', performedDateTime: '2025-05-01' } as FhirResource;
  }
}

/** Every resource the hook's prefetch templates return from the in-memory server (next links followed). */
async function prefetched(hook: HookName, resources: readonly FhirResource[]): Promise<Set<string>> {
  const gateway = createInMemoryGateway([{ resourceType: 'Patient', id: PATIENT } as FhirResource, ...resources]);
  const signal = new AbortController().signal;
  const out = new Set<string>();
  for (const template of Object.values(engine.prefetchFor(hook))) {
    const resolved = resolvePrefetchTemplate(template, { userId: 'Practitioner/doc', patientId: PATIENT }, NOW);
    if (!resolved.ok) throw new Error(`unresolved tokens in ${template}`);
    let result: Bundle | FhirResource = await gateway.search(resolved.query, signal);
    if (result.resourceType !== 'Bundle') {
      out.add(`${result.resourceType}/${result.id ?? ''}`);
      continue;
    }
    for (;;) {
      const bundle: Bundle = result as Bundle;
      for (const e of bundle.entry ?? []) if (e.resource !== undefined) out.add(`${e.resource.resourceType}/${e.resource.id ?? ''}`);
      const next = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (next === undefined) break;
      result = await gateway.fetchAbsolute(next, signal);
    }
  }
  return out;
}

describe.each(HOOKS)('%s', (hook) => {
  const facts = mappedFactsBehind(engine.compiled.factsByHook[hook]);

  it('reads mapped facts at all (the test is not vacuous)', () => {
    expect(facts.length).toBeGreaterThan(5);
  });

  it('returns, for every mapped fact the knowledge reads, a resource of each of its sources', async () => {
    const wanted: { fact: string; ref: string; resource: FhirResource }[] = [];
    for (const fact of facts) {
      fact.sources.forEach((source, i) => {
        const resource = resourceFor(fact.name, i, source);
        if (resource !== undefined) wanted.push({ fact: fact.name, ref: `${resource.resourceType}/${resource.id ?? ''}`, resource });
      });
    }
    const got = await prefetched(hook, wanted.map((w) => w.resource));
    expect(wanted.length).toBeGreaterThan(facts.length / 2);
    const missed = wanted.filter((w) => !got.has(w.ref)).map((w) => `${w.fact} ← ${w.ref}`);
    expect(missed).toEqual([]);
  });

  it('discovery prefetch templates (snapshot)', () => {
    expect(engine.prefetchFor(hook)).toMatchSnapshot();
  });
});

it('patient-view reads HBV DNA, TSH and free T4 (R-AE-7 work-up, R-AE-9 thyroid monitoring), so its prefetch fetches them', () => {
  const names = mappedFactsBehind(engine.compiled.factsByHook['patient-view']).map((f) => f.name);
  expect(names).toEqual(expect.arrayContaining(['hbvDna', 'tsh', 'freeT4', 'viralHepatitisActive', 'obstructiveJaundice', 'troponinT', 'ckmbActivity']));
});
