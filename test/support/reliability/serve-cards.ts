/**
 * Has the real server serve cards to a given CDS client: a patient-view call for a vignette that fires
 * (dates moved to now, prefetch filled from the discovery templates), signed by that client.
 */
import type { FhirResource } from 'fhir/r4';
import { fillPrefetch } from '../../../scripts/lib/prefetch-fill';
import type { TestIssuer } from '../../../scripts/lib/jwt-signer';
import { daysBetween, shiftDates } from '../../../src/demo-fhir/shift-dates';
import { loadScenarios } from '../../scenarios/support/load-scenarios';
import { jsonOf, type RealServer } from './real-server';

const VIGNETTE = 'fires-iiia-pvtt-naive-child-pugh-a.yaml';
const PV = 'hcc-consensus-patient-view';

/** The patient-view request body for the firing vignette (its prefetch filled from `templates`). */
export function firingPatientView(templates: Readonly<Record<string, string>>): Record<string, unknown> {
  const s = loadScenarios().find((x) => x.path.endsWith(VIGNETTE));
  if (s === undefined) throw new Error(`vignette ${VIGNETTE} not found`);
  const resources = shiftDates(s.resources, daysBetween(new Date(s.at), new Date())) as FhirResource[];
  return {
    hook: 'patient-view',
    hookInstance: 'b5d1f9a3-6e2c-4d4f-8a8b-1c7e3f2d0b12',
    context: { userId: 'Practitioner/dr-1', patientId: s.patientId },
    prefetch: fillPrefetch(templates, resources, { patientId: s.patientId, userId: 'Practitioner/dr-1' }),
  };
}

/** The discovery prefetch templates of a service. */
export async function prefetchTemplates(server: RealServer, serviceId = PV): Promise<Record<string, string>> {
  const discovery = jsonOf(await server.get('/cds-services')) as { services: { id: string; prefetch?: Record<string, string> }[] };
  return discovery.services.find((s) => s.id === serviceId)?.prefetch ?? {};
}

/** Card uuids served by patient-view to `client` (default: the server's own test issuer). */
export async function serveCards(server: RealServer, client: TestIssuer = server.issuer, tenant?: string): Promise<string[]> {
  const path = `/cds-services/${PV}`;
  const body = firingPatientView(await prefetchTemplates(server));
  const token = client.sign(`${server.baseUrl}${path}`, tenant === undefined ? {} : { tenant });
  const answer = await server.post(path, body, { token });
  if (answer.status !== 200) throw new Error(`patient-view answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`);
  const cards = (jsonOf(answer) as { cards: { uuid: string }[] }).cards.map((c) => c.uuid);
  if (cards.length === 0) throw new Error('the firing vignette served no card');
  return cards;
}

/** The order-select request of the vignette that drafts atezolizumab with ALT grade 3 (a critical order card); `draft` may alter the draft. */
export function firingOrderSelect(
  templates: Readonly<Record<string, string>>,
  draft: (resource: Record<string, unknown>) => Record<string, unknown> = (r) => r,
): Record<string, unknown> {
  const s = loadScenarios().find((x) => x.path.endsWith('fires-atezolizumab-drafted-alt-grade-3.yaml'));
  if (s === undefined || s.draftOrders === undefined) throw new Error('order vignette not found');
  const shift = daysBetween(new Date(s.at), new Date());
  const resources = shiftDates(s.resources, shift) as FhirResource[];
  const drafts = (shiftDates(s.draftOrders, shift) as unknown as Record<string, unknown>[]).map(draft);
  return {
    hook: 'order-select',
    hookInstance: 'c6e2a0b4-7f3d-4e5a-9b9c-2d8f4a3e1c23',
    context: {
      userId: 'Practitioner/dr-1',
      patientId: s.patientId,
      selections: s.selections ?? [],
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) },
    },
    prefetch: fillPrefetch(templates, resources, { patientId: s.patientId, userId: 'Practitioner/dr-1' }),
  };
}
