/**
 * Generated prefetch templates are CDS Hooks 2.0 conformant (cds-hooks.md §2.2 D-6…D-9: lintPrefetchTemplate for
 * every hook) and answerable by a FHIR server (src/fhir/in-memory-gateway.ts refuses what it cannot answer, e.g.
 * `_include`); the facts extracted from what the templates fetch equal those from the whole record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import { generateRecord } from '../../scripts/lib/generate-record';
import type { HookName } from '../../src/cds-hooks/types';
import { createInMemoryGateway } from '../../src/fhir/in-memory-gateway';
import { lintPrefetchTemplate, resolvePrefetchTemplate } from '../../src/fhir/prefetch-tokens';
import { loadEngine } from '../../src/knowledge/load-engine';
import { extractFacts, prefetchTemplates } from '../../src/mapping';
import { mappings, NOW } from './support';

const HOOKS: readonly HookName[] = ['patient-view', 'order-select', 'order-sign'];
const engine = loadEngine();

function allTemplates(): Record<string, string> {
  return prefetchTemplates(mappings(), [...mappings().factDefinitions.keys()]);
}

/** Runs every template through the in-memory gateway (following next links) and returns what it fetched. */
async function fetchAll(templates: Readonly<Record<string, string>>, resources: readonly FhirResource[], patientId: string): Promise<FhirResource[]> {
  const gateway = createInMemoryGateway(resources);
  const signal = new AbortController().signal;
  const out: FhirResource[] = [];
  const context = { userId: 'Practitioner/doc', patientId };
  for (const template of Object.values(templates)) {
    const resolved = resolvePrefetchTemplate(template, context, NOW);
    if (!resolved.ok) throw new Error(`unresolved tokens in ${template}`);
    let result: Bundle | FhirResource = await gateway.search(resolved.query, signal);
    if (result.resourceType !== 'Bundle') {
      out.push(result);
      continue;
    }
    for (;;) {
      const bundle: Bundle = result as Bundle;
      for (const e of bundle.entry ?? []) if (e.resource !== undefined) out.push(e.resource as FhirResource);
      const next = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (next === undefined) break;
      result = await gateway.fetchAbsolute(next, signal);
    }
  }
  return out;
}

function fixture(path: string): { resources: FhirResource[] } {
  const bundle = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'fhir', path), 'utf8')) as Bundle;
  return { resources: (bundle.entry ?? []).map((e) => e.resource as FhirResource) };
}

describe.each(HOOKS)('%s', (hook) => {
  it('every template generated for the catalogue and for the hook lints clean (D-6…D-9)', () => {
    const templates = { ...allTemplates(), ...engine.prefetchFor(hook) };
    for (const template of Object.values(templates)) expect([template, lintPrefetchTemplate(hook, template)]).toEqual([template, []]);
  });

  it('the in-memory FHIR gateway answers every template of the hook', async () => {
    const { resources } = generateRecord({ size: 500, patientId: 'perf-1', seed: 7, now: NOW });
    const fetched = await fetchAll(engine.prefetchFor(hook), resources, 'perf-1');
    expect(fetched.length).toBeGreaterThan(0);
  });
});

it('no template uses _include or any search feature outside D-8', () => {
  for (const template of Object.values(allTemplates())) {
    expect(template).not.toMatch(/_include|_revinclude|_has|:(?!\/\/)[a-z]+=/);
  }
});

it.each([
  ['a generated 500-resource record', () => generateRecord({ size: 500, patientId: 'perf-1', seed: 7, now: NOW }), 'perf-1'],
  ['the CNLC IIIa fixture', () => fixture('patient-cnlc-iiia-pvtt-child-pugh-a-naive.json'), 'hcc-iiia-naive'],
  ['the contrast-imaging fixture (Procedure, ImagingStudy, DiagnosticReport)', () => fixture('mapping/contrast-imaging-from-report-study-procedure.json'), 'p1'],
  ['the body-weight fixture', () => fixture('mapping/body-weight-converted-from-lb.json'), 'p1'],
])('the facts of %s are the same from the prefetched resources as from the whole record', async (_name, make, patientId) => {
  const { resources } = make();
  const fetched = await fetchAll(allTemplates(), resources, patientId);
  expect(fetched.length).toBeLessThanOrEqual(resources.length);
  const whole = extractFacts(mappings(), resources, { patientId, now: NOW }).facts;
  const viaPrefetch = extractFacts(mappings(), fetched, { patientId, now: NOW }).facts;
  expect(viaPrefetch).toEqual(whole);
});

it('a Medication the prefetch cannot bring (no _include) makes the order unidentifiable, not "no ICI"', async () => {
  const { resources } = fixture('mapping/drug-by-reference-resolved.json');
  const fetched = await fetchAll(allTemplates(), resources, 'p1');
  expect(fetched.some((r) => r.resourceType === 'Medication')).toBe(false);
  const facts = extractFacts(mappings(), fetched, { patientId: 'p1', now: NOW }).facts;
  expect(facts['onIci']).toMatchObject({ known: false, reason: 'unmappable-value', detail: 'medication not identifiable', sources: ['MedicationRequest/atezo'] });
  // The contained Medication travels with its order.
  expect(facts['onAntiVegf']).toMatchObject({ known: true, value: true });
});
