/**
 * POST /cds-services/{id}/feedback: validate (2.0 shape; the sandbox's looser override reason is accepted), store,
 * and answer 200 only once the rows are committed; a storage failure is a 503, never a false 200. Only feedback on
 * cards this service issued to the same caller (issuer, tenant) is stored; the receipt counts the others as unknown.
 * @see https://cds-hooks.hl7.org/2.0/#feedback
 */
import type { RequestHandler } from 'express';
import { validateFeedbackRequest } from '../../cds-hooks/validator';
import type { FeedbackCaller, FeedbackItem, FeedbackStore } from '../../feedback/feedback-store';
import type { ServiceRegistry } from '../../services/registry';
import type { Clock } from '../../shared/clock';
import { AppError } from '../../shared/errors';
import { invalidRequest } from '../invalid-request';

/** What the feedback route needs. */
export interface FeedbackRouteDeps {
  readonly services: ServiceRegistry;
  readonly feedbackStore: FeedbackStore;
  readonly clock: Clock;
}

/** Creates the POST /cds-services/:id/feedback handler. */
export function feedbackRoute(deps: FeedbackRouteDeps): RequestHandler<{ id: string }> {
  return async (req, res) => {
    const service = deps.services.get(req.params.id);
    if (service === undefined) throw new AppError('SERVICE_NOT_FOUND', 'No such CDS service.');
    res.locals['service'] = service.id;
    const problems = validateFeedbackRequest(req.body);
    if (problems.length > 0) {
      throw invalidRequest(problems);
    }
    const items = (req.body as { feedback: readonly FeedbackItem[] }).feedback;
    const client = res.locals['client'] as FeedbackCaller;
    const receipt = await deps.feedbackStore.recordFeedback(service.id, items, {
      receivedAt: deps.clock.now().toISOString(),
      caller: client.tenant === undefined ? { iss: client.iss } : { iss: client.iss, tenant: client.tenant },
    });
    if (receipt.unknownCards > 0) res.locals['unknownCards'] = receipt.unknownCards;
    res.status(200).json(receipt);
  };
}
