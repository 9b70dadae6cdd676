/**
 * What one patient's patient-view call says, taken the way an EHR would see it (runService on the request built
 * from the record) plus the engine's explanation of the same data: the per-patient truth from which the cohort
 * tests compute the expected cohort figures by hand.
 */
import { randomUUID } from 'node:crypto';
import type { FhirResource } from 'fhir/r4';
import { compileFhirServerAllowlist } from '../../src/fhir/fhir-server-allowlist';
import type { KnowledgeEngine } from '../../src/knowledge/create-engine';
import { loadEngine } from '../../src/knowledge/load-engine';
import { RESPONSE_EXTENSION, runService } from '../../src/pipeline/run-service';
import { buildHookRequest } from '../../src/playground/build-request';
import { fixedClock } from '../../src/shared/clock';
import { loadProjectServices } from '../support/project-services';

/** One patient's answer. */
export interface Truth {
  readonly indicators: readonly string[];
  readonly statuses: Readonly<Record<string, 'fires' | 'notApplicable' | 'notEvaluable'>>;
  readonly missing: Readonly<Record<string, readonly string[]>>;
  readonly issueCodes: readonly string[];
  readonly scope: boolean | 'unknown';
}

let engine: KnowledgeEngine | undefined;

/** The truth of one record at `at`. */
export async function truthOf(resources: readonly FhirResource[], at: string): Promise<Truth> {
  engine ??= loadEngine();
  const now = new Date(at);
  const service = loadProjectServices().services.find((s) => s.hook === 'patient-view')!;
  const request = buildHookRequest({
    hook: 'patient-view',
    bundle: { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) },
    prefetchTemplates: engine.prefetchFor('patient-view'),
    hookInstance: randomUUID(),
    userId: 'Practitioner/test',
    now,
  });
  const run = await runService(service, request, {
    engine,
    gatewayFactory: () => {
      throw new Error('no FHIR server in this test');
    },
    allowedFhirServers: compileFhirServerAllowlist([]),
    deadlineMs: 30_000,
    fhirDeadlineMs: 1,
    pageCap: 1,
    clock: fixedClock(now),
  }, { language: 'en' });
  // Empty lists may be omitted from the response extension (CDS Hooks § Use of JSON).
  const own = run.response.extension?.[RESPONSE_EXTENSION] as { dataIssues?: { code: string }[] } | undefined;
  const explanation = engine.explain({
    serviceId: service.id,
    hook: 'patient-view',
    hookInstance: request.hookInstance,
    patientId: request.context.patientId,
    context: request.context,
    resources,
    dataIssues: [],
    now,
    language: 'en',
  });
  const statuses: Record<string, 'fires' | 'notApplicable' | 'notEvaluable'> = {};
  const missing: Record<string, string[]> = {};
  for (const { outcome } of explanation.outcomes) {
    statuses[outcome.recommendationId] = outcome.status;
    if (outcome.status === 'notEvaluable') missing[outcome.recommendationId] = [...outcome.missingFacts];
  }
  const scope = explanation.outcomes[0]?.outcome.scopeTrace?.result;
  return { indicators: run.response.cards.map((c) => c.indicator), statuses, missing, issueCodes: (own?.dataIssues ?? []).map((i) => i.code), scope: scope ?? 'unknown' };
}
