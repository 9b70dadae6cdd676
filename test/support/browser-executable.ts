/**
 * Which Chromium the browser tests drive, so they run on a machine with Node and nothing else: the system's Debian
 * chromium when it is installed, else the headless Chromium that the `@sparticuz/chromium` npm package ships inside
 * itself (brotli-compressed; extracted once per package version into the OS temporary folder, nothing downloaded).
 * `HCC_CDS_BROWSER=packaged` hides the system browser (CI runs the browser tests once that way);
 * `HCC_CDS_BROWSER=system` demands it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The Debian chromium package's executable. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The environment variable that chooses the route: `auto` (default), `system` or `packaged`. */
export const BROWSER_ROUTE_VARIABLE = 'HCC_CDS_BROWSER';

/** How to launch the chosen browser: `route` names it, the rest are playwright-core's `chromium.launch` options. */
export interface BrowserLaunch {
  readonly route: 'system' | 'packaged';
  readonly executablePath: string;
  readonly args: string[];
  /** The browser process's environment (for the packaged route, with its own libraries and fonts). */
  readonly env: Record<string, string | undefined>;
}

const COMMON_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

type Route = 'auto' | 'system' | 'packaged';

function requestedRoute(): Route {
  const value = process.env[BROWSER_ROUTE_VARIABLE] ?? 'auto';
  if (value === '' || value === 'auto') return 'auto';
  if (value === 'system' || value === 'packaged') return value;
  throw new Error(`${BROWSER_ROUTE_VARIABLE}=${value}: expected auto, system or packaged`);
}

function packageDir(): string {
  return join(dirname(require.resolve('@sparticuz/chromium')), '..', '..'); // main is build/cjs/index.cjs
}

// Runs in a child Node whose TMPDIR is the staging folder: the package inflates its brotli files into os.tmpdir().
const EXTRACT_SCRIPT = `
const dir = process.argv[1];
const chromium = require(require('node:path').join(dir, 'build', 'cjs', 'index.cjs'));
const { inflate } = require(require('node:path').join(dir, 'build', 'cjs', 'lambdafs.cjs'));
Promise.all([chromium.executablePath(), inflate(require('node:path').join(dir, 'bin', 'al2023.tar.br'))])
  .then(([exe]) => process.stdout.write(exe), (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

function fontsConf(root: string): string {
  const dirs = [join(root, 'fonts'), '/usr/share/fonts', '/usr/local/share/fonts'];
  return `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n${dirs.map((d) => `  <dir>${d}</dir>`).join('\n')}\n  <cachedir>${join(root, 'fonts-cache')}</cachedir>\n</fontconfig>\n`;
}

/** Extracts the packaged Chromium (once; concurrent workers race to an atomic rename) and returns its folder. */
function extractPackaged(): string {
  const dir = packageDir();
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const root = join(tmpdir(), `hcc-cds-chromium-${version}`);
  if (existsSync(join(root, 'ready'))) return root;
  const staging = `${root}.${process.pid}.${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    const run = spawnSync(process.execPath, ['-e', EXTRACT_SCRIPT, dir], { env: { ...process.env, TMPDIR: staging }, encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(`extracting @sparticuz/chromium failed: ${run.stderr || run.error?.message || `exit ${String(run.status)}`}`);
    writeFileSync(join(staging, 'fonts.conf'), fontsConf(root));
    writeFileSync(join(staging, 'ready'), `${version}\n`);
    try {
      renameSync(staging, root);
    } catch (error) {
      if (!existsSync(join(root, 'ready'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return root;
}

function packagedLaunch(): BrowserLaunch {
  const root = extractPackaged();
  return {
    route: 'packaged',
    executablePath: join(root, 'chromium'),
    args: [...COMMON_ARGS, '--no-zygote'],
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [join(root, 'al2023', 'lib'), process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':'),
      FONTCONFIG_FILE: join(root, 'fonts.conf'),
    },
  };
}

/** Chooses the browser for the browser tests: the system chromium if present (unless hidden), else the packaged one. */
export function resolveBrowser(): BrowserLaunch {
  const route = requestedRoute();
  if (route === 'packaged' || (route === 'auto' && !existsSync(SYSTEM_CHROMIUM))) return packagedLaunch();
  if (!existsSync(SYSTEM_CHROMIUM)) throw new Error(`${BROWSER_ROUTE_VARIABLE}=system but ${SYSTEM_CHROMIUM} is missing (apt-get install -y chromium)`);
  return { route: 'system', executablePath: SYSTEM_CHROMIUM, args: [...COMMON_ARGS], env: { ...process.env } };
}
