/**
 * Starts the real HTTP app (createApp with the playground mounted, as server.ts does) on an ephemeral loopback
 * port, in development mode: the playground's dev issuer trusted with its in-memory key, SQLite in memory, the
 * given engine and patients.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../src/app';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { parseConfig } from '../../src/config';
import { openSqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import type { FeedbackStore } from '../../src/feedback/feedback-store';
import type { Engine } from '../../src/pipeline/engine';
import { createDevSigner } from '../../src/playground/dev-signer';
import { playgroundRouter } from '../../src/playground/router';
import type { PlaygroundPatient } from '../../src/playground/patients';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { loadProjectServices } from '../support/project-services';

/** A running playground server. */
export interface PlaygroundServer {
  readonly url: string;
  readonly store: FeedbackStore;
  close(): Promise<void>;
}

/** Starts the app with the playground on 127.0.0.1 and a free port. */
export async function startPlaygroundServer(engine: Engine, patients: readonly PlaygroundPatient[]): Promise<PlaygroundServer> {
  const devSigner = createDevSigner();
  const { config } = parseConfig(
    {
      trustedIssuers: [{ iss: devSigner.issuer, jwks: devSigner.jwks }],
      allowedFhirServers: [],
      corsOrigins: [],
      language: 'zh-CN',
      database: ':memory:',
    },
    { production: false, origin: 'playground test' },
  );
  const store = openSqliteFeedbackStore(':memory:');
  const logger = createLogger({ level: 'silent' });
  const app = createApp({
    config,
    engine,
    services: loadProjectServices(),
    verifier: createJwtVerifier({ issuers: config.trustedIssuers, clock: systemClock }),
    feedbackStore: store,
    gatewayFactory: () => {
      throw new Error('playground test: no FHIR server expected');
    },
    logger,
    clock: systemClock,
    playground: playgroundRouter({
      mode: 'development',
      devSigner,
      patients,
      bodyLimit: config.bodyLimit,
      prefetchTemplates: (hook) => engine.prefetchFor(hook),
      serviceIds: loadProjectServices().services.map((s) => s.id),
    }),
    loopbackHostsOnly: { extraNames: [] },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          void store.close().then(resolve);
        });
      }),
  };
}
