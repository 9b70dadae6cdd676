/**
 * `hcc-cds demo-fhir [--port N] [--service URL] [--sandbox URL]`: serves the demo patients (examples/patients,
 * dates moved so each one's moment is today) from a read-only FHIR R4 server on loopback, and prints a CDS Hooks
 * sandbox link naming this server's real address and the service's discovery URL, so an integrator sees real
 * cards. Runs until SIGINT/SIGTERM.
 */
import { scenarioDataSet } from '../../demo-fhir/scenario-records';
import { startDemoFhirServer, type RunningDemoFhir } from '../../demo-fhir/server';
import { examplePatientsDir, loadScenarioPatients } from '../../playground/patients';
import { EXIT, type CliCommand, type CliIo } from '../main';

/** The service's address in development (`npm start` listens on PORT, default 3000). */
export const DEFAULT_SERVICE_URL = 'http://localhost:3000';
/** The public CDS Hooks sandbox page. */
export const PUBLIC_SANDBOX_URL = 'https://sandbox.cds-hooks.org';

const USAGE = `usage: hcc-cds demo-fhir [--port N] [--service URL] [--sandbox URL] [--scenarios DIR]

  Starts a read-only FHIR R4 server on 127.0.0.1 serving the demo patients (default port 8090; 0 = any free
  port) and prints a CDS Hooks sandbox link for them. Stop with Ctrl-C.

  --port      the demo FHIR server's port (default 8090)
  --service   where the hcc-cds service runs, as the sandbox will call it (default ${DEFAULT_SERVICE_URL}; the
              sandbox signs its JWT for exactly this URL)
  --sandbox   the sandbox page the link opens (default ${PUBLIC_SANDBOX_URL}; e.g. http://localhost:8080 for
              a sandbox served locally)
  --scenarios another folder of vignettes to serve (default examples/patients)
`;

/** What the command serves and links to. */
export interface DemoFhirOptions {
  readonly port: number;
  readonly scenariosDir?: string;
  readonly serviceUrl?: string;
  readonly sandboxUrl?: string;
  readonly now?: Date;
}

/** The sandbox link for one patient: the page, the demo FHIR server and the service's discovery endpoint. */
export function sandboxLink(sandboxUrl: string, fhirUrl: string, serviceUrl: string, patientId: string | undefined): string {
  const query = [`fhirServiceUrl=${encodeURIComponent(fhirUrl)}`, ...(patientId !== undefined ? [`patientId=${encodeURIComponent(patientId)}`] : []), `serviceDiscoveryURL=${encodeURIComponent(`${serviceUrl}/cds-services`)}`];
  return `${sandboxUrl}/?${query.join('&')}`;
}

/** Starts the demo server over the demo patients and prints how to use it. */
export async function startScenarioServer(options: DemoFhirOptions, io: CliIo): Promise<RunningDemoFhir> {
  const now = options.now ?? new Date();
  const scenariosDir = options.scenariosDir ?? examplePatientsDir();
  const serviceUrl = (options.serviceUrl ?? DEFAULT_SERVICE_URL).replace(/\/+$/, '');
  const sandboxUrl = (options.sandboxUrl ?? PUBLIC_SANDBOX_URL).replace(/\/+$/, '');
  const data = scenarioDataSet(loadScenarioPatients({ scenariosDir, now }));
  const server = await startDemoFhirServer({ resources: data.resources, port: options.port, now: () => new Date() });
  const lines = [
    `hcc-cds demo FHIR R4 server: ${server.url}  (${data.resources.length} resources, ${data.patients.length} patients from ${scenariosDir})`,
    `  metadata: ${server.url}/metadata`,
    '',
    'patients:',
    ...data.patients.map((p) => `  ${p.patientId.padEnd(28)} ${p.hook.padEnd(13)} ${p.title}`),
    '',
    `CDS Hooks sandbox (run the service first: \`npm start\`, here expected at ${serviceUrl}):`,
    `  ${sandboxLink(sandboxUrl, server.url, serviceUrl, data.patients[0]?.patientId)}`,
    '',
  ];
  io.out(lines.join('\n'));
  return server;
}

function parseUrl(flag: string, value: string | undefined): string | { error: string } {
  if (value === undefined || !/^https?:\/\/[^/\s?#]+\/?$/.test(value)) return { error: `${flag} must be an origin such as http://localhost:3000 (no path)` };
  return value;
}

function parseArgs(args: readonly string[]): DemoFhirOptions | string {
  let port = 8090;
  const out: { scenariosDir?: string; serviceUrl?: string; sandboxUrl?: string } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? args[i + 1];
    if (inline === undefined) i++;
    if (flag === '--port') {
      if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) > 65535) return '--port must be a port number (0-65535)';
      port = Number(value);
    } else if (flag === '--scenarios') {
      if (value === undefined || value === '') return '--scenarios needs a directory';
      out.scenariosDir = value;
    } else if (flag === '--service' || flag === '--sandbox') {
      const url = parseUrl(flag, value);
      if (typeof url !== 'string') return url.error;
      if (flag === '--service') out.serviceUrl = url;
      else out.sandboxUrl = url;
    } else {
      return `unknown argument ${arg}`;
    }
  }
  return { port, ...out };
}

/** The demo-fhir command. */
export const command: CliCommand = {
  summary: 'serve the demo patients from a FHIR R4 server on loopback and print a CDS Hooks sandbox link',
  async run(args, io) {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const parsed = parseArgs(args);
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
