/**
 * POST /cds-services/{id}: look the service up (404), check hook and request schema (400), run the service, log
 * the served cards for feedback joins, answer 200 with the cards (CDS Hooks 2.0 § Calling a CDS Service).
 */
import type { RequestHandler } from 'express';
import type { CdsRequest } from '../../cds-hooks/types';
import { validateHookRequest } from '../../cds-hooks/validator';
import type { FeedbackStore } from '../../feedback/feedback-store';
import type { LanguagePolicy } from '../../config';
import type { Language } from '../../pipeline/engine';
import { runService, type RunServiceDeps } from '../../pipeline/run-service';
import type { ServiceRegistry } from '../../services/registry';
import { AppError } from '../../shared/errors';
import { invalidRequest } from '../invalid-request';
import type { AppLogger } from '../../shared/logger';
import { cardLanguage } from '../language';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the invoke route needs. */
export interface InvokeRouteDeps {
  readonly services: ServiceRegistry;
  readonly run: RunServiceDeps;
  readonly feedbackStore: FeedbackStore;
  readonly defaultLanguage: Language;
  /** Whether Accept-Language may override defaultLanguage (default request-first). */
  readonly languagePolicy?: LanguagePolicy;
  readonly logger: AppLogger;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Creates the POST /cds-services/:id handler. */
export function invokeRoute(deps: InvokeRouteDeps): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const service = deps.services.get(req.params.id);
    if (service === undefined) throw new AppError('SERVICE_NOT_FOUND', 'No such CDS service.');
    res.locals['service'] = service.id;
    const body: unknown = req.body;
    if (isObject(body) && typeof body['hookInstance'] === 'string' && UUID.test(body['hookInstance'])) {
      res.locals['hookInstance'] = body['hookInstance'];
    }
    if (isObject(body) && typeof body['hook'] === 'string' && body['hook'] !== service.hook) {
      throw new AppError('REQUEST_INVALID', `hook must be "${service.hook}" for this service.`, ['hook']);
    }
    const problems = validateHookRequest(service.hook, body);
    if (problems.length > 0) {
      throw invalidRequest(problems);
    }
    const request = body as unknown as CdsRequest;
    const language = cardLanguage(req.get('accept-language'), deps.defaultLanguage, deps.languagePolicy ?? 'request-first');
    const run = await runService(service, request, deps.run, { language });
    const servedAt = deps.run.clock.now().toISOString();
    try {
      deps.feedbackStore.logCards(
        run.cardLog.map((entry) => ({
          cardUuid: entry.cardUuid,
          serviceId: service.id,
          hookInstance: request.hookInstance,
          recommendationIds: entry.recommendationIds,
          kbVersion: run.kbVersion,
          servedAt,
        })),
      );
    } catch {
      // Decision support is not withheld because analytics storage failed; the gap is logged (no PHI).
      deps.logger.error({ service: service.id, hookInstance: request.hookInstance, cards: run.cardLog.length }, 'card log write failed');
    }
    res.locals['cards'] = run.response.cards.length;
    res.status(200).json(run.response);
  };
}
