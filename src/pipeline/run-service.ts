/**
 * One hook call without HTTP: gather the patient's data (prefetch, else the FHIR server), evaluate the consensus
 * engine, shape the CDS Hooks response. The HTTP route, the CLI and tests all call this (ARCHITECTURE principle 1).
 * `deadlineMs` bounds the whole call: data gathering is raced against it, and the synchronous evaluation and
 * rendering are bounded by bounding their input (draft orders per call; the request body and FHIR bytes are
 * capped upstream) and checked against the deadline before and after they run. The answer is bounded too
 * (data issues, cards, bytes: answer-limits.ts).
 */
import type { CdsRequest, CdsResponse } from '../cds-hooks/types';
import type { DataIssue } from '../domain/facts';
import { gatherClinicalData } from '../fhir/gather-clinical-data';
import type { ServiceDefinition } from '../services/service-definition';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { ANSWER_LIMIT_DEFAULTS, boundCards, boundDataIssues, boundDraftOrders, type AnswerLimits, type LimitsReport } from './answer-limits';
import { hookCpuTurns } from './cpu-turns';
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
  /** Bounds of the answer (default ANSWER_LIMIT_DEFAULTS). */
  readonly limits?: AnswerLimits;
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

function deadlineExceeded(): AppError {
  return new AppError('DEADLINE_EXCEEDED', 'The service could not answer in time.');
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(deadlineExceeded()), Math.max(ms, 0));
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
  const limits = deps.limits ?? ANSWER_LIMIT_DEFAULTS;
  const report: LimitsReport = {};
  const drafts = boundDraftOrders(service.hook, request.context, limits.maxDraftOrders);
  const gathered = boundDataIssues(data.issues, limits.maxDataIssues);
  const inputIssues: DataIssue[] = [...gathered.issues];
  if (drafts.notEvaluated > 0) {
    report.draftOrdersNotEvaluated = drafts.notEvaluated;
    inputIssues.push({
      code: 'limit-draft-orders',
      message: `${drafts.notEvaluated} draft orders were not evaluated (limit ${limits.maxDraftOrders} per call); send them in a separate call.`,
      location: 'context.draftOrders',
    });
  }
  // Evaluation and rendering run one call at a time in their own event-loop turn (cpu-turns.ts); a call whose
  // deadline passed while it waited is not evaluated at all.
  const result = await hookCpuTurns.run(() => {
    if (Date.now() - started >= deps.deadlineMs) throw deadlineExceeded();
    return deps.engine.evaluate({
      serviceId: service.id,
      hook: service.hook,
      hookInstance: request.hookInstance,
      patientId: request.context.patientId,
      context: drafts.context,
      resources: data.resources,
      dataIssues: inputIssues,
      now,
      language: options.language,
    });
  });
  const listed = boundDataIssues(result.extension.dataIssues, limits.maxDataIssues);
  const notListed = gathered.notListed + listed.notListed;
  if (notListed > 0) report.dataIssuesNotListed = notListed;
  const extension = responseExtension({ ...result.extension, dataIssues: listed.issues }, data.fetchedKeys);
  // Room for the limits report and the envelope ({"cards":[],"extension":{"org.hcc-cds":…}}).
  const reserved = Buffer.byteLength(JSON.stringify(extension)) + 256;
  const sent = boundCards(result.cards, limits, reserved);
  if (sent.notSent > 0) {
    report.cardsNotSent = sent.notSent;
    extension['dataIssues'] = [
      ...listed.issues,
      { code: 'limit-cards', message: `${sent.notSent} cards were not sent (limit ${limits.maxCards} cards or ${limits.maxResponseBytes} bytes per response).` },
    ];
  }
  if (Object.keys(report).length > 0) extension['limits'] = report;
  if (Date.now() - started > deps.deadlineMs) throw deadlineExceeded();
  const kept = new Set(sent.cards.map((c) => c.uuid));
  return {
    response: { cards: sent.cards, extension: { [RESPONSE_EXTENSION]: extension } },
    cardLog: sent.notSent === 0 ? result.cardLog : result.cardLog.filter((entry) => kept.has(entry.cardUuid)),
    kbVersion: result.extension.kbVersion,
  };
}
