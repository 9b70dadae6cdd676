/**
 * The benchmark's record generator (scripts/lib/generate-record.ts) produces records of the exact size asked,
 * following reference/data-conventions.md, and the prefetch filler answers templates from them.
 */
import type { AdverseEvent, Bundle, Observation } from 'fhir/r4';
import { CTCAE_GRADE_URL } from '../../scripts/lib/fhir-codes';
import { CORE_SIZE, generateRecord } from '../../scripts/lib/generate-record';
import { countPrefetched, fillPrefetch } from '../../scripts/lib/prefetch-fill';

const NOW = new Date('2025-06-01T08:00:00Z');

describe('generateRecord', () => {
  it.each([50, 500, 5000])('yields exactly %i resources with unique ids, the Patient first', (size) => {
    const { resources, patient } = generateRecord({ size, patientId: 'p1', seed: 7, now: NOW });
    expect(resources).toHaveLength(size);
    expect(resources[0]).toBe(patient);
    expect(new Set(resources.map((r) => `${r.resourceType}/${r.id ?? ''}`)).size).toBe(size);
  });

  it('is deterministic for a seed', () => {
    const a = generateRecord({ size: 200, patientId: 'p1', seed: 3, now: NOW });
    const b = generateRecord({ size: 200, patientId: 'p1', seed: 3, now: NOW });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('refuses sizes below the fixed history', () => {
    expect(() => generateRecord({ size: CORE_SIZE - 1, patientId: 'p1' })).toThrow(/at least/);
  });

  it('carries labs with LOINC, UCUM and referenceRange spread over years, all for the patient, none in the future', () => {
    const { resources } = generateRecord({ size: 5000, patientId: 'p9', seed: 1, now: NOW });
    const labs = resources.filter((r): r is Observation => r.resourceType === 'Observation' && r.category?.[0]?.coding?.[0]?.code === 'laboratory');
    expect(labs.length).toBeGreaterThan(4000);
    for (const l of labs) {
      expect(l.code.coding?.[0]?.system).toBe('http://loinc.org');
      expect(l.valueQuantity?.system).toBe('http://unitsofmeasure.org');
      expect(typeof l.valueQuantity?.code).toBe('string');
      expect(l.referenceRange?.[0]?.high ?? l.referenceRange?.[0]?.low).toBeDefined();
      expect(l.subject?.reference).toBe('Patient/p9');
    }
    const times = labs.map((l) => Date.parse(l.effectiveDateTime ?? ''));
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
    expect((NOW.getTime() - Math.min(...times)) / 86_400_000).toBeGreaterThan(3 * 365);
    const codes = new Set(labs.map((l) => l.code.coding?.[0]?.code));
    for (const c of ['14631-6', '1742-6', '1920-8', '1751-7', '6301-6', '777-3', '1834-1', '3016-3']) expect(codes).toContain(c);
  });

  it('holds the clinical history: HCC Condition, CNLC staging, ECOG, ICI + TKI, TACE, responses, graded AEs', () => {
    const { resources } = generateRecord({ size: 50, patientId: 'p2', now: NOW });
    const json = JSON.stringify(resources);
    expect(json).toContain('"109841003"');
    expect(json).toContain('"C22.0"');
    expect(json).toContain('"385349001"');
    expect(json).toContain('"89247-1"');
    expect(json).toContain('"L01FF05"');
    expect(json).toContain('"L01EX08"');
    expect(json).toContain('"tace"');
    expect(json).toContain('"tumor-response"');
    const aes = resources.filter((r): r is AdverseEvent => r.resourceType === 'AdverseEvent');
    expect(aes.length).toBeGreaterThanOrEqual(3);
    for (const ae of aes) {
      expect(ae.extension?.find((e) => e.url === CTCAE_GRADE_URL)?.valueInteger).toBeGreaterThanOrEqual(1);
      const suspect = ae.suspectEntity?.[0]?.instance.reference ?? '';
      expect(resources.some((r) => `${r.resourceType}/${r.id ?? ''}` === suspect)).toBe(true);
    }
  });
});

describe('fillPrefetch', () => {
  const { resources } = generateRecord({ size: 500, patientId: 'p3', now: NOW });

  it('answers reads and token-filtered searches, and null for a missing instance', () => {
    const prefetch = fillPrefetch(
      {
        patient: 'Patient/{{context.patientId}}',
        labs: 'Observation?patient={{context.patientId}}&code=http://loinc.org|1742-6,http://loinc.org|1920-8&_sort=-date',
        meds: 'MedicationRequest?patient={{context.patientId}}&status=active',
        nobody: 'Practitioner/{{userPractitionerId}}',
      },
      resources,
      { patientId: 'p3', userId: 'Practitioner/x' },
    );
    expect(prefetch['patient']?.id).toBe('p3');
    const labs = prefetch['labs'] as Bundle;
    expect(labs.entry?.length).toBeGreaterThan(50);
    expect(labs.entry?.every((e) => ['1742-6', '1920-8'].includes((e.resource as Observation).code.coding?.[0]?.code ?? ''))).toBe(true);
    expect((prefetch['meds'] as Bundle).entry?.every((e) => (e.resource as { status?: string }).status === 'active')).toBe(true);
    expect(prefetch['nobody']).toBeNull();
    expect(countPrefetched(prefetch)).toBe(1 + (labs.entry?.length ?? 0) + ((prefetch['meds'] as Bundle).entry?.length ?? 0));
  });
});
