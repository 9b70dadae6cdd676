/**
 * The "Done when" sentences of the knowledge-base issue, checked end to end: the built server runs as a child
 * process (production settings, JWT on), the EHR side fills the discovery prefetch templates from a vignette's
 * FHIR record (dates moved so the vignette's moment is now), and the answer is read as an EHR would.
 */
import type { FhirResource } from 'fhir/r4';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';
import { validateCdsResponse } from '../../src/cds-hooks/validator';
import { daysBetween, shiftDates } from '../../src/demo-fhir/shift-dates';
import { loadScenarios, type Scenario } from '../scenarios/support/load-scenarios';
import { jsonOf, startRealServer, type RealServer } from '../support/reliability/real-server';

interface Card {
  indicator: string;
  summary: string;
  extension?: { 'org.hcc-cds'?: { recommendations?: { id: string }[]; facts?: { name: string; sources?: string[] }[] } };
}

function scenario(fileEnd: string): Scenario {
  const found = loadScenarios().find((s) => s.path.endsWith(fileEnd));
  if (found === undefined) throw new Error(`vignette ${fileEnd} not found`);
  return found;
}

function movedToNow<T>(s: Scenario, value: T): T {
  return shiftDates(value, daysBetween(new Date(s.at), new Date()));
}

async function discoveryPrefetch(server: RealServer, serviceId: string): Promise<Record<string, string>> {
  const discovery = jsonOf(await server.get('/cds-services')) as { services: { id: string; prefetch?: Record<string, string> }[] };
  const service = discovery.services.find((s) => s.id === serviceId);
  if (service?.prefetch === undefined) throw new Error(`no prefetch for ${serviceId}`);
  return service.prefetch;
}

function recommendationIds(cards: readonly Card[]): string[] {
  return cards.flatMap((c) => c.extension?.['org.hcc-cds']?.recommendations?.map((r) => r.id) ?? []);
}

describe('Done when (knowledge base issue), through the real server process', () => {
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer();
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
  });

  it('patient-view with prefetch for a treatment-naive CNLC IIIa patient with PVTT and Child-Pugh A names R-ELIG-1, R-HAIC-1, R-TACE-4 and R-RT-1 with their facts', async () => {
    const s = scenario('fires-iiia-pvtt-naive-child-pugh-a.yaml');
    const resources = movedToNow(s, s.resources) as FhirResource[];
    const templates = await discoveryPrefetch(server, 'hcc-consensus-patient-view');
    const prefetch = fillPrefetch(templates, resources, { patientId: s.patientId, userId: 'Practitioner/dr-1' });
    const answer = await server.post('/cds-services/hcc-consensus-patient-view', {
      hook: 'patient-view',
      hookInstance: 'a4c0e8f2-5d1b-4c3e-9f7a-0b6d2e1c9a01',
      context: { userId: 'Practitioner/dr-1', patientId: s.patientId },
      prefetch,
    }, { headers: { 'accept-language': 'en' } });
    expect(answer.status).toBe(200);
    const body = jsonOf(answer) as { cards: Card[] };
    expect(validateCdsResponse(body)).toEqual([]);
    const ids = recommendationIds(body.cards);
    for (const id of ['R-ELIG-1', 'R-HAIC-1', 'R-TACE-4', 'R-RT-1']) expect(ids).toContain(id);
    const card = body.cards.find((c) => recommendationIds([c]).includes('R-HAIC-1'));
    const facts = card?.extension?.['org.hcc-cds']?.facts ?? [];
    const names = facts.map((f) => f.name);
    for (const name of ['cnlcStage', 'macrovascularInvasion', 'childPughClass']) expect(names).toContain(name);
    expect(facts.every((f) => (f.sources ?? []).every((src) => /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(src)))).toBe(true);
  }, 30_000);

  it('order-select drafting atezolizumab for a patient whose ALT is grade 3 returns a critical card', async () => {
    const s = scenario('fires-atezolizumab-drafted-alt-grade-3.yaml');
    const resources = movedToNow(s, s.resources) as FhirResource[];
    const drafts = movedToNow(s, s.draftOrders ?? []);
    const templates = await discoveryPrefetch(server, 'hcc-consensus-order-select');
    const prefetch = fillPrefetch(templates, resources, { patientId: s.patientId, userId: 'Practitioner/dr-1' });
    const answer = await server.post('/cds-services/hcc-consensus-order-select', {
      hook: 'order-select',
      hookInstance: 'b5d1f9a3-6e2c-4d4f-8a8b-1c7e3f2d0b12',
      context: {
        userId: 'Practitioner/dr-1',
        patientId: s.patientId,
        selections: s.selections,
        draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) },
      },
      prefetch,
    });
    expect(answer.status).toBe(200);
    const body = jsonOf(answer) as { cards: Card[] };
    expect(validateCdsResponse(body)).toEqual([]);
    const critical = body.cards.filter((c) => c.indicator === 'critical');
    expect(critical.length).toBeGreaterThanOrEqual(1);
    expect(recommendationIds(critical)).toContain('R-AE-4');
  }, 30_000);
});
