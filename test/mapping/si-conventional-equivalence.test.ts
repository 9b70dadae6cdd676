/**
 * Issue 3 "Done when": the same record with its liver labs in SI units and in conventional units gives the same
 * facts and scores. The conventional bundle is derived from the SI fixture with the UCUM factors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fact } from '../../src/domain/facts';
import { parseInput } from '../../src/cli/load-input';
import { extractFacts } from '../../src/mapping';
import { mappings, NOW } from './support';

const FIXTURE = join(__dirname, '..', 'fixtures', 'fhir', 'patient-cnlc-iiia-pvtt-child-pugh-a-naive.json');
// SI → conventional: value / factor; LOINC switches where the code is unit-specific (clinical.md §7.1).
const TO_CONVENTIONAL: Readonly<Record<string, { code?: string; unit: string; factor: number }>> = {
  '14631-6': { code: '1975-2', unit: 'mg/dL', factor: 10 / 0.58466 }, // bilirubin, 584.66 g/mol
  '14682-9': { code: '2160-0', unit: 'mg/dL', factor: 10 / 0.11312 }, // creatinine, 113.12 g/mol
  '1751-7': { unit: 'g/dL', factor: 10 },
  '777-3': { unit: '10*3/uL', factor: 1 },
};

function convert(quantity: Record<string, unknown> | undefined, spec: { unit: string; factor: number }): void {
  if (quantity === undefined || typeof quantity['value'] !== 'number') return;
  quantity['value'] = quantity['value'] / spec.factor;
  quantity['unit'] = spec.unit;
  quantity['code'] = spec.unit;
}

function conventionalText(): string {
  const bundle = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { entry: { resource: Record<string, unknown> }[] };
  let converted = 0;
  for (const { resource } of bundle.entry) {
    const coding = (resource['code'] as { coding?: { code: string }[] } | undefined)?.coding?.[0];
    const spec = coding === undefined ? undefined : TO_CONVENTIONAL[coding.code];
    if (spec === undefined || coding === undefined) continue;
    if (spec.code !== undefined) coding.code = spec.code;
    convert(resource['valueQuantity'] as Record<string, unknown>, spec);
    for (const range of (resource['referenceRange'] as Record<string, Record<string, unknown>>[] | undefined) ?? []) {
      convert(range['low'], spec);
      convert(range['high'], spec);
    }
    converted += 1;
  }
  expect(converted).toBe(4);
  return JSON.stringify(bundle);
}

function normalise(fact: Fact): unknown {
  if (!fact.known) return fact;
  const value = typeof fact.value === 'number' ? Number(fact.value.toPrecision(9)) : fact.value;
  return { ...fact, value };
}

it('every fact and score is identical for SI and conventional liver labs', () => {
  const si = parseInput(readFileSync(FIXTURE, 'utf8'));
  const conv = parseInput(conventionalText());
  const a = extractFacts(mappings(), si.resources, { patientId: si.patientId, now: NOW });
  const b = extractFacts(mappings(), conv.resources, { patientId: conv.patientId, now: NOW });
  expect(Object.keys(b.facts).sort()).toEqual(Object.keys(a.facts).sort());
  for (const name of Object.keys(a.facts)) expect([name, normalise(b.facts[name] as Fact)]).toEqual([name, normalise(a.facts[name] as Fact)]);
  expect(a.facts['childPughScore']).toMatchObject({ value: 5 });
  expect(b.facts['albiGrade']).toMatchObject({ value: '2' });
  expect(b.facts['totalBilirubin']).toMatchObject({ unit: 'umol/L' });
});
