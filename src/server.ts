/**
 * Process entry point and the only reader of the environment: PORT (default 3000), HCC_CDS_CONFIG (JSON config
 * file), NODE_ENV ("production" refuses the development defaults). Loads config, engine, services and the SQLite
 * store, listens, and shuts down gracefully on SIGTERM/SIGINT (stop accepting, finish in-flight, close the DB).
 * Development mode means the embedded defaults only (no HCC_CDS_CONFIG, NODE_ENV not production): only then is
 * the playground's in-memory dev issuer trusted and its token endpoint mounted, so a deployment with a
 * configuration file but without NODE_ENV=production never exposes it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createApp } from './app';
import { createJwtVerifier } from './auth/jwt-verifier';
import { loadConfig } from './config';
import { projectRoot } from './config/project-root';
import { openSqliteFeedbackStore } from './feedback/sqlite-feedback-store';
import { createFhirKitGatewayFactory } from './fhir/fhir-kit-gateway';
import { loadEngine } from './knowledge/load-engine';
import { createDevSigner } from './playground/dev-signer';
import { examplePatientsDir, loadScenarioPatients } from './playground/patients';
import { playgroundRouter } from './playground/router';
import { loadServiceRegistry } from './services/registry';
import { systemClock } from './shared/clock';
import { BootError } from './shared/errors';
import { createLogger } from './shared/logger';

const SHUTDOWN_GRACE_MS = 10_000;

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
  playgroundRouter({ mode: 'production', patients: [] });
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
  const verifier = createJwtVerifier({ issuers, clock: systemClock });
  const playground = playgroundRouter({
    mode: devSigner === undefined ? 'production' : 'development',
    ...(devSigner === undefined ? {} : { devSigner }),
    patients: loadScenarioPatients({ scenariosDir: examplePatientsDir(), now: systemClock.now() }),
    bodyLimit: config.bodyLimit,
  });
  const feedbackStore = openSqliteFeedbackStore(config.database, { onCardLogError: (cards) => logger.error({ cards }, 'card log write failed') });
  const app = createApp({
    config,
    engine,
    services,
    verifier,
    feedbackStore,
    gatewayFactory: createFhirKitGatewayFactory({ maxBodyBytes: config.fhirMaxBodyBytes, maxTotalBytes: config.fhirMaxTotalBytes }),
    logger,
    clock: systemClock,
    playground,
    version: packageVersion(root),
  });

  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BootError('invalid environment', [`PORT must be a port number, got "${env['PORT'] ?? ''}"`]);
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  logger.info(
    { port: actualPort, kbVersion: engine.kbVersion, services: services.services.map((s) => s.id), config: config.origin, database: config.database },
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
        feedbackStore.close();
        logger.info('hcc-cds stopped');
        resolve();
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
