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

/** GET /readyz: the engine is loaded and the feedback store accepts writes. */
export function readyRoute(engine: Engine, store: FeedbackStore): RequestHandler {
  return async (_req, res) => {
    if (!(await store.isWritable())) throw new AppError('NOT_READY', 'Not ready: the feedback store is not writable.');
    res.status(200).json({ status: 'ready', kbVersion: engine.kbVersion });
  };
}
