/**
 * Builds the real HTTP app (createApp) for tests: real config validation, real JWT verifier trusting a freshly
 * generated test client (inline JWKS), real schemas, SQLite store in memory, a computing test engine, and
 * captured pino log lines.
 */
import type { Express } from 'express';
import { createApp, type AppDeps } from '../../src/app';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { parseConfig, type Config, type ConfigFile } from '../../src/config';
import { openSqliteFeedbackStore } from '../../src/feedback/sqlite-feedback-store';
import type { FeedbackStore } from '../../src/feedback/feedback-store';
import type { Engine } from '../../src/pipeline/engine';
import { loadProjectServices } from './project-services';
import { systemClock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { createIssuer, type TestIssuer as CdsClientKeys } from '../../scripts/lib/jwt-signer';
import { createCountingEngine } from './counting-engine';

/** The base URL supertest requests appear to come from (publicBaseUrl, so `aud` is predictable). */
export const TEST_BASE_URL = 'http://hcc-cds.test';

/** A test app and the things around it. */
export interface TestApp {
  readonly app: Express;
  readonly client: CdsClientKeys;
  readonly config: Config;
  readonly store: FeedbackStore;
  readonly logs: string[];
  /** A bearer header for the exact path called. */
  auth(path: string, claims?: Record<string, unknown>): string;
}

/** Options for {@link buildTestApp}. */
export interface TestAppOptions {
  readonly config?: Partial<ConfigFile>;
  readonly engine?: Engine;
  readonly gatewayFactory?: AppDeps['gatewayFactory'];
  readonly store?: FeedbackStore;
  readonly client?: CdsClientKeys;
  /** The app's clock (evaluation "now"); token checks keep the system clock. Default: the system clock. */
  readonly clock?: AppDeps['clock'];
}

/** A gateway factory that fails the test if the service tries to reach a FHIR server. */
export const NO_FHIR: AppDeps['gatewayFactory'] = () => {
  throw new Error('test: no FHIR server expected');
};

/** Builds the app. */
export function buildTestApp(options: TestAppOptions = {}): TestApp {
  const client = options.client ?? createIssuer('https://ehr.test.example');
  const file: ConfigFile = {
    trustedIssuers: [{ iss: client.iss, jwks: client.jwks }],
    allowedFhirServers: ['http://127.0.0.1:*', 'https://fhir.test.example/*'],
    corsOrigins: ['https://sandbox.cds-hooks.org', 'http://localhost:8080'],
    language: 'zh-CN',
    database: ':memory:',
    publicBaseUrl: TEST_BASE_URL,
    ...options.config,
  };
  const { config } = parseConfig(file, { production: false, origin: 'test' });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const store = options.store ?? openSqliteFeedbackStore(':memory:');
  const app = createApp({
    config,
    engine: options.engine ?? createCountingEngine(),
    services: loadProjectServices(),
    verifier: createJwtVerifier({ issuers: config.trustedIssuers, clock: systemClock }),
    feedbackStore: store,
    gatewayFactory: options.gatewayFactory ?? NO_FHIR,
    logger,
    clock: options.clock ?? systemClock,
  });
  return {
    app,
    client,
    config,
    store,
    logs,
    auth: (path, claims) => `Bearer ${client.token(`${TEST_BASE_URL}${path}`, claims)}`,
  };
}
