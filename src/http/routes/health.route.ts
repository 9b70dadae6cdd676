import type { RequestHandler } from 'express';
import type { FeedbackStore } from '../../feedback/feedback-store';
import type { Engine } from '../../pipeline/engine';
import { AppError } from '../../shared/errors';

/** GET /healthz: the process is up and serving HTTP. */
export function healthRoute(): RequestHandler {
  return (_req, res) => {
    res.status(200).json({ status: 'ok' });
  };
}

/** How the feedback store counts for readiness (README § Deploy). */
export interface ReadinessOptions {
  /**
   * A shared database (PostgreSQL): its outage hits every replica alike and hook calls are still answered, so it is
   * reported in the body (`database`, `replayProtection`) and the replica stays ready. Absent: a local store that
   * cannot write makes this replica unready (503), so a load balancer prefers the others.
   */
  readonly shared?: { readonly replayProtection: () => string };
}

/** Longest the readiness probe waits for the database. */
const PROBE_TIMEOUT_MS = 1000;

function probe(store: FeedbackStore): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  return Promise.race([store.isWritable(), late]).finally(() => clearTimeout(timer));
}

/** GET /readyz: the engine is loaded and (local store) the feedback store accepts writes. */
export function readyRoute(engine: Engine, store: FeedbackStore, options: ReadinessOptions = {}): RequestHandler {
  return async (_req, res) => {
    const writable = await probe(store);
    if (options.shared === undefined) {
      if (!writable) throw new AppError('NOT_READY', 'Not ready: the feedback store is not writable.');
      res.status(200).json({ status: 'ready', kbVersion: engine.kbVersion });
      return;
    }
    res.status(200).json({
      status: 'ready',
      kbVersion: engine.kbVersion,
      database: writable ? 'available' : 'unavailable',
      replayProtection: options.shared.replayProtection(),
    });
  };
}
