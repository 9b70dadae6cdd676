/**
 * GET /cds-services/{id}/feedback/summary?since=&until=: the per-recommendation feedback summary of one service
 * (issue 6), authenticated like the other service endpoints. `since`/`until` are RFC 3339 date-times or dates
 * (a date means its start, UTC); the window applies to the time each card was served. The caller sees only the
 * cards served to its own issuer and tenant, and reason codes without display text, unless its issuer is a
 * configured feedback reader (`feedbackReaderIssuers`, issue 11).
 */
import type { RequestHandler } from 'express';
import type { ServiceRegistry } from '../services/registry';
import { AppError } from '../shared/errors';
import type { FeedbackCaller } from './feedback-store';
import type { FeedbackSummary, SummaryQuery } from './summary';

/** What the summary route needs. */
export interface SummaryRouteDeps {
  readonly services: ServiceRegistry;
  readonly summarize: (query: SummaryQuery) => Promise<FeedbackSummary>;
  /** Issuers that see every caller's cards and the reasons' display text. */
  readonly readerIssuers: readonly string[];
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseInstant(name: string, value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new AppError('REQUEST_INVALID', `${name} must be a date (YYYY-MM-DD) or a date-time with a time zone`, [name]);
  }
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
}

/** Creates the GET /cds-services/:id/feedback/summary handler. */
export function feedbackSummaryRoute(deps: SummaryRouteDeps): RequestHandler<{ id: string }> {
  const readers = new Set(deps.readerIssuers);
  return async (req, res) => {
    const service = deps.services.get(req.params.id);
    if (service === undefined) throw new AppError('SERVICE_NOT_FOUND', 'No such CDS service.');
    res.locals['service'] = service.id;
    const since = parseInstant('since', req.query['since']);
    const until = parseInstant('until', req.query['until']);
    if (since !== undefined && until !== undefined && since.getTime() >= until.getTime()) {
      throw new AppError('REQUEST_INVALID', 'since must be before until', ['since', 'until']);
    }
    const topText = req.query['top'];
    let topReasons: number | undefined;
    if (topText !== undefined) {
      if (typeof topText !== 'string' || !/^\d{1,2}$/.test(topText) || Number(topText) < 1) {
        throw new AppError('REQUEST_INVALID', 'top must be an integer from 1 to 99', ['top']);
      }
      topReasons = Number(topText);
    }
    const client = res.locals['client'] as FeedbackCaller;
    const reader = readers.has(client.iss);
    const summary = await deps.summarize({
      serviceId: service.id,
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(topReasons !== undefined ? { topReasons } : {}),
      scope: reader ? 'all-callers' : client.tenant === undefined ? { iss: client.iss } : { iss: client.iss, tenant: client.tenant },
      includeDisplay: reader,
    });
    res.set('Cache-Control', 'no-store');
    res.status(200).json(summary);
  };
}
