/**
 * `hcc-cds demo-fhir [--port N]`: serves the scenario patients (test/scenarios vignettes, dates moved so each
 * vignette's moment is today) from a read-only FHIR R4 server on loopback, so an integrator can point the CDS
 * Hooks sandbox at it (`fhirServiceUrl`) and see real cards. Runs until SIGINT/SIGTERM.
 */
import { join } from 'node:path';
import { projectRoot } from '../../config/project-root';
import { scenarioDataSet } from '../../demo-fhir/scenario-records';
import { startDemoFhirServer, type RunningDemoFhir } from '../../demo-fhir/server';
import { loadScenarioPatients } from '../../playground/patients';
import { EXIT, type CliCommand, type CliIo } from '../main';

const USAGE = `usage: hcc-cds demo-fhir [--port N] [--scenarios DIR]

  Starts a read-only FHIR R4 server on 127.0.0.1 serving the scenario patients (default port 8090; 0 = any free
  port). Point the CDS Hooks sandbox at it with ?fhirServiceUrl=<url>&patientId=<id>. Stop with Ctrl-C.
`;

/** Starts the demo server over the project's scenario patients and prints how to use it. */
export async function startScenarioServer(options: { readonly port: number; readonly scenariosDir?: string; readonly now?: Date }, io: CliIo): Promise<RunningDemoFhir> {
  const now = options.now ?? new Date();
  const scenariosDir = options.scenariosDir ?? join(projectRoot(), 'test', 'scenarios');
  const data = scenarioDataSet(loadScenarioPatients({ scenariosDir, now }));
  const server = await startDemoFhirServer({ resources: data.resources, port: options.port, now: () => new Date() });
  const lines = [
    `hcc-cds demo FHIR R4 server: ${server.url}  (${data.resources.length} resources, ${data.patients.length} patients from ${scenariosDir})`,
    `  metadata: ${server.url}/metadata`,
    '',
    'patients:',
    ...data.patients.map((p) => `  ${p.patientId.padEnd(28)} ${p.hook.padEnd(13)} ${p.title}`),
    '',
    'CDS Hooks sandbox (run the service with `npm start` first):',
    `  https://sandbox.cds-hooks.org/?fhirServiceUrl=${encodeURIComponent(server.url)}${data.patients[0] !== undefined ? `&patientId=${encodeURIComponent(data.patients[0].patientId)}` : ''}&serviceDiscoveryURL=${encodeURIComponent('http://localhost:3000/cds-services')}`,
    '',
  ];
  io.out(lines.join('\n'));
  return server;
}

function parsePort(args: readonly string[]): { port: number; scenariosDir?: string } | string {
  let port = 8090;
  let scenariosDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? args[i + 1];
    if (flag === '--port') {
      if (inline === undefined) i++;
      if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) > 65535) return '--port must be a port number (0-65535)';
      port = Number(value);
    } else if (flag === '--scenarios') {
      if (inline === undefined) i++;
      if (value === undefined || value === '') return '--scenarios needs a directory';
      scenariosDir = value;
    } else {
      return `unknown argument ${arg}`;
    }
  }
  return { port, ...(scenariosDir !== undefined ? { scenariosDir } : {}) };
}

/** The demo-fhir command. */
export const command: CliCommand = {
  summary: 'serve the scenario patients from a FHIR R4 server on loopback (for the CDS Hooks sandbox)',
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const parsed = parsePort(args);
    if (typeof parsed === 'string') {
      io.err(`hcc-cds demo-fhir: ${parsed}\n${USAGE}`);
      return EXIT.usage;
    }
    let server: RunningDemoFhir;
    try {
      server = await startScenarioServer(parsed, io);
    } catch (error) {
      io.err(`hcc-cds demo-fhir: ${(error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${parsed.port} is in use` : (error as Error).message}\n`);
      return EXIT.failure;
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    io.out('hcc-cds demo-fhir: stopped\n');
    return EXIT.ok;
  },
};
