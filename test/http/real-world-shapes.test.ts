/**
 * Real-world shapes through the HTTP interface (issue 10): the treatment-naive CNLC IIIa vignette, moved to today,
 * gets its treatment-naive cards; the same patient on atezolizumab + bevacizumab named only by Chinese brand, or given
 * atezolizumab without any order (MedicationAdministration, fetched through the FHIR fallback), or with an order coded
 * only by an antibody ATC class, does not — and the last says why in a data issue naming the order.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import request from 'supertest';
import { projectRoot } from '../../src/config/project-root';
import { daysBetween, shiftDates } from '../../src/demo-fhir/shift-dates';
import { createInMemoryGatewayFactory } from '../../src/fhir/in-memory-gateway';
import { loadEngine } from '../../src/knowledge/load-engine';
import { expectValidCdsResponse } from '../support/expect-valid-cds-response';
import { patientViewRequest } from '../support/hook-requests';
import { buildTestApp } from '../support/test-app';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';

const engine = loadEngine();
const PATH = '/cds-services/hcc-consensus-patient-view';
const PATIENT = 'pt-must-have-iiia-pvtt-naive';
const AT = new Date('2025-06-01T00:00:00Z');
const vignette = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'scenarios', 'must-have-iiia-pvtt-naive.json'), 'utf8')) as Bundle;
const base = (vignette.entry ?? []).map((e) => e.resource as FhirResource);

/** The record and extra resources (written for the vignette's moment) moved so that moment is today. */
function today(extra: readonly Record<string, unknown>[]): FhirResource[] {
  return shiftDates([...base, ...(extra as unknown as FhirResource[])], daysBetween(AT, new Date()));
}

function order(id: string, concept: Record<string, unknown>): Record<string, unknown> {
  return { resourceType: 'MedicationRequest', id, status: 'active', intent: 'order', subject: { reference: `Patient/${PATIENT}` }, authoredOn: '2025-05-20', medicationCodeableConcept: concept };
}

type Card = { extension?: { 'org.hcc-cds'?: { recommendations?: { id: string }[] } } };
function fired(body: { cards: Card[] }): string[] {
  return body.cards.flatMap((c) => (c.extension?.['org.hcc-cds']?.recommendations ?? []).map((r) => r.id));
}

async function viaPrefetch(resources: FhirResource[]): Promise<{ cards: Card[]; extension: { 'org.hcc-cds': { dataIssues?: { code: string; location?: string }[] } } }> {
  const t = buildTestApp({ engine });
  const prefetch = fillPrefetch(engine.prefetchFor('patient-view'), resources, { patientId: PATIENT, userId: 'Practitioner/doc' });
  const res = await request(t.app).post(PATH).set('Authorization', t.auth(PATH)).set('Accept-Language', 'en').send(patientViewRequest({ prefetch, context: { userId: 'Practitioner/doc', patientId: PATIENT } }));
  expect(res.status).toBe(200);
  expectValidCdsResponse(res.body);
  return res.body;
}

describe('treatment read from what hospitals send, through HTTP', () => {
  it('the treatment-naive vignette gets its treatment-naive cards (the control)', async () => {
    expect(fired(await viaPrefetch(today([])))).toEqual(expect.arrayContaining(['R-TACE-4', 'R-HAIC-1']));
  });

  it('泰圣奇 + 安维汀 by brand only: not treatment-naive, so no treatment-naive card', async () => {
    const ids = fired(await viaPrefetch(today([order('t', { text: '泰圣奇 1200mg' }), order('a', { text: '安维汀 15mg/kg' })])));
    expect(ids).not.toContain('R-TACE-4');
    expect(ids).not.toContain('R-HAIC-1');
  });

  it('an order coded only by an antibody ATC class: no treatment-naive card, and a data issue names the order', async () => {
    const body = await viaPrefetch(today([order('x', { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01FX99' }] })]));
    expect(fired(body)).not.toContain('R-TACE-4');
    expect(body.extension['org.hcc-cds'].dataIssues ?? []).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'unmappable-value', location: 'MedicationRequest/x' })]));
  });

  it('a dose given without an order, fetched through the FHIR fallback: no treatment-naive card', async () => {
    const dose = { resourceType: 'MedicationAdministration', id: 'dose', status: 'completed', subject: { reference: `Patient/${PATIENT}` }, effectiveDateTime: '2025-05-25', medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'L01XC32' }] } };
    const gateways = createInMemoryGatewayFactory(today([dose]));
    const t = buildTestApp({ engine, gatewayFactory: gateways });
    const body = patientViewRequest({ prefetch: undefined, fhirServer: 'https://fhir.test.example/r4', context: { userId: 'Practitioner/doc', patientId: PATIENT } });
    const res = await request(t.app).post(PATH).set('Authorization', t.auth(PATH)).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(JSON.stringify(gateways.calls)).toContain('MedicationAdministration');
    expect(fired(res.body)).not.toContain('R-TACE-4');
  });
});
