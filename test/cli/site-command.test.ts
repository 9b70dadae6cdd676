/**
 * `hcc-cds site check <profile> [--data …]` and `--site-profile` on facts / evaluate / kb: the example profile is
 * valid, the codes a record carries that no mapping knows are listed (system|code|display, resource type, count),
 * a bad profile is invalid input (exit 3) with file and line, bad usage exits 2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as evaluate } from '../../src/cli/commands/evaluate';
import { command as facts } from '../../src/cli/commands/facts';
import { command as kb } from '../../src/cli/commands/kb';
import { command as site } from '../../src/cli/commands/site';
import { EXIT, main, type CliCommand, type CliIo } from '../../src/cli/main';

const ROOT = join(__dirname, '..', '..');
const PROFILE = join(ROOT, 'examples', 'site-profiles', 'example-hospital');
const TWINS = join(ROOT, 'test', 'fixtures', 'site-profile');
const LOCAL = join(TWINS, 'on-atezolizumab-bevacizumab-after-tace.local.json');
const STANDARD = join(TWINS, 'on-atezolizumab-bevacizumab-after-tace.standard.json');

async function run(cmd: CliCommand, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t) };
  const code = await cmd.run(args, io);
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hcc-site-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('site check', () => {
  it('a valid profile without data', async () => {
    const { code, out } = await run(site, ['check', PROFILE]);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/^site profile '示例医院 Example Hospital' valid \(merged over fhir-mappings [0-9a-f]{16}\)\n$/);
  });

  it('the local twin is fully recognised with the profile', async () => {
    const { code, out } = await run(site, ['check', PROFILE, '--data', LOCAL]);
    expect(code).toBe(EXIT.ok);
    expect(out).toContain('every coding in the data is recognised by a mapping');
  });

  it('lists what no mapping recognises, from a Bundle and from a folder of NDJSON files', async () => {
    const empty = join(dir, 'empty-profile');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'site-profile.yaml'), 'name: Empty\n');
    const { code, out } = await run(site, ['check', empty, '--data', LOCAL]);
    expect(code).toBe(EXIT.ok);
    expect(out).toContain('system|code|display\tresource type\tcount');
    expect(out).toContain('http://lis.example-hospital.cn/fhir/CodeSystem/test-item|ALB|白蛋白\tObservation\t1');
    expect(out).toContain('http://his.example-hospital.cn/fhir/CodeSystem/drug|YP-0451|\tMedicationRequest\t1');
    expect(out).toContain('http://his.example-hospital.cn/fhir/CodeSystem/procedure|OP-5021|经导管动脉化疗栓塞术(TACE)\tProcedure\t1');

    const ndjson = join(dir, 'ndjson');
    mkdirSync(ndjson, { recursive: true });
    const resources = (JSON.parse(readFileSync(LOCAL, 'utf8')) as { entry: { resource: { resourceType: string } }[] }).entry.map((e) => e.resource);
    const observations = resources.filter((r) => r.resourceType === 'Observation');
    writeFileSync(join(ndjson, 'Observation.ndjson'), `${[...observations, ...observations].map((r) => JSON.stringify(r)).join('\n')}\n`);
    const json = await run(site, ['check', empty, '--data', ndjson, '--json']);
    expect(json.code).toBe(EXIT.ok);
    const parsed = JSON.parse(json.out) as { unrecognised: { code: string; count: number; resourceType: string }[] };
    expect(parsed.unrecognised).toContainEqual({ system: 'http://lis.example-hospital.cn/fhir/CodeSystem/test-item', code: 'ALB', display: '白蛋白', resourceType: 'Observation', count: 2 });
    expect(parsed.unrecognised.every((c) => c.resourceType === 'Observation')).toBe(true);
  });

  it('an invalid profile exits 3 with file and line', async () => {
    const bad = join(dir, 'bad-profile');
    mkdirSync(join(bad, 'valuesets'), { recursive: true });
    writeFileSync(join(bad, 'site-profile.yaml'), 'name: Bad\n');
    writeFileSync(join(bad, 'valuesets', 'x.yaml'), 'valueSet: lab-nope\ninclude:\n  - { system: "http://loinc.org", code: "1-8" }\n');
    const { code, err } = await run(site, ['check', bad]);
    expect(code).toBe(EXIT.badInput);
    expect(err).toContain(`${join(bad, 'valuesets', 'x.yaml')}:1: unknown value set 'lab-nope'`);
  });

  it('a parameter kb.yaml does not declare exits 3 with file and line (site check and kb)', async () => {
    const bad = join(dir, 'bad-parameter');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'site-profile.yaml'), 'name: Bad parameter\nparameters:\n  taceSessions: 3\n');
    const checked = await run(site, ['check', bad]);
    expect([checked.code, checked.err]).toEqual([EXIT.badInput, expect.stringContaining(`${join(bad, 'site-profile.yaml')}:3: parameter override 'taceSessions': no such parameter in kb.yaml`)]);
    const reviewed = await run(kb, ['--site-profile', bad, '--out', join(dir, 'never.md')]);
    expect([reviewed.code, reviewed.err]).toEqual([EXIT.badInput, expect.stringContaining(`${join(bad, 'site-profile.yaml')}:3: parameter override 'taceSessions'`)]);
    expect(existsSync(join(dir, 'never.md'))).toBe(false);
  });

  it('unreadable data exits 3; bad usage exits 2', async () => {
    expect((await run(site, ['check', PROFILE, '--data', join(dir, 'nothing.json')])).code).toBe(EXIT.badInput);
    const broken = join(dir, 'broken-ndjson');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'a.ndjson'), '{"resourceType":"Observation"}\nnot json\n');
    const r = await run(site, ['check', PROFILE, '--data', broken]);
    expect([r.code, r.err]).toEqual([EXIT.badInput, expect.stringContaining('a.ndjson:2: not valid JSON')]);
    expect((await run(site, [])).code).toBe(EXIT.usage);
    expect((await run(site, ['verify', PROFILE])).code).toBe(EXIT.usage);
    expect((await run(site, ['check'])).code).toBe(EXIT.usage);
    expect((await run(site, ['check', PROFILE, '--colour'])).code).toBe(EXIT.usage);
    expect((await run(site, ['--help'])).code).toBe(EXIT.ok);
  });

  it('is listed by hcc-cds', async () => {
    let out = '';
    await main(['--help'], { out: (t) => (out += t), err: () => undefined });
    expect(out).toMatch(/site\s+check a site profile/);
  });
});

describe('--site-profile on facts, evaluate and kb', () => {
  it('facts: the local twin reads like the standard one only with the profile', async () => {
    const standard = JSON.parse((await run(facts, [STANDARD, '--json', '--at', '2025-06-01'])).out) as Record<string, unknown>;
    const withProfile = await run(facts, [LOCAL, '--json', '--at', '2025-06-01', '--site-profile', PROFILE]);
    expect(withProfile.code).toBe(EXIT.ok);
    expect(JSON.parse(withProfile.out)).toEqual(standard);
    expect(JSON.parse((await run(facts, [LOCAL, '--json', '--at', '2025-06-01'])).out)).not.toEqual(standard);
    expect((await run(facts, [LOCAL, '--site-profile', join(dir, 'missing')])).code).toBe(EXIT.badInput);
    expect((await run(facts, [LOCAL, '--site-profile'])).code).toBe(EXIT.usage);
  });

  it('evaluate: the same cards for the local twin with the profile', async () => {
    const standard = await run(evaluate, [STANDARD, '--json', '--at', '2025-06-01', '--lang', 'en']);
    const local = await run(evaluate, [LOCAL, '--json', '--at', '2025-06-01', '--lang', 'en', '--site-profile', PROFILE]);
    expect(local.code).toBe(EXIT.ok);
    const cards = (text: string): unknown => (JSON.parse(text, (k, v: unknown) => (k === 'uuid' ? undefined : v)) as { cards: unknown[] }).cards;
    // The profile sets taceSessionsBeforeRefractory 3; with one TACE on record both readings agree.
    expect(cards(local.out)).toEqual(cards(standard.out));
    expect((cards(standard.out) as unknown[]).length).toBeGreaterThan(0);
    expect((await run(evaluate, [LOCAL, '--site-profile', join(dir, 'missing')])).code).toBe(EXIT.badInput);
  });

  it('kb: the site review shows the profile\'s parameter value; --site-profile needs --out', async () => {
    const out = join(dir, 'REVIEW.site.md');
    const { code } = await run(kb, ['--site-profile', PROFILE, '--out', out]);
    expect(code).toBe(EXIT.ok);
    expect(readFileSync(out, 'utf8')).toContain('Completed TACE sessions ≥ 3 (parameter `taceSessionsBeforeRefractory`)');
    expect(readFileSync(join(ROOT, 'cds-services', 'knowledge', 'REVIEW.md'), 'utf8')).toContain('Completed TACE sessions ≥ 2 (parameter `taceSessionsBeforeRefractory`)');
    expect((await run(kb, ['--site-profile', PROFILE])).code).toBe(EXIT.usage);
  });
});

const dist = join(ROOT, 'dist', 'src', 'cli', 'commands', 'site.js');
(existsSync(dist) ? it : it.skip)('node bin/hcc-cds.js site check (built CLI)', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'hcc-cds.js'), 'site', 'check', PROFILE, '--data', LOCAL], { encoding: 'utf8' });
  expect(out).toContain('every coding in the data is recognised by a mapping');
  const bad = spawnSync(process.execPath, [join(ROOT, 'bin', 'hcc-cds.js'), 'site', 'check', join(dir, 'missing')], { encoding: 'utf8' });
  expect(bad.status).toBe(EXIT.badInput);
});
