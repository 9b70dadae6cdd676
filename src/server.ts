/**
 * Process entry point and the only reader of the environment: PORT (default 3000), HOST (listening address),
 * HCC_CDS_CONFIG (JSON config file), NODE_ENV ("production" refuses the development defaults). Loads config, engine,
 * services and the SQLite store, listens, and shuts down gracefully on SIGTERM/SIGINT (stop accepting, finish
 * in-flight, close the DB). Development mode means the embedded defaults only (no HCC_CDS_CONFIG, NODE_ENV not
 * production): only then is the playground's in-memory dev issuer trusted and its token endpoint mounted, so a
 * deployment with a configuration file but without NODE_ENV=production never exposes it; development mode also
 * listens on loopback unless HOST says otherwise and refuses requests addressed to a non-loopback Host. Slow
 * clients are cut off by the configured header, request and keep-alive timeouts; connections are capped.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createApp } from './app';
import { createAuthenticate } from './http/authenticate';
import { createJwtVerifier } from './auth/jwt-verifier';
import { loadConfig } from './config';
import { projectRoot } from './config/project-root';
import { openStores } from './feedback/open-stores';
import { createFhirKitGatewayFactory } from './fhir/fhir-kit-gateway';
import { loadEngine } from './knowledge/load-engine';
import { countingEngine } from './metrics/counting-engine';
import { countingGatewayFactory } from './metrics/counting-gateway';
import { countingReplayStore } from './metrics/counting-replay-store';
import { createMetrics } from './metrics/metrics';
import { loadAssets } from './playground/assets-store';
import { createDevSigner } from './playground/dev-signer';
import { examplePatientsDir, loadScenarioPatients } from './playground/patients';
import { playgroundRouter } from './playground/router';
import { loadServiceRegistry } from './services/registry';
import { systemClock } from './shared/clock';
import { BootError } from './shared/errors';
import { createLogger } from './shared/logger';

const SHUTDOWN_GRACE_MS = 10_000;
/** How often Node checks header and request timeouts (its default, 30 s, would let a slow body live that long). */
const TIMEOUT_CHECK_INTERVAL_MS = 500;
/** Addresses that mean "every interface": not a name a request's Host can carry. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** A running server and the function that stops it. */
export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  stop(): Promise<void>;
}

/** The `version` of package.json at the project root ("0.0.0" when it has none). */
function packageVersion(root: string): string {
  const parsed: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['version'] : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

/** What {@link checkBoot} found. */
export interface BootCheck {
  readonly kbVersion: string;
  readonly services: readonly string[];
  readonly playgroundPatients: number;
}

/**
 * Loads and validates everything the server would serve (services, knowledge base, mappings, the playground page
 * and its scenario patients) without listening; used at image build time. Throws when something is missing.
 */
export function checkBoot(): BootCheck {
  const root = projectRoot();
  const services = loadServiceRegistry(join(root, 'cds-services', 'services'), join(root, 'cds-services', 'schemas', 'service.schema.json'));
  const engine = loadEngine();
  if (loadAssets().get('index.html') === undefined) throw new BootError('playground', ['index.html missing']);
  const patients = loadScenarioPatients({ scenariosDir: examplePatientsDir() });
  if (patients.length === 0) throw new BootError('playground', [`no scenario patients under ${examplePatientsDir()}`]);
  return { kbVersion: engine.kbVersion, services: services.services.map((s) => s.id), playgroundPatients: patients.length };
}

/** Boots the service from an environment; throws BootError when configuration or knowledge is invalid. */
export async function start(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const logger = createLogger({ level: env['LOG_LEVEL'] ?? 'info' });
  const production = env['NODE_ENV'] === 'production';
  const configPath = env['HCC_CDS_CONFIG'];
  const { config, warnings } = loadConfig({ ...(configPath === undefined ? {} : { path: configPath }), production });
  for (const warning of warnings) logger.warn({ config: config.origin }, `!!! ${warning}`);
  const root = projectRoot();
  const services = loadServiceRegistry(join(root, 'cds-services', 'services'), join(root, 'cds-services', 'schemas', 'service.schema.json'));
  const engine = loadEngine({
    ...(config.kbParameters === undefined ? {} : { parameters: config.kbParameters }),
    ...(config.siteProfile === undefined ? {} : { siteProfile: config.siteProfile, onNotice: (notice: string) => logger.warn({ siteProfile: config.siteProfile }, notice) }),
  });
  if (config.siteProfile !== undefined) logger.info({ siteProfile: config.siteProfile }, 'site profile merged over fhir-mappings');
  const development = !production && (configPath === undefined || configPath === '');
  const devSigner = development ? createDevSigner() : undefined;
  if (devSigner !== undefined) logger.warn({ iss: devSigner.issuer }, '!!! development: playground issuer trusted (in-memory key)');
  const issuers = devSigner === undefined ? config.trustedIssuers : [...config.trustedIssuers, { iss: devSigner.issuer, jwks: devSigner.jwks }];
  const metricsToken = config.metrics.bearerTokenEnv === undefined ? undefined : env[config.metrics.bearerTokenEnv];
  if (config.metrics.bearerTokenEnv !== undefined && (metricsToken === undefined || metricsToken === '')) {
    throw new BootError('metrics token missing', [`the environment variable ${config.metrics.bearerTokenEnv} (metrics.bearerTokenEnv) is not set`]);
  }
  const metrics = createMetrics();
  const stores = await openStores(config, { logger, metrics, clock: systemClock, env });
  const feedbackStore = stores.feedbackStore;
  const verifier = createJwtVerifier({
    issuers,
    clock: systemClock,
    maxLifetimeSeconds: config.jwtMaxLifetimeSeconds,
    skewSeconds: config.jwtClockSkewSeconds,
    replayStore: countingReplayStore(stores.replayStore, metrics),
  });
  const host = env['HOST'] ?? (development ? '127.0.0.1' : undefined);
  const playground = config.playground
    ? playgroundRouter({
        mode: devSigner === undefined ? 'production' : 'development',
        ...(devSigner === undefined ? { authenticate: createAuthenticate(verifier, config.publicBaseUrl) } : { devSigner }),
        patients: loadScenarioPatients({ scenariosDir: examplePatientsDir(), now: systemClock.now() }),
        bodyLimit: config.bodyLimit,
        prefetchTemplates: (hook) => engine.prefetchFor(hook),
        serviceIds: services.services.map((s) => s.id),
        ...(config.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.publicBaseUrl }),
      })
    : undefined;
  const app = createApp({
    config,
    engine: countingEngine(engine, metrics),
    services,
    verifier,
    feedbackStore,
    gatewayFactory: countingGatewayFactory(createFhirKitGatewayFactory({ maxBodyBytes: config.fhirMaxBodyBytes, maxTotalBytes: config.fhirMaxTotalBytes }), metrics),
    logger,
    clock: systemClock,
    ...(playground === undefined ? {} : { playground }),
    version: packageVersion(root),
    metrics,
    ...(metricsToken === undefined ? {} : { metricsBearerToken: metricsToken }),
    ...(stores.shared ? { readiness: { shared: { replayProtection: stores.replayProtection } } } : {}),
    ...(development ? { loopbackHostsOnly: { extraNames: host === undefined || WILDCARD_HOSTS.has(host) ? [] : [host] } } : {}),
  });

  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BootError('invalid environment', [`PORT must be a port number, got "${env['PORT'] ?? ''}"`]);
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
    app,
  );
  server.maxConnections = config.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (host === undefined) server.listen(port, () => resolve());
    else server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  logger.info(
    { port: actualPort, host: host ?? '(all interfaces)', kbVersion: engine.kbVersion, services: services.services.map((s) => s.id), config: config.origin, database: config.database },
    'hcc-cds listening',
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      // Connections left idle by finished in-flight requests are closed as they appear (keep-alive clients).
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(force);
        void stores.close().then(
          () => undefined,
          () => logger.error('closing the stores failed'),
        ).finally(() => {
          metrics.stop();
          logger.info('hcc-cds stopped');
          resolve();
        });
      });
      server.closeIdleConnections();
    });
    return stopping;
  };
  return { server, port: actualPort, stop };
}

/* istanbul ignore next -- exercised by the child-process test */
if (require.main === module && process.argv.includes('--check')) {
  try {
    const checked = checkBoot();
    process.stdout.write(
      `hcc-cds: services ${checked.services.join(', ')}, knowledge base ${checked.kbVersion} and the playground (${checked.playgroundPatients} scenario patients) are valid\n`,
    );
  } catch (error) {
    process.stderr.write(`hcc-cds: check failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
} else if (require.main === module) {
  start(process.env).then(
    (running) => {
      const shutdown = (signal: string): void => {
        process.stderr.write(`hcc-cds: ${signal} received, finishing in-flight requests\n`);
        void running.stop().then(() => process.exit(0));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    },
    (error: unknown) => {
      const message = error instanceof BootError ? error.message : `unexpected start-up failure: ${error instanceof Error ? error.name : String(error)}`;
      process.stderr.write(`hcc-cds: refusing to start: ${message}\n`);
      process.exit(1);
    },
  );
}
