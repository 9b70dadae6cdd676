/**
 * One hook call without HTTP: gather the patient's data (prefetch, else the FHIR server), evaluate the consensus
 * engine, shape the CDS Hooks response. The HTTP route, the CLI and tests all call this (ARCHITECTURE principle 1).
 */
import type { CdsRequest, CdsResponse } from '../cds-hooks/types';
import { gatherClinicalData } from '../fhir/gather-clinical-data';
import type { ServiceDefinition } from '../services/service-definition';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { Engine, EngineResult, Language } from './engine';

/** The response extension member carrying engine metadata (kbVersion; notEvaluable, dataIssues, fetchedKeys when not empty). */
export const RESPONSE_EXTENSION = 'org.hcc-cds';

type GatherOptions = Parameters<typeof gatherClinicalData>[2];

/** What runService needs, all injected (no globals, no env). */
export interface RunServiceDeps {
  readonly engine: Engine;
  readonly gatewayFactory: GatherOptions['gatewayFactory'];
  /** fhirServer allowlist (compiled once at start-up). */
  readonly allowedFhirServers: GatherOptions['allowedFhirServers'];
  /** Budget for the whole call (ms); past it the call fails with DEADLINE_EXCEEDED. */
  readonly deadlineMs: number;
  /** Budget for FHIR fallback fetching (ms), capped by what is left of deadlineMs. */
  readonly fhirDeadlineMs: number;
  readonly pageCap: number;
  readonly clock: Clock;
}

/** The outcome of one call: the response to send and the card log rows to keep. */
export interface ServiceRun {
  readonly response: CdsResponse;
  readonly cardLog: EngineResult['cardLog'];
  readonly kbVersion: string;
}

/** The response's extension member from the engine's: CDS Hooks § Use of JSON allows no empty value, so an empty list is omitted. */
export function responseExtension(engine: EngineResult['extension'], fetchedKeys: readonly string[]): Record<string, unknown> {
  return {
    kbVersion: engine.kbVersion,
    ...(engine.notEvaluable.length > 0 ? { notEvaluable: engine.notEvaluable } : {}),
    ...(engine.dataIssues.length > 0 ? { dataIssues: engine.dataIssues } : {}),
    ...(fetchedKeys.length > 0 ? { fetchedKeys: [...fetchedKeys] } : {}),
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AppError('DEADLINE_EXCEEDED', 'The service could not answer in time.')), Math.max(ms, 0));
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Runs `service` for a schema-validated `request` in `language`. Throws AppError (412, 400, 503) only. */
export async function runService(
  service: ServiceDefinition,
  request: CdsRequest,
  deps: RunServiceDeps,
  options: { readonly language: Language },
): Promise<ServiceRun> {
  const started = Date.now();
  const now = deps.clock.now();
  const templates = deps.engine.prefetchFor(service.hook);
  const fhirBudget = Math.min(deps.fhirDeadlineMs, deps.deadlineMs);
  const data = await withDeadline(
    gatherClinicalData(request, templates, {
      gatewayFactory: deps.gatewayFactory,
      allowedFhirServers: deps.allowedFhirServers,
      deadlineMs: fhirBudget,
      pageCap: deps.pageCap,
      now,
    }),
    deps.deadlineMs - (Date.now() - started),
  );
  const result = deps.engine.evaluate({
    serviceId: service.id,
    hook: service.hook,
    hookInstance: request.hookInstance,
    patientId: request.context.patientId,
    context: request.context,
    resources: data.resources,
    dataIssues: data.issues,
    now,
    language: options.language,
  });
  return {
    response: { cards: result.cards, extension: { [RESPONSE_EXTENSION]: responseExtension(result.extension, data.fetchedKeys) } },
    cardLog: result.cardLog,
    kbVersion: result.extension.kbVersion,
  };
}
