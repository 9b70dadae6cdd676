/**
 * Issue 5 "Fuzzing" of the mapping layer: generated records corrupted with unknown codes and units, other
 * patients' resources, duplicate ids, bad dates and values, stripped or retyped members, plus arbitrary junk
 * and mutated draft orders. Property: extractFacts and describeOrder never throw; every fact is Known with a
 * value of its catalogue type (finite numbers, listed codes) or Unknown with a catalogued reason; no fact cites
 * another patient's resource.
 */
import fc from 'fast-check';
import type { FhirResource } from 'fhir/r4';
import { generateRecord, draftOrders } from '../../scripts/lib/generate-record';
import { describeOrder, extractFacts, loadMappings } from '../../src/mapping';
import type { Mappings } from '../../src/mapping/types';
import { applyResourceFault, arbMutation, arbResourceFault, DELETE, mutate } from '../support/reliability/mutations';

jest.setTimeout(120_000);

const SCALE = Number(process.env['FUZZ_RUNS_SCALE'] ?? '1');
const runs = (n: number): number => Math.max(10, Math.round(n * SCALE));
const REASONS = new Set(['no-data', 'stale', 'unmappable-unit', 'unmappable-value', 'conflicting', 'missing-inputs', 'data-error']);
const ORDER_CLASSES = new Set(['ici', 'tki', 'anti-vegf', 'targeted', 'targeted-immune-drug', 'tace', 'haic', 'ablation', 'resection', 'radiotherapy', 'internal-radiotherapy']);
const NOW = new Date('2025-06-01T08:00:00Z');
const PID = 'mz-1';

let mappings: Mappings;
const bases = [60, 150].map((size, i) => generateRecord({ size, patientId: PID, seed: 100 + i, now: NOW }).resources);

beforeAll(() => {
  mappings = loadMappings();
});

/** Checks the shape of a FactSet against the catalogue; returns the problems found. */
function factProblems(result: ReturnType<typeof extractFacts>, intruders: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [name, fact] of Object.entries(result.facts)) {
    const def = mappings.factDefinitions.get(name);
    if (def === undefined) {
      problems.push(`${name}: not in the catalogue`);
      continue;
    }
    if (!fact.known) {
      if (!REASONS.has(fact.reason)) problems.push(`${name}: unknown reason ${String(fact.reason)}`);
      continue;
    }
    const v = fact.value;
    switch (def.type) {
      case 'quantity':
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${name}: ${JSON.stringify(v)} is not a finite number`);
        break;
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v)) problems.push(`${name}: ${JSON.stringify(v)} is not an integer`);
        break;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push(`${name}: ${JSON.stringify(v)} is not a boolean`);
        break;
      case 'code':
        if (typeof v !== 'string' || (def.codes !== undefined && !def.codes.includes(v))) problems.push(`${name}: ${JSON.stringify(v)} is not one of its codes`);
        break;
      case 'codes':
        if (!Array.isArray(v) || v.some((c) => typeof c !== 'string')) problems.push(`${name}: ${JSON.stringify(v)} is not a list of codes`);
        break;
      case 'date':
        if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) problems.push(`${name}: ${JSON.stringify(v)} is not a date`);
        break;
    }
    for (const s of fact.sources) if (intruders.has(s)) problems.push(`${name}: cites ${s}, a resource of another patient`);
  }
  return problems;
}

/** References that only resources of another patient carry (a duplicated id shared with our patient is ambiguous, so excluded). */
function intrudersOf(resources: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  const ours = new Set<string>();
  for (const r of resources) {
    if (typeof r !== 'object' || r === null) continue;
    const o = r as { resourceType?: unknown; id?: unknown; subject?: { reference?: unknown }; patient?: { reference?: unknown } };
    const ref = o.subject?.reference ?? o.patient?.reference;
    if (typeof o.resourceType !== 'string' || typeof o.id !== 'string') continue;
    if (typeof ref === 'string' && ref !== `Patient/${PID}`) out.add(`${o.resourceType}/${o.id}`);
    else ours.add(`${o.resourceType}/${o.id}`);
  }
  for (const r of ours) out.delete(r);
  return out;
}

function run(resources: readonly unknown[]): void {
  const result = extractFacts(mappings, resources as FhirResource[], { patientId: PID, now: NOW });
  const problems = factProblems(result, intrudersOf(resources));
  if (problems.length > 0) throw new Error(problems.slice(0, 8).join('\n'));
}

describe('mapping fuzzing', () => {
  it('maps the uncorrupted records (baseline): an HCC diagnosis is known', () => {
    for (const base of bases) {
      const result = extractFacts(mappings, base, { patientId: PID, now: NOW });
      expect(factProblems(result, new Set())).toEqual([]);
      expect(result.facts['hccDiagnosis']).toMatchObject({ known: true, value: true });
    }
  });

  it('never throws and keeps every fact well-typed on clinically corrupted records', () => {
    fc.assert(
      fc.property(fc.nat({ max: bases.length - 1 }), fc.array(fc.tuple(fc.nat(), arbResourceFault), { minLength: 1, maxLength: 10 }), (b, faults) => {
        let list: unknown[] = [...(bases[b] ?? [])];
        for (const [i, fault] of faults) list = applyResourceFault(list, i, fault);
        run(list);
      }),
      { numRuns: runs(1000) },
    );
  });

  it('never throws on structurally mutated resources (wrong types, missing members, huge strings, deep nesting)', () => {
    const small = bases[0] ?? [];
    fc.assert(
      fc.property(fc.array(arbMutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const list = mutate(small as unknown[], mutations);
        run(Array.isArray(list) ? list : [list]);
      }),
      // Regression example found by this property: an albumin of 1e308 g/L (path index 1601888374 of the 60-resource record).
      { numRuns: runs(1000), examples: [[[[1601888374, 1e308], [0, DELETE]]]] },
    );
  });

  it('never throws on arbitrary junk posing as resources', () => {
    const arbResourceLike = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        resourceType: fc.constantFrom('Observation', 'Condition', 'MedicationRequest', 'MedicationStatement', 'Procedure', 'AdverseEvent', 'Patient', 'Bundle', 'OperationOutcome', 'Nope'),
        id: fc.oneof(fc.string({ maxLength: 6 }), fc.integer()),
        subject: fc.oneof(fc.constant({ reference: `Patient/${PID}` }), fc.jsonValue({ maxDepth: 2 })),
        code: fc.jsonValue({ maxDepth: 3 }),
        status: fc.oneof(fc.constantFrom('final', 'active', 'completed', 'entered-in-error', 'draft'), fc.jsonValue({ maxDepth: 1 })),
        valueQuantity: fc.jsonValue({ maxDepth: 2 }),
        effectiveDateTime: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string({ maxLength: 10 })),
      }, { requiredKeys: ['resourceType'] }),
    );
    fc.assert(
      fc.property(fc.array(arbResourceLike, { maxLength: 30 }), (junk) => {
        run([...(bases[0] ?? []).slice(0, 20), ...junk]);
      }),
      { numRuns: runs(800) },
    );
  });

  it('describes mutated and arbitrary draft orders without throwing, with classes from the closed list', () => {
    const drafts = (draftOrders(PID, NOW).bundle.entry ?? []).map((e) => e.resource);
    fc.assert(
      fc.property(fc.oneof(fc.tuple(fc.nat({ max: 1 }), fc.array(arbMutation, { maxLength: 3 })).map(([i, m]) => mutate(drafts[i], m)), fc.jsonValue({ maxDepth: 3 })), (order) => {
        const d = describeOrder(mappings, order);
        for (const c of d.classes) if (!ORDER_CLASSES.has(c)) throw new Error(`class ${c} is not in the closed list`);
      }),
      { numRuns: runs(800) },
    );
  });
});
