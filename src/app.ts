/**
 * createApp(deps): the express 5 application. It never listens and never reads process.env (server.ts does).
 * Order per request: request log → CORS (answers preflight, no auth) → JWT → JSON body → route → error handler.
 * Routes: health, /openapi.json, discovery, hook calls, feedback and its summary, then the optional playground.
 */
import express, { type Express, type Router } from 'express';
import type { Config } from './config';
import type { FeedbackStore } from './feedback/feedback-store';
import { feedbackSummaryRoute } from './feedback/summary-route';
import { compileFhirServerAllowlist } from './fhir/fhir-server-allowlist';
import { createAuthenticate, type TokenVerifier } from './http/authenticate';
import { createCors } from './http/cors';
import { createErrorHandler } from './http/error-handler';
import { createJsonBody } from './http/json-body';
import { methodNotAllowed } from './http/method-not-allowed';
import { notFound } from './http/not-found';
import { createRequestLog } from './http/request-log';
import { discoveryRoute } from './http/routes/discovery.route';
import { feedbackRoute } from './http/routes/feedback.route';
import { healthRoute, readyRoute } from './http/routes/health.route';
import { invokeRoute } from './http/routes/invoke.route';
import { openApiDocument } from './openapi/openapi-document';
import { openApiRoute } from './openapi/openapi-route';
import type { Engine } from './pipeline/engine';
import type { RunServiceDeps } from './pipeline/run-service';
import { buildDiscovery } from './services/discovery';
import type { ServiceRegistry } from './services/registry';
import { systemClock, type Clock } from './shared/clock';
import type { AppLogger } from './shared/logger';

/** Everything the app needs, built by server.ts (or by a test). */
export interface AppDeps {
  readonly config: Config;
  readonly engine: Engine;
  readonly services: ServiceRegistry;
  readonly verifier: TokenVerifier;
  readonly feedbackStore: FeedbackStore;
  readonly gatewayFactory: RunServiceDeps['gatewayFactory'];
  readonly logger: AppLogger;
  readonly clock?: Clock;
  /** The playground page and its helper endpoints (src/playground/router.ts); mounted last, before 404. */
  readonly playground?: Router;
  /** The service version shown in /openapi.json (server.ts reads it from package.json). */
  readonly version?: string;
}

/** Builds the HTTP application. */
export function createApp(deps: AppDeps): Express {
  const { config, engine, services, feedbackStore, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  const authenticate = createAuthenticate(deps.verifier, config.publicBaseUrl);
  const jsonBody = createJsonBody(config.bodyLimit);
  const discovery = buildDiscovery(services, engine);
  const openApi = openApiDocument({
    services: discovery.services,
    version: deps.version ?? '0.0.0',
    kbVersion: engine.kbVersion,
    requireAuthOnDiscovery: config.requireAuthOnDiscovery,
    ...(config.publicBaseUrl === undefined ? {} : { serverUrl: config.publicBaseUrl }),
  });
  const run: RunServiceDeps = {
    engine,
    gatewayFactory: deps.gatewayFactory,
    allowedFhirServers: compileFhirServerAllowlist(config.allowedFhirServers),
    deadlineMs: config.deadlineMs,
    fhirDeadlineMs: config.fhirDeadlineMs,
    pageCap: config.pageCap,
    clock,
  };

  app.use(createRequestLog(logger));
  app.use(createCors(config.corsOrigins, logger));

  app.route('/healthz').get(healthRoute()).all(methodNotAllowed(['GET']));
  app.route('/readyz').get(readyRoute(engine, feedbackStore)).all(methodNotAllowed(['GET']));
  app.route('/openapi.json').get(openApiRoute(openApi)).all(methodNotAllowed(['GET']));

  const discoveryHandlers = config.requireAuthOnDiscovery ? [authenticate, discoveryRoute(discovery)] : [discoveryRoute(discovery)];
  app.route('/cds-services').get(...discoveryHandlers).all(methodNotAllowed(['GET']));
  app
    .route('/cds-services/:id')
    .post(authenticate, jsonBody, invokeRoute({ services, run, feedbackStore, defaultLanguage: config.language, languagePolicy: config.languagePolicy, logger }))
    .all(methodNotAllowed(['POST']));
  app
    .route('/cds-services/:id/feedback')
    .post(authenticate, jsonBody, feedbackRoute({ services, feedbackStore, clock }))
    .all(methodNotAllowed(['POST']));
  app
    .route('/cds-services/:id/feedback/summary')
    .get(authenticate, feedbackSummaryRoute({ services, summarize: (query) => feedbackStore.feedbackSummary(query) }))
    .all(methodNotAllowed(['GET']));

  if (deps.playground !== undefined) app.use(deps.playground);
  app.use(notFound());
  app.use(createErrorHandler(logger));
  return app;
}
