/**
 * The real entry point (dist/src/server.js, built by `npm ci` → prepare) as a child process: boots with no
 * configuration on an ephemeral port, answers discovery, creates its database, stops cleanly on SIGTERM; refuses
 * to start in production without configuration; with HCC_CDS_CONFIG naming an issuer with an inline JWKS, accepts
 * a request signed by that freshly generated ES384 key and refuses a tampered one. Development mode (no
 * configuration) serves the playground and trusts its dev tokens; a configuration file switches that off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root';
import { createIssuer, type TestIssuer } from '../../scripts/lib/jwt-signer';
import { expectValidCdsResponse, expectValidDiscoveryResponse } from '../support/expect-valid-cds-response';
import { patientViewRequest } from '../support/hook-requests';

jest.setTimeout(60_000);

const ENTRY = join(projectRoot(), 'dist', 'src', 'server.js');

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function launch(env: Record<string, string>, cwd: string): Child {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` (npm ci runs it through prepare)`);
  const child = spawn(process.execPath, [ENTRY], { cwd, env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

async function listeningPort(child: Child, timeoutMs = 40_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"port":(\d+)[^\n]*"msg":"hcc-cds listening"/.exec(child.output());
    if (match?.[1] !== undefined) return Number(match[1]);
    if (child.process.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start:\n${child.output()}`);
}

describe('server.ts as a child process', () => {
  const children: Child[] = [];
  afterAll(() => {
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
  });

  /** Starts the production server with a configuration file trusting `client`, and waits for it to listen. */
  async function launchConfigured(name: string, client: TestIssuer, members: Record<string, unknown>): Promise<{ child: Child; port: number }> {
    const dir = mkdtempSync(join(tmpdir(), `hcc-cds-${name}-`));
    const config = { trustedIssuers: [{ iss: client.iss, jwks: client.jwks }], corsOrigins: [], language: 'en', database: join(dir, 'feedback.sqlite'), ...members };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const child = launch({ NODE_ENV: 'production', HCC_CDS_CONFIG: join(dir, 'config.json') }, dir);
    children.push(child);
    return { child, port: await listeningPort(child) };
  }

  it('with no configuration: serves discovery on the dev defaults, creates ./data/hcc-cds.sqlite, stops on SIGTERM', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hcc-cds-boot-'));
    const child = launch({}, cwd);
    children.push(child);
    const port = await listeningPort(child);
    const res = await fetch(`http://127.0.0.1:${port}/cds-services`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { services: { id: string }[] };
    expectValidDiscoveryResponse(body);
    expect(body.services.map((s) => s.id)).toContain('hcc-consensus-patient-view');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(existsSync(join(cwd, 'data', 'hcc-cds.sqlite'))).toBe(true);
    expect(child.output()).toMatch(/SECURITY: the public CDS Hooks sandbox issuer/);
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain('hcc-cds stopped');
  });

  it('in development mode: serves the playground, whose dev tokens the service accepts, and /openapi.json with the package version', async () => {
    const child = launch({}, mkdtempSync(join(tmpdir(), 'hcc-cds-dev-')));
    children.push(child);
    const port = await listeningPort(child);
    const base = `http://127.0.0.1:${port}`;
    expect(child.output()).toContain('development: playground issuer trusted');
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const patients = (await (await fetch(`${base}/playground/patients`)).json()) as { patients: unknown[] };
    expect(patients.patients.length).toBeGreaterThan(0);
    const openApi = (await (await fetch(`${base}/openapi.json`)).json()) as { info: { version: string } };
    const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
    expect(openApi.info.version).toBe(pkg.version);

    const url = `${base}/cds-services/hcc-consensus-patient-view`;
    const minted = await fetch(`${base}/playground/dev-token?aud=${encodeURIComponent(url)}`);
    expect(minted.status).toBe(200);
    const { token } = (await minted.json()) as { token: string };
    const discovery = (await (await fetch(`${base}/cds-services`)).json()) as { services: { id: string; prefetch?: Record<string, string> }[] };
    const keys = Object.keys(discovery.services.find((s) => s.id === 'hcc-consensus-patient-view')?.prefetch ?? {});
    const body = JSON.stringify(patientViewRequest({ prefetch: Object.fromEntries(keys.map((k) => [k, null])) }));
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expectValidCdsResponse(await res.json());
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it('with HCC_CDS_CONFIG but NODE_ENV unset: the page is served, the dev-token endpoint does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hcc-cds-cfg-nodev-'));
    const client = createIssuer('https://ehr.hospital.example');
    const config = { trustedIssuers: [{ iss: client.iss, jwks: client.jwks }], allowedFhirServers: [], corsOrigins: [], language: 'en', database: join(dir, 'f.sqlite') };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const child = launch({ HCC_CDS_CONFIG: join(dir, 'config.json') }, dir);
    children.push(child);
    const port = await listeningPort(child);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/`)).status).toBe(200);
    const aud = encodeURIComponent(`${base}/cds-services/hcc-consensus-patient-view`);
    expect((await fetch(`${base}/playground/dev-token?aud=${aud}`)).status).toBe(404);
    expect(((await (await fetch(`${base}/playground/config`)).json()) as { mode: string }).mode).toBe('production');
    expect(child.output()).not.toContain('playground issuer trusted');
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });

  it('refuses to start in production without HCC_CDS_CONFIG, saying why', async () => {
    const child = launch({ NODE_ENV: 'production' }, mkdtempSync(join(tmpdir(), 'hcc-cds-prod-')));
    children.push(child);
    expect(await child.exited).toBe(1);
    expect(child.output()).toMatch(/refusing to start.*\n.*HCC_CDS_CONFIG/);
  });

  it('refuses to start with an invalid configuration file, listing the problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hcc-cds-bad-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ trustedIssuers: [], language: 'fr' }));
    const child = launch({ NODE_ENV: 'production', HCC_CDS_CONFIG: join(dir, 'config.json') }, dir);
    children.push(child);
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain('- database is required');
    expect(child.output()).toContain('- trustedIssuers must NOT have fewer than 1 items');
  });

  it('with HCC_CDS_CONFIG naming an issuer by inline JWKS: a freshly generated ES384 key is accepted, tampering refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hcc-cds-cfg-'));
    const client = createIssuer('https://ehr.hospital.example');
    const config = {
      trustedIssuers: [{ iss: client.iss, jwks: client.jwks }],
      allowedFhirServers: ['https://fhir.hospital.example/*'],
      corsOrigins: ['https://ehr.hospital.example'],
      language: 'en',
      database: join(dir, 'feedback.sqlite'),
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const child = launch({ NODE_ENV: 'production', HCC_CDS_CONFIG: join(dir, 'config.json') }, dir);
    children.push(child);
    const port = await listeningPort(child);
    const url = `http://127.0.0.1:${port}/cds-services/hcc-consensus-patient-view`;
    const discovery = (await (await fetch(`http://127.0.0.1:${port}/cds-services`)).json()) as { services: { id: string; prefetch?: Record<string, string> }[] };
    const keys = Object.keys(discovery.services.find((s) => s.id === 'hcc-consensus-patient-view')?.prefetch ?? {});
    const prefetch = Object.fromEntries(keys.map((k) => [k, null]));
    const body = JSON.stringify(patientViewRequest({ prefetch }));
    const call = (token: string) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    const ok = await call(client.token(url));
    expect(ok.status).toBe(200);
    expectValidCdsResponse(await ok.json());
    const token = client.token(url);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, iss: 'https://sandbox.cds-hooks.org' })).toString('base64url')}.${s}`;
    expect((await call(forged)).status).toBe(401);
    expect((await call(client.token(`http://127.0.0.1:${port}/cds-services`))).status).toBe(401);
    expect(child.output()).not.toContain(token);
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(existsSync(config.database)).toBe(true);
  });

  it('on SIGTERM finishes the in-flight hook call (slow FHIR fallback) before exiting, and accepts no new connection', async () => {
    const fhir = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: [] })), 800);
    });
    await new Promise<void>((r) => fhir.listen(0, '127.0.0.1', () => r()));
    const fhirBase = `http://127.0.0.1:${(fhir.address() as AddressInfo).port}/fhir`;
    try {
      const client = createIssuer('https://ehr.drain.example');
      const { child, port } = await launchConfigured('drain', client, { allowedFhirServers: ['http://127.0.0.1:*'] });
      const url = `http://127.0.0.1:${port}/cds-services/hcc-consensus-patient-view`;
      const inFlight = fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${client.token(url)}`, 'content-type': 'application/json' },
        body: JSON.stringify(patientViewRequest({ prefetch: undefined, fhirServer: fhirBase })),
      });
      await new Promise((r) => setTimeout(r, 300));
      child.process.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expectValidCdsResponse(await res.json());
      expect(await child.exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      fhir.close();
    }
  });

  it('reads FHIR responses within the configured fhirMaxBodyBytes / fhirMaxTotalBytes and refuses past either (412)', async () => {
    let padding = 0;
    const fhir = createServer((_req, res) => {
      const bundle = { resourceType: 'Bundle', type: 'searchset', meta: { tag: [{ code: 'x'.repeat(padding) }] } };
      res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(bundle));
    });
    await new Promise<void>((r) => fhir.listen(0, '127.0.0.1', () => r()));
    const fhirBase = `http://127.0.0.1:${(fhir.address() as AddressInfo).port}/fhir`;
    try {
      const client = createIssuer('https://ehr.cap.example');
      const { child, port } = await launchConfigured('fhircap', client, { allowedFhirServers: ['http://127.0.0.1:*'], fhirMaxBodyBytes: 8192, fhirMaxTotalBytes: 10_000 });
      const url = `http://127.0.0.1:${port}/cds-services/hcc-consensus-patient-view`;
      const discovery = (await (await fetch(`http://127.0.0.1:${port}/cds-services`)).json()) as { services: { id: string; prefetch?: Record<string, string> }[] };
      const keys = Object.keys(discovery.services.find((s) => s.id === 'hcc-consensus-patient-view')?.prefetch ?? {});
      expect(keys).toEqual(expect.arrayContaining(['condition', 'procedure']));
      // The keys left out of the prefetch are fetched from the FHIR server, in parallel, by one gateway.
      const call = (missing: readonly string[]) => fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${client.token(url)}`, 'content-type': 'application/json' },
        body: JSON.stringify(patientViewRequest({ prefetch: Object.fromEntries(keys.filter((k) => !missing.includes(k)).map((k) => [k, null])), fhirServer: fhirBase })),
      });
      padding = 6000;
      expect((await call(['condition'])).status).toBe(200);
      padding = 9000;
      const tooLarge = await call(['condition']);
      expect(tooLarge.status).toBe(412);
      expect(JSON.stringify(await tooLarge.json())).toContain('FHIR response too large');
      padding = 6000;
      const together = await call(['condition', 'procedure']);
      expect(together.status).toBe(412);
      expect(JSON.stringify(await together.json())).toContain('too large together');
      child.process.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    } finally {
      fhir.close();
    }
  });
});
