/** runService without HTTP: the whole-call deadline holds even when a FHIR gateway ignores its abort signal. */
import { randomUUID } from 'node:crypto';
import type { CdsRequest } from '../../src/cds-hooks/types';
import { runService } from '../../src/pipeline/run-service';
import { systemClock } from '../../src/shared/clock';
import { AppError } from '../../src/shared/errors';
import { createCountingEngine } from '../support/counting-engine';

const service = { id: 'svc', hook: 'patient-view' as const, title: 't', description: 'd' };
const request: CdsRequest = {
  hook: 'patient-view',
  hookInstance: randomUUID(),
  fhirServer: 'https://fhir.test.example/r4',
  context: { userId: 'Practitioner/x', patientId: 'p1' },
};

describe('runService', () => {
  it('fails with DEADLINE_EXCEEDED (503) at the whole-call deadline when the FHIR side never settles', async () => {
    const hanging = () => ({ search: () => new Promise<never>(() => undefined), fetchAbsolute: () => new Promise<never>(() => undefined) });
    const started = Date.now();
    const run = runService(service, request, {
      engine: createCountingEngine(),
      gatewayFactory: hanging,
      allowedFhirServers: ['https://fhir.test.example/*'],
      deadlineMs: 200,
      fhirDeadlineMs: 200,
      pageCap: 2,
      clock: systemClock,
    }, { language: 'en' });
    await expect(run).rejects.toEqual(expect.objectContaining({ code: 'DEADLINE_EXCEEDED', status: 503 }));
    await run.catch((error: unknown) => expect(error).toBeInstanceOf(AppError));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers cards and the org.hcc-cds extension computed by the engine from the gathered resources', async () => {
    const result = await runService(service, { ...request, prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, conditions: null, observations: null } }, {
      engine: createCountingEngine(),
      gatewayFactory: () => {
        throw new Error('no fetch expected');
      },
      allowedFhirServers: [],
      deadlineMs: 1000,
      fhirDeadlineMs: 500,
      pageCap: 2,
      clock: systemClock,
    }, { language: 'en' });
    expect(result.response.cards.map((c) => c.summary)).toEqual(['1 resources: Patient 1']);
    // Empty lists (dataIssues, fetchedKeys) are omitted, not sent as [] (CDS Hooks § Use of JSON).
    expect(result.response.extension?.['org.hcc-cds']).toEqual({ kbVersion: 'test-0.0.1', notEvaluable: [{ id: 'TEST-NEEDS-OBSERVATION', missingFacts: ['observation'] }] });
    expect(result.cardLog).toHaveLength(1);
  });
});
