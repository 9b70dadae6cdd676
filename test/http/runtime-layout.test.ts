/**
 * The Docker runtime image's file layout without a Docker engine: the runtime stage's COPY instructions are read
 * from the Dockerfile and materialised in a temporary directory (dist/ from this checkout's build, node_modules
 * linked), then `node dist/src/server.js --check` must pass there and the server must serve the playground.
 * The image holds no test files; removing the demo patients (examples/patients) must make the check fail, so the
 * check really covers them.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../src/config/project-root';
import { createIssuer } from '../../scripts/lib/jwt-signer';

jest.setTimeout(60_000);

const ROOT = projectRoot();

interface CopyInstruction {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly dest: string;
}

/** The COPY instructions of the Dockerfile stage named `runtime`. */
function runtimeCopies(dockerfile: string): CopyInstruction[] {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((l) => /^FROM\s+\S+\s+AS\s+runtime\s*$/i.test(l));
  if (start < 0) throw new Error('Dockerfile has no `AS runtime` stage');
  const copies: CopyInstruction[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^FROM\s/i.test(line)) break;
    if (!/^COPY\s/i.test(line)) continue;
    const words = line.trim().split(/\s+/).slice(1);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    const dest = paths.pop();
    if (dest === undefined || paths.length === 0) throw new Error(`cannot read ${line}`);
    copies.push({ ...(from === undefined ? {} : { from }), sources: paths, dest });
  }
  return copies;
}

/** Builds the runtime stage's /app in `dir` from this checkout. */
function materialise(dir: string): string[] {
  const copied: string[] = [];
  for (const copy of runtimeCopies(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))) {
    for (const source of copy.sources) {
      const relative = copy.from === undefined ? source : source.replace(/^\/app\//, '');
      const target = copy.dest.endsWith('/') || copy.dest === '.' || copy.dest === './' ? join(dir, copy.dest, relative.split('/').pop() ?? '') : join(dir, copy.dest);
      mkdirSync(dirname(target), { recursive: true });
      // The deps stage's production node_modules is stood in for by this checkout's (a superset).
      if (relative === 'node_modules') symlinkSync(join(ROOT, 'node_modules'), target, 'dir');
      else cpSync(join(ROOT, relative), target, { recursive: true });
      copied.push(relative);
    }
  }
  return copied;
}

function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('Docker runtime stage layout (materialised from the Dockerfile)', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'server.js'))) throw new Error('dist/ is missing: run `npm run build` (npm ci runs it)');
    dir = mkdtempSync(join(tmpdir(), 'hcc-cds-image-'));
    const copied = materialise(dir);
    expect(copied).toEqual(expect.arrayContaining(['dist', 'package.json', 'cds-services', 'fhir-mappings', 'src/playground/assets', 'examples/patients']));
    // Production does not read test/: the image carries no test files.
    expect(copied.filter((c) => c === 'test' || c.startsWith('test/'))).toEqual([]);
    expect(existsSync(join(dir, 'test'))).toBe(false);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('server.js --check passes on the runtime files alone', async () => {
    const { code, output } = await run(['dist/src/server.js', '--check'], dir, { NODE_ENV: 'production' });
    expect(output).toMatch(/playground \(\d+ scenario patients\) are valid/);
    expect(code).toBe(0);
  });

  it('serves the playground page and its scenario patients in production mode, without the dev-token endpoint', async () => {
    const client = createIssuer('https://ehr.image.example');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ trustedIssuers: [{ iss: client.iss, jwks: client.jwks }], allowedFhirServers: [], corsOrigins: [], language: 'en', database: ':memory:' }));
    const child = spawn(process.execPath, ['dist/src/server.js'], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', PORT: '0', HCC_CDS_CONFIG: join(dir, 'config.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const deadline = Date.now() + 30_000;
      let port: number | undefined;
      while (port === undefined && Date.now() < deadline && child.exitCode === null) {
        const match = /"port":(\d+)[^\n]*"msg":"hcc-cds listening"/.exec(output);
        if (match?.[1] !== undefined) port = Number(match[1]);
        else await new Promise((r) => setTimeout(r, 50));
      }
      if (port === undefined) throw new Error(`server did not start:\n${output}`);
      const base = `http://127.0.0.1:${port}`;
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const listed = (await (await fetch(`${base}/playground/patients`)).json()) as { patients: unknown[] };
      expect(listed.patients.length).toBeGreaterThan(0);
      expect((await fetch(`${base}/playground/dev-token?aud=${encodeURIComponent(`${base}/cds-services/x`)}`)).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('--check fails when the demo patients are missing from the image', async () => {
    rmSync(join(dir, 'examples', 'patients'), { recursive: true, force: true });
    const { code, output } = await run(['dist/src/server.js', '--check'], dir, { NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output).toContain('no scenario patients');
  });
});
