/** CDS Hooks request bodies for tests (shapes of CDS Hooks 2.0.1 and the sandbox, cds-hooks.md §5). */
import { randomUUID } from 'node:crypto';

/** A patient-view request with every prefetch key of the counting engine filled. */
export function patientViewRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { userId: 'Practitioner/example', patientId: 'pat-1' },
    prefetch: {
      patient: { resourceType: 'Patient', id: 'pat-1' },
      conditions: {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [{ resource: { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/pat-1' } } }],
      },
      observations: {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [
          { resource: { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/pat-1' } } },
          { resource: { resourceType: 'Observation', id: 'o2', status: 'final', code: { text: 'y' }, subject: { reference: 'Patient/pat-1' } } },
        ],
      },
    },
    ...overrides,
  };
}

/** An order-select request as the sandbox sends it: no Bundle.type, category as an object, a draft MedicationRequest. */
export function orderSelectRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = patientViewRequest();
  return {
    ...base,
    hook: 'order-select',
    context: {
      userId: 'Practitioner/example',
      patientId: 'pat-1',
      selections: ['MedicationRequest/request-123'],
      draftOrders: {
        resourceType: 'Bundle',
        entry: [
          {
            resource: {
              resourceType: 'MedicationRequest',
              id: 'request-123',
              status: 'draft',
              intent: 'order',
              category: { coding: [{ code: 'outpatient' }] },
              subject: { reference: 'Patient/pat-1' },
            },
          },
        ],
      },
    },
    ...overrides,
  };
}
