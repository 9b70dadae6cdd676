/**
 * Evaluates one patient's record exactly as a patient-view call would be answered: the record becomes the CDS
 * Hooks request an EHR would send (prefetch filled by the service's own templates), runService gathers, extracts
 * facts and renders cards with the same engine and mappings as the HTTP service. The engine's explanation of the
 * same input gives each recommendation's status and the scope (HCC diagnosis) verdict.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FhirResource } from 'fhir/r4';
import { projectRoot } from '../config/project-root';
import { compileFhirServerAllowlist } from '../fhir/fhir-server-allowlist';
import type { KnowledgeEngine } from '../knowledge/create-engine';
import { loadEngine } from '../knowledge/load-engine';
import type { Engine, HookInput } from '../pipeline/engine';
import { RESPONSE_EXTENSION, runService } from '../pipeline/run-service';
import { buildHookRequest } from '../playground/build-request';
import { loadServiceRegistry } from '../services/registry';
import type { ServiceDefinition } from '../services/service-definition';
import { fixedClock, systemClock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { EvaluatedPatient, PatientRecommendation } from './patient-outcome';
import type { CardIndicator } from './report-types';
import { engineOptionsFor } from './site-profile-support';
import { loadUnrecognisedCodeFinder, type UnrecognisedCodeFinder } from './unrecognised-code-source';

/** Options shared by every patient of a run. */
export interface EvaluatorOptions {
  /** The instant to evaluate at (ISO); default: now, per patient. */
  readonly at?: string;
  readonly siteProfileDir?: string;
}

/** Evaluates patients one by one; loaded once per thread. */
export interface PatientEvaluator {
  readonly kbVersion: string;
  readonly findsUnrecognisedCodes: boolean;
  evaluate(resources: readonly FhirResource[]): Promise<EvaluatedPatient>;
}

function scopeVerdict(result: boolean | 'unknown' | undefined): EvaluatedPatient['hcc'] {
  return result === true ? 'yes' : result === false ? 'no' : 'unknown';
}

/** Loads the engine, the services and the unrecognised-code finder (throws BootError on a bad knowledge base). */
export function createPatientEvaluator(options: EvaluatorOptions): PatientEvaluator {
  const engine: KnowledgeEngine = loadEngine(engineOptionsFor(options.siteProfileDir));
  const root = projectRoot();
  const registry = loadServiceRegistry(join(root, 'cds-services', 'services'), join(root, 'cds-services', 'schemas', 'service.schema.json'));
  const service: ServiceDefinition | undefined = registry.services.find((s) => s.hook === 'patient-view');
  if (service === undefined) throw new Error('no service answers patient-view');
  const finder: UnrecognisedCodeFinder | undefined = loadUnrecognisedCodeFinder(options.siteProfileDir !== undefined ? { siteProfileDir: options.siteProfileDir } : {});
  const clock = options.at !== undefined ? fixedClock(new Date(options.at)) : systemClock;
  const templates = engine.prefetchFor('patient-view');

  return {
    kbVersion: engine.kbVersion,
    findsUnrecognisedCodes: finder !== undefined,
    async evaluate(resources) {
      let seen: HookInput | undefined;
      // The same engine, observed: the input runService hands it is kept for the explanation below.
      const observed: Engine = {
        kbVersion: engine.kbVersion,
        prefetchFor: (hook) => engine.prefetchFor(hook),
        evaluate: (input) => {
          seen = input;
          return engine.evaluate(input);
        },
      };
      const request = buildHookRequest({
        hook: 'patient-view',
        bundle: { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) },
        prefetchTemplates: templates,
        hookInstance: randomUUID(),
        userId: 'Practitioner/cohort',
        now: clock.now(),
      });
      const run = await runService(
        service,
        request,
        {
          engine: observed,
          // Offline: every resource is in the record; absent prefetch keys are not fetched.
          gatewayFactory: () => {
            throw new AppError('PREFETCH_UNAVAILABLE', 'the cohort run evaluates offline and does not call FHIR servers');
          },
          allowedFhirServers: compileFhirServerAllowlist([]),
          deadlineMs: 60_000,
          fhirDeadlineMs: 1,
          pageCap: 1,
          clock,
        },
        { language: 'en' },
      );
      const own = run.response.extension?.[RESPONSE_EXTENSION] as { dataIssues?: { code: string }[] } | undefined;
      const explanation = seen !== undefined ? engine.explain(seen) : undefined;
      const outcomes = explanation?.outcomes ?? [];
      const recommendations: PatientRecommendation[] = outcomes.map(({ outcome }) => ({
        id: outcome.recommendationId,
        status: outcome.status,
        missingFacts: outcome.status === 'notEvaluable' ? [...outcome.missingFacts] : [],
      }));
      const unrecognised = finder?.(resources);
      return {
        ok: true,
        kbVersion: run.kbVersion,
        hcc: scopeVerdict(outcomes[0]?.outcome.scopeTrace?.result),
        cardIndicators: run.response.cards.map((card) => card.indicator as CardIndicator),
        recommendations,
        dataIssueCodes: (own?.dataIssues ?? []).map((issue) => issue.code),
        ...(unrecognised !== undefined ? { unrecognised } : {}),
      };
    },
  };
}
