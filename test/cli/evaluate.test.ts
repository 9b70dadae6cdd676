import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { command } from '../../src/cli/commands/evaluate';
import { EXIT, main } from '../../src/cli/main';
import type { CdsResponse } from '../../src/cds-hooks/types';
import { validateCdsResponse } from '../../src/cds-hooks/validator';
import { projectRoot } from '../../src/config/project-root';
import { resolveVignetteInput } from '../../src/playground/patients';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';

const ROOT = projectRoot();
const SCENARIOS = join(ROOT, 'test', 'scenarios');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'fhir', 'patient-cnlc-iiia-pvtt-child-pugh-a-naive.json');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command.run(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every vignette file whose "given" is FHIR input (a Bundle or a CDS Hooks request). */
const VIGNETTES = walk(SCENARIOS)
  .filter((p) => ['.yaml', '.yml', '.json'].includes(extname(p)))
  .filter((p) => {
    try {
      const text = readFileSync(p, 'utf8');
      return resolveVignetteInput(extname(p) === '.json' ? JSON.parse(text) : parseYaml(text), p) !== undefined;
    } catch {
      return false;
    }
  });

describe('hcc-cds evaluate over every scenario vignette', () => {
  it('finds the vignettes', () => {
    expect(VIGNETTES.length).toBeGreaterThan(0);
  });

  const cases = VIGNETTES.map((p) => [p.slice(SCENARIOS.length + 1), p]);
  (cases.length > 0 ? it.each(cases) : it.skip.each([['(no vignettes)', '']]))('%s', async (_name, path) => {
    const json = await run(path, '--json');
    expect(json.err).toBe('');
    expect(json.code).toBe(EXIT.ok);
    const response = JSON.parse(json.out) as CdsResponse;
    expect(validateCdsResponse(response)).toEqual([]);

    const text = await run(path);
    expect(text.code).toBe(EXIT.ok);
    expect(text.out).toMatch(/^hcc-cds evaluate: \S+ \((patient-view|order-select|order-sign)\), patient /);
    for (const card of response.cards) expect(text.out).toContain(card.summary);
    expect(text.out).toContain(response.cards.length === 0 ? 'No cards.' : `${response.cards.length} card`);
    const own = response.extension?.['org.hcc-cds'] as { notEvaluable?: { id: string; missingFacts: string[] }[] };
    if (own.notEvaluable === undefined) expect(text.out).toContain('Every recommendation that applies could be evaluated.');
    for (const item of own.notEvaluable ?? []) expect(text.out).toContain(`${item.id}: missing ${item.missingFacts.join(', ')}`);
  });
});

describe('hcc-cds evaluate on a Bundle', () => {
  it('prints cards, facts and the unevaluable recommendations, in the chosen language', async () => {
    const zh = await run(FIXTURE, '--at', '2025-06-01T00:00:00Z');
    const en = await run(FIXTURE, '--lang', 'en', '--at', '2025-06-01T00:00:00Z');
    expect([zh.code, en.code]).toEqual([EXIT.ok, EXIT.ok]);
    expect(zh.out).toContain('as of 2025-06-01T00:00:00.000Z, zh-CN');
    expect(en.out).toContain(', en');
    const zhJson = JSON.parse((await run(FIXTURE, '--json', '--at', '2025-06-01T00:00:00Z')).out) as CdsResponse;
    const enJson = JSON.parse((await run(FIXTURE, '--json', '--lang=en', '--at=2025-06-01T00:00:00Z')).out) as CdsResponse;
    expect(enJson.cards.length).toBe(zhJson.cards.length);
    if (zhJson.cards.length > 0) {
      expect(enJson.cards.map((c) => c.summary)).not.toEqual(zhJson.cards.map((c) => c.summary));
      expect(zh.out).toMatch(/Facts used:\n {5}- \w+ = /);
    }
  });

  it('answers the same through the main dispatcher', async () => {
    const out: string[] = [];
    const code = await main(['evaluate', FIXTURE, '--json'], { out: (t) => out.push(t), err: (t) => out.push(t) });
    expect(code).toBe(EXIT.ok);
    expect(validateCdsResponse(JSON.parse(out.join('')))).toEqual([]);
  });
});

describe('hcc-cds evaluate errors fit for scripts', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hcc-evaluate-'));
    writeFileSync(join(dir, 'not-json.json'), '{ nope');
    writeFileSync(join(dir, 'array.json'), '[]');
    writeFileSync(join(dir, 'observation.json'), JSON.stringify({ resourceType: 'Observation', id: 'o' }));
    writeFileSync(join(dir, 'no-patient.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Observation', id: 'o' } }] }));
    writeFileSync(join(dir, 'patient-only.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p' } }] }));
    writeFileSync(
      join(dir, 'bad-request.json'),
      JSON.stringify({ hook: 'patient-view', hookInstance: 'not-a-uuid', context: { userId: 'Practitioner/1', patientId: 'p' } }),
    );
    writeFileSync(join(dir, 'unknown-hook.json'), JSON.stringify({ hook: 'encounter-start', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context: { userId: 'Practitioner/1', patientId: 'p' } }));
    writeFileSync(
      join(dir, 'request.json'),
      JSON.stringify({ hook: 'patient-view', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context: { userId: 'Practitioner/1', patientId: 'p' }, prefetch: {} }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['no file', [], EXIT.usage, /missing <file>/],
    ['two files', ['a.json', 'b.json'], EXIT.usage, /exactly one file/],
    ['unknown option', ['x.json', '--frob'], EXIT.usage, /unknown option --frob/],
    ['bad --lang', ['x.json', '--lang', 'fr'], EXIT.usage, /--lang must be one of zh-CN, en/],
    ['bad --hook', ['x.json', '--hook', 'encounter-start'], EXIT.usage, /--hook must be one of/],
    ['bad --at', ['x.json', '--at', 'yesterday'], EXIT.usage, /--at must be an ISO 8601/],
    ['--lang without value', ['x.json', '--lang'], EXIT.usage, /--lang needs a value/],
  ])('%s → usage error', async (_name, args, code, message) => {
    const res = await run(...(args as string[]));
    expect(res.code).toBe(code);
    expect(res.err).toMatch(message as RegExp);
    expect(res.err).toContain('usage: hcc-cds evaluate');
    expect(res.out).toBe('');
  });

  it.each([
    ['a missing file', 'missing.json', [], /cannot read .*missing\.json: ENOENT/],
    ['invalid JSON', 'not-json.json', [], /not valid JSON/],
    ['a JSON array', 'array.json', [], /does not hold a JSON object/],
    ['a lone resource', 'observation.json', [], /neither a FHIR Bundle, a CDS Hooks request, nor a vignette/],
    ['a Bundle without a Patient', 'no-patient.json', [], /no Patient resource/],
    ['order-select without draft orders', 'patient-only.json', ['--hook', 'order-select'], /needs draft orders/],
    ['an invalid request', 'bad-request.json', [], /invalid CDS Hooks request:\n {2}- hookInstance must match format "uuid"/],
    ['an unserved hook', 'unknown-hook.json', [], /hook "encounter-start" is not served/],
  ])('%s → bad input (3) with a one-line reason', async (_name, file, extra, message) => {
    const res = await run(join(dir, file as string), ...(extra as string[]));
    expect(res.code).toBe(EXIT.badInput);
    expect(res.err).toMatch(message as RegExp);
    expect(res.err).not.toMatch(/\n\s+at /);
    expect(res.out).toBe('');
  });

  it('a request for another hook than --hook is a usage error', async () => {
    const res = await run(join(dir, 'request.json'), '--hook', 'order-sign');
    expect(res.code).toBe(EXIT.usage);
    expect(res.err).toMatch(/the request is for patient-view, not order-sign/);
  });

  it('--help prints the usage and exits 0', async () => {
    const res = await run('--help');
    expect(res.code).toBe(EXIT.ok);
    expect(res.out).toContain('exit codes: 0 evaluated');
  });
});
