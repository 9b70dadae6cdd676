/**
 * The built server (dist/src/server.js) with `siteProfile` in its configuration: boots with the example profile and
 * answers the local-coded twin with the cards of its standard-coded twin over real HTTP; logs when a profile's
 * display texts drop a prefetch query's code filter; refuses to start on an invalid profile, naming file and line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, FhirResource } from 'fhir/r4';
import { projectRoot } from '../../src/config/project-root';
import { createIssuer } from '../../scripts/lib/jwt-signer';
import { fillPrefetch } from '../../scripts/lib/prefetch-fill';
import { expectValidCdsResponse } from '../support/expect-valid-cds-response';
import { patientViewRequest } from '../support/hook-requests';

jest.setTimeout(90_000);

const ROOT = projectRoot();
const ENTRY = join(ROOT, 'dist', 'src', 'server.js');
const PROFILE = join(ROOT, 'examples', 'site-profiles', 'example-hospital');
const TWINS = join(ROOT, 'test', 'fixtures', 'site-profile');
const client = createIssuer('https://ehr.site-profile.test');

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}
const children: Child[] = [];
afterAll(() => {
  for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
});

function launch(siteProfile: string): Child {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\``);
  const dir = mkdtempSync(join(tmpdir(), 'hcc-cds-site-'));
  const config = { trustedIssuers: [{ iss: client.iss, jwks: client.jwks }], allowedFhirServers: [], corsOrigins: [], language: 'en', database: ':memory:', siteProfile };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const child = spawn(process.execPath, [ENTRY], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', PORT: '0', NODE_ENV: 'production', HCC_CDS_CONFIG: join(dir, 'config.json') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const handle = { process: child, output: () => output, exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
  children.push(handle);
  return handle;
}

async function listeningPort(child: Child): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const match = /"port":(\d+)[^\n]*"msg":"hcc-cds listening"/.exec(child.output());
    if (match?.[1] !== undefined) return Number(match[1]);
    if (child.process.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start:\n${child.output()}`);
}

const resourcesOf = (name: string): FhirResource[] => ((JSON.parse(readFileSync(join(TWINS, name), 'utf8')) as Bundle).entry ?? []).map((e) => e.resource as FhirResource);

it('boots with the example profile: the local twin gets the cards the shipped service gives the standard twin', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'hcc-cds-empty-profile-'));
  writeFileSync(join(empty, 'site-profile.yaml'), 'name: No additions\nparameters: { taceSessionsBeforeRefractory: 3 }\n');
  const [withProfile, plain] = [launch(PROFILE), launch(empty)];
  const [portProfile, portPlain] = await Promise.all([listeningPort(withProfile), listeningPort(plain)]);
  expect(withProfile.output()).toContain('site profile merged over fhir-mappings');
  const answer = async (port: number, twin: string): Promise<unknown> => {
    const base = `http://127.0.0.1:${port}`;
    const discovery = (await (await fetch(`${base}/cds-services`)).json()) as { services: { id: string; prefetch?: Record<string, string> }[] };
    const templates = discovery.services.find((s) => s.id === 'hcc-consensus-patient-view')?.prefetch ?? {};
    const resources = resourcesOf(twin);
    const patientId = resources.find((r) => r.resourceType === 'Patient')?.id as string;
    const prefetch = fillPrefetch(templates, resources, { patientId, userId: 'Practitioner/doc' });
    const url = `${base}/cds-services/hcc-consensus-patient-view`;
    const body = JSON.stringify(patientViewRequest({ prefetch, context: { userId: 'Practitioner/doc', patientId } }));
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${client.token(url)}`, 'content-type': 'application/json', 'accept-language': 'en' }, body });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { cards: { summary: string }[] };
    expectValidCdsResponse(json);
    return json.cards.map((c) => c.summary).sort();
  };
  const expected = await answer(portPlain, 'on-atezolizumab-bevacizumab-after-tace.standard.json');
  expect((expected as string[]).length).toBeGreaterThan(0);
  expect(await answer(portProfile, 'on-atezolizumab-bevacizumab-after-tace.local.json')).toEqual(expected);
  expect(await answer(portPlain, 'on-atezolizumab-bevacizumab-after-tace.local.json')).not.toEqual(expected);
  for (const c of [withProfile, plain]) c.process.kill('SIGTERM');
  expect(await withProfile.exited).toBe(0);
});

it('logs at boot when display texts drop a prefetch query\'s code filter', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcc-cds-texts-profile-'));
  mkdirSync(join(dir, 'valuesets'));
  writeFileSync(join(dir, 'site-profile.yaml'), 'name: Texts\n');
  writeFileSync(join(dir, 'valuesets', 'alt.yaml'), 'valueSet: lab-alt\ntexts:\n  - { text: 谷丙转氨酶 }\n');
  const child = launch(dir);
  await listeningPort(child);
  expect(child.output()).toMatch(/"level":40[^\n]*valuesets\/alt\.yaml:3: display texts added to value set 'lab-alt' are matched by name, so the Observation prefetch queries are no longer restricted by code/);
  child.process.kill('SIGTERM');
  expect(await child.exited).toBe(0);
});

it('refuses to start on an invalid profile, naming file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hcc-cds-bad-profile-'));
  cpSync(PROFILE, dir, { recursive: true });
  writeFileSync(join(dir, 'valuesets', 'lab-alt.yaml'), 'valueSet: lab-alanine\ninclude:\n  - { system: "http://lis.example-hospital.cn/fhir/CodeSystem/test-item", code: "ALT" }\n');
  const child = launch(dir);
  expect(await child.exited).toBe(1);
  expect(child.output()).toContain(`${join(dir, 'valuesets', 'lab-alt.yaml')}:1: unknown value set 'lab-alanine'`);
});
