/**
 * Issue 9 over HTTP: a patient-view answer of the real engine behind the real app carries at most one data-gap
 * card, for every patient-view vignette (dates shifted to now, full prefetch); the vignette whose patient is in
 * the population with the deciding data missing gets exactly one, the one outside the population none.
 */
import { join } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import request from 'supertest';
import type { CdsCard } from '../../src/cds-hooks/types';
import { projectRoot } from '../../src/config/project-root';
import { loadEngine } from '../../src/knowledge/load-engine';
import { loadScenarioPatients } from '../../src/playground/patients';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';
import { expectValidCdsResponse } from '../support/expect-valid-cds-response';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';

const PATH = '/cds-services/hcc-consensus-patient-view';
const engine = loadEngine();
const now = new Date();
const patients = loadScenarioPatients({ scenariosDir: join(projectRoot(), 'test', 'scenarios'), now }).filter((p) => p.hook === 'patient-view');
let t: ReturnType<typeof buildTestApp>;

beforeAll(() => {
  t = buildTestApp({ engine });
});

function dataGapCards(cards: readonly CdsCard[]): CdsCard[] {
  return cards.filter((c) => (c.extension?.['org.hcc-cds'] as { kind?: string } | undefined)?.kind === 'data-gap');
}

async function answer(id: string, language: string): Promise<CdsCard[]> {
  const patient = patients.find((p) => p.id === id);
  if (patient === undefined) throw new Error(`no vignette ${id}`);
  const resources = ((patient.input as Bundle).entry ?? []).map((e) => e.resource as FhirResource);
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id ?? 'unknown';
  const prefetch = fillPrefetch(engine.prefetchFor('patient-view'), resources, { patientId, userId: 'Practitioner/doc' }, now);
  const res = await request(t.app)
    .post(PATH)
    .set('Authorization', t.auth(PATH))
    .set('Accept-Language', language)
    .send(patientViewRequest({ prefetch, context: { userId: 'Practitioner/doc', patientId } }));
  expect(res.status).toBe(200);
  expectValidCdsResponse(res.body);
  return res.body.cards as CdsCard[];
}

describe('patient-view over HTTP: at most one data-gap card (issue 9)', () => {
  it('holds for every patient-view vignette', async () => {
    expect(patients.length).toBeGreaterThan(50);
    const counts: Record<string, number> = {};
    for (const p of patients) counts[p.id] = dataGapCards(await answer(p.id, 'en')).length;
    expect(Object.entries(counts).filter(([, n]) => n > 1)).toEqual([]);
    expect(Object.values(counts).some((n) => n === 1)).toBe(true);
  });

  it.each(['en', 'zh-CN'])('in the population with the deciding data missing: exactly one, naming the input by its label (%s)', async (language) => {
    const cards = await answer('recommendations--r-prog-1--not-evaluable-pd-after-pr-phase-unrecorded-one-data-gap-card', language);
    const gaps = dataGapCards(cards);
    expect(gaps).toHaveLength(1);
    const label = engine.compiled.kb.factLabels['therapyPhase']?.[language as 'en' | 'zh-CN'] ?? '';
    expect(gaps[0]?.summary).toContain(label);
    expect(gaps[0]?.detail).toContain(label);
    expect(`${gaps[0]?.summary} ${gaps[0]?.detail}`).not.toContain('therapyPhase');
    expect(gaps[0]?.indicator).toBe('info');
  });

  it('outside the population: none', async () => {
    const cards = await answer('recommendations--r-prog-1--not-evaluable-no-response-assessment-no-data-gap-card', 'en');
    expect(cards.length).toBeGreaterThan(0);
    expect(dataGapCards(cards)).toHaveLength(0);
  });
});
