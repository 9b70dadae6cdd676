/** `hcc-cds facts`: text and --json output, --at, CDS Hooks requests, and exit codes for bad input. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../src/cli/commands/facts';
import { EXIT, type CliIo } from '../../src/cli/main';
import { loadMappings } from '../../src/mapping';

const ROOT = join(__dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'fhir', 'patient-cnlc-iiia-pvtt-child-pugh-a-naive.json');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await command.run(args, io);
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hcc-facts-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('prints every fact readably', async () => {
  const { code, out } = await run([FIXTURE, '--at', '2025-06-01']);
  expect(code).toBe(EXIT.ok);
  expect(out).toContain('patient hcc-iiia-naive at 2025-06-01T00:00:00.000Z');
  expect(out).toMatch(/cnlcStage\s+IIIa .*derived \(cnlc/);
  expect(out).toMatch(/totalBilirubin\s+18 umol\/L  @ 2025-05-25T08:00:00\+08:00  from Observation\/tbil/);
  expect(out).toMatch(/hcvRna\s+Unknown \(no-data\)/);
  expect(out).toMatch(/altBaseline\s+Unknown \(missing-inputs\) — missing targetedImmuneStart/);
  expect(out.split('\n').filter((l) => /^[a-z][A-Za-z0-9]+\s{2,}/.test(l))).toHaveLength(loadMappings().factDefinitions.size);
});

it('--json prints an object keyed by fact name', async () => {
  const { code, out } = await run([FIXTURE, '--json', '--at=2025-06-01T00:00:00Z']);
  expect(code).toBe(EXIT.ok);
  const json = JSON.parse(out) as Record<string, { known: boolean; value?: unknown }>;
  expect(json['childPughScore']).toMatchObject({ known: true, value: 5 });
  expect(json['cnlcStage']).toMatchObject({ value: 'IIIa' });
  expect(Object.keys(json).sort()).toEqual([...loadMappings().factDefinitions.keys()].sort());
});

it('without --at, the fixture is read as of now: its 2025 labs are no longer usable', async () => {
  const { out } = await run([FIXTURE, '--json']);
  expect((JSON.parse(out) as Record<string, { known: boolean; reason?: string }>)['alt']).toMatchObject({ known: false, reason: expect.stringMatching(/^(stale|no-data)$/) });
});

it('reads a CDS Hooks request with prefetch', async () => {
  const bundle = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { entry: { resource: { resourceType: string } }[] };
  const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')?.resource;
  const others = { resourceType: 'Bundle', type: 'searchset', entry: bundle.entry.filter((e) => e.resource.resourceType !== 'Patient') };
  const request = {
    hook: 'patient-view', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
    context: { userId: 'Practitioner/1', patientId: 'hcc-iiia-naive' }, prefetch: { patient, observations: others, conditions: null },
  };
  const file = join(dir, 'request.json');
  writeFileSync(file, JSON.stringify(request));
  const { code, out } = await run([file, '--json', '--at', '2025-06-01']);
  expect(code).toBe(EXIT.ok);
  expect((JSON.parse(out) as Record<string, { value?: unknown }>)['cnlcStage']?.value).toBe('IIIa');
});

it.each([
  ['a missing file', () => join(dir, 'nope.json'), /cannot read .*nope\.json \(ENOENT\)/],
  ['a file that is not JSON', () => { const f = join(dir, 'bad.json'); writeFileSync(f, '{ not json'); return f; }, /is not valid JSON/],
  ['JSON that is neither Bundle nor request', () => { const f = join(dir, 'obs.json'); writeFileSync(f, '{"resourceType":"Observation"}'); return f; }, /neither a FHIR Bundle nor a CDS Hooks request/],
  ['a Bundle without a patient', () => { const f = join(dir, 'empty.json'); writeFileSync(f, '{"resourceType":"Bundle","type":"collection","entry":[]}'); return f; }, /names no patient/],
])('%s → exit badInput with a clear message', async (_label, file, message) => {
  const { code, err, out } = await run([file()]);
  expect(code).toBe(EXIT.badInput);
  expect(err).toMatch(message);
  expect(out).toBe('');
});

it('usage errors', async () => {
  expect((await run([])).code).toBe(EXIT.usage);
  expect((await run([FIXTURE, '--at', 'yesterday'])).err).toContain('--at needs an ISO 8601 date');
  expect((await run([FIXTURE, '--colour'])).code).toBe(EXIT.usage);
  expect((await run(['--help'])).code).toBe(EXIT.ok);
});

const dist = join(ROOT, 'dist', 'src', 'cli', 'commands', 'facts.js');
(existsSync(dist) ? it : it.skip)('node bin/hcc-cds.js facts (built CLI)', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'hcc-cds.js'), 'facts', FIXTURE, '--json', '--at', '2025-06-01'], { encoding: 'utf8' });
  expect((JSON.parse(out) as Record<string, { value?: unknown }>)['childPughClass']?.value).toBe('A');
  const bad = spawnSync(process.execPath, [join(ROOT, 'bin', 'hcc-cds.js'), 'facts', join(dir, 'nope.json')], { encoding: 'utf8' });
  expect(bad.status).toBe(EXIT.badInput);
});
