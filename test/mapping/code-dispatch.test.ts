/**
 * The load-time code dispatch gives every closed-code source exactly the resources, order and concepts of matching
 * each resource against the value set one code at a time (the per-fact lookup it replaced).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateRecord } from '../../scripts/lib/generate-record';
import type { Compiled, CompiledSource } from '../../src/mapping/compiled';
import { indexRecord, type AnyResource } from '../../src/mapping/record-index';
import { matchConcept } from '../../src/mapping/value-sets';
import { mappings, NOW } from './support';

const compiled = (): Compiled => mappings().compiled as Compiled;

/** The reference: value-set code order, then record order, each resource once; concept = first coding in the set. */
function naive(resources: readonly AnyResource[], source: CompiledSource): { id: unknown; concept: unknown }[] {
  const out: { id: unknown; concept: unknown }[] = [];
  const seen = new Set<AnyResource>();
  for (const { system, code } of source.valueSet?.closedCodes ?? []) {
    for (const r of resources) {
      if (r.resourceType !== source.resourceType || seen.has(r)) continue;
      const codings = ((r['code'] as { coding?: { system?: unknown; code?: unknown }[] } | undefined)?.coding ?? []);
      if (!codings.some((c) => c.system === system && c.code === code)) continue;
      seen.add(r);
      out.push({ id: r['id'], concept: matchConcept(source.valueSet as never, r['code']) });
    }
  }
  return out;
}

function records(): { name: string; patientId: string; resources: AnyResource[] }[] {
  const dir = join(__dirname, '..', 'fixtures', 'fhir', 'mapping');
  const fixtures = readdirSync(dir).map((f) => {
    const bundle = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { entry: { resource: AnyResource }[] };
    const resources = bundle.entry.map((e) => e.resource);
    return { name: f, patientId: String(resources.find((r) => r.resourceType === 'Patient')?.['id'] ?? 'p1'), resources };
  });
  const generated = generateRecord({ size: 800, patientId: 'g', seed: 3, now: NOW }).resources as unknown as AnyResource[];
  // Two codings of one value set, listed against the value set's order, and a coding repeated.
  const twoCodings: AnyResource = {
    resourceType: 'Observation', id: 'two-codings', status: 'final', subject: { reference: 'Patient/g' }, effectiveDateTime: '2025-05-01',
    code: { coding: [{ system: 'http://loinc.org', code: '26515-7' }, { system: 'http://loinc.org', code: '777-3' }, { system: 'http://loinc.org', code: '26515-7' }] },
    valueQuantity: { value: 150, unit: '10*9/L', system: 'http://unitsofmeasure.org', code: '10*9/L' },
  };
  const mixed = [...generated.slice(0, 400), twoCodings, ...generated.slice(400)].reverse();
  return [...fixtures, { name: 'generated, reversed, with a two-coding resource', patientId: 'g', resources: mixed }];
}

it.each(records())('$name: every dispatched source sees what per-code matching sees', ({ resources, patientId }) => {
  const index = indexRecord(resources, patientId, compiled().dispatch);
  let checked = 0;
  for (const fact of compiled().mapped) {
    for (const source of fact.sources) {
      if (source.dispatchId === undefined) continue;
      const got = (index.byDispatch[source.dispatchId] ?? []).map((h) => ({ id: h.resource['id'], concept: h.concept }));
      expect([fact.name, got]).toEqual([fact.name, naive(index.byType.get(source.resourceType) ?? [], source)]);
      checked += 1;
    }
  }
  expect(checked).toBeGreaterThan(30);
});

it('closed-code Observation / Condition / Procedure sources are dispatched; medication, adverse-event and open value sets are not', () => {
  const sources = compiled().mapped.flatMap((f) => f.sources.map((s) => ({ fact: f.name, s })));
  const of = (name: string): CompiledSource | undefined => sources.find((x) => x.fact === name)?.s;
  expect(of('alt')?.dispatchId).toBeDefined();
  expect(of('lastTaceDate')?.dispatchId).toBeDefined();
  expect(of('lastTaceDate')?.dispatchId).toBe(of('taceSessions')?.dispatchId);
  expect(of('onIci')?.dispatchId).toBeUndefined();
  expect(of('extrahepaticMetastasis')?.dispatchId).toBeUndefined();
});
