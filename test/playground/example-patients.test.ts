/**
 * The demo patients (examples/patients, written by examples/generate-patients.js) look like a real chart to the
 * sandbox and the playground: a Chinese name with its pinyin, gender and birth date on the Patient, code.text on
 * every Condition and order; and each one, run through the real pipeline as of its moment, yields decision support
 * (a critical card for the order hooks). Production reads these, never test/.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, FhirResource, Patient } from 'fhir/r4';
import { compileFhirServerAllowlist } from '../../src/fhir/fhir-server-allowlist';
import { loadEngine } from '../../src/knowledge/load-engine';
import { runService } from '../../src/pipeline/run-service';
import { buildHookRequest } from '../../src/playground/build-request';
import { examplePatientsDir, loadScenarioPatients } from '../../src/playground/patients';
import { fixedClock } from '../../src/shared/clock';
import { loadProjectServices } from '../support/project-services';

const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const patients = loadScenarioPatients({ scenariosDir: examplePatientsDir() });
const engine = loadEngine();
const services = loadProjectServices().services;

describe('demo patients (examples/patients)', () => {
  it('there are patients for each hook, and examples/ holds nothing read from test/ at run time', () => {
    expect(patients.length).toBeGreaterThanOrEqual(5);
    expect(new Set(patients.map((p) => p.hook))).toEqual(new Set(['patient-view', 'order-select']));
    expect(examplePatientsDir()).not.toMatch(/[\\/]test[\\/]/);
  });

  it.each(patients.map((p) => [p.id, p] as const))('%s: named in Chinese and pinyin, with gender and birth date; Conditions and orders have text', (_id, p) => {
    const resources = ((p.input as Bundle).entry ?? []).map((e) => e.resource as FhirResource);
    const patient = resources.find((r): r is Patient => r.resourceType === 'Patient')!;
    const names = (patient.name ?? []).map((n) => [n.extension?.find((x) => x.url === REPRESENTATION)?.valueCode, n.text]);
    // Pinyin first (the sandbox banner shows name[0] as "given family"), then the characters.
    expect(names).toEqual([['ABC', expect.stringMatching(/^[A-Z][a-z]+ [A-Z][a-z]+$/)], ['IDE', expect.stringMatching(/^[\u4e00-\u9fff]{2,4}$/)]]);
    expect(p.title.startsWith(`${names[1]![1]} ${names[0]![1]}`)).toBe(true);
    expect(patient.name![0]!.given).toHaveLength(1);
    expect(patient.gender).toMatch(/^(male|female)$/);
    expect(patient.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const coded = resources.filter((r) => ['Condition', 'MedicationRequest', 'ServiceRequest'].includes(r.resourceType));
    expect(coded.length).toBeGreaterThan(0);
    for (const r of coded) {
      const concept = (r as { code?: { text?: string }; medicationCodeableConcept?: { text?: string } });
      expect([`${r.resourceType}/${r.id ?? ''}`, (concept.code ?? concept.medicationCodeableConcept)?.text]).toEqual([`${r.resourceType}/${r.id ?? ''}`, expect.stringMatching(/\S/)]);
    }
    const ids = resources.map((r) => `${r.resourceType}/${r.id ?? ''}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(patients.map((p) => [p.id, p] as const))('%s: the real pipeline answers it with cards', async (_id, p) => {
    const service = services.find((s) => s.hook === p.hook)!;
    const at = p.at!;
    const hookRequest = buildHookRequest({ hook: p.hook, bundle: p.input, prefetchTemplates: engine.prefetchFor(p.hook), hookInstance: randomUUID(), userId: 'Practitioner/demo', now: new Date(at) });
    const run = await runService(service, hookRequest, {
      engine, gatewayFactory: () => { throw new Error('no FHIR'); }, allowedFhirServers: compileFhirServerAllowlist([]),
      deadlineMs: 10_000, fhirDeadlineMs: 1, pageCap: 1, clock: fixedClock(at),
    }, { language: 'zh-CN' });
    expect(run.response.cards.length).toBeGreaterThan(0);
    if (p.hook !== 'patient-view') expect(run.response.cards.map((c) => c.indicator)).toContain('critical');
  });

  it('patient ids are unique across the demo set, so one FHIR server holds them all unrenamed', () => {
    const ids = patients.flatMap((p) => ((p.input as Bundle).entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
