import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command, DEFAULT_SERVICE_URL, PUBLIC_SANDBOX_URL, sandboxLink } from '../../src/cli/commands/demo-fhir';
import { EXIT } from '../../src/cli/main';
import { loadScenarioPatients } from '../../src/playground/patients';
import { scenarioDataSet } from '../../src/demo-fhir/scenario-records';

const bundle = (patientId: string, obsDate: string, extra: object[] = []): object => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: { resourceType: 'Patient', id: patientId, birthDate: '1960-01-01' } },
    { resource: { resourceType: 'Observation', id: 'o1', status: 'final', subject: { reference: `Patient/${patientId}` }, code: { coding: [{ system: 'http://loinc.org', code: '1742-6' }] }, effectiveDateTime: obsDate } },
    ...extra.map((resource) => ({ resource })),
  ],
});

describe('scenario patients for the playground and the demo server', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hcc-scenarios-'));
    mkdirSync(join(dir, 'scenarios', 'group'), { recursive: true });
    mkdirSync(join(dir, 'fixtures'));
    writeFileSync(join(dir, 'fixtures', 'a.json'), JSON.stringify(bundle('p1', '2025-03-01T08:00:00Z')));
    writeFileSync(
      join(dir, 'fixtures', 'b.json'),
      JSON.stringify(bundle('p1', '2025-03-05T08:00:00Z', [{ resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' } }])),
    );
    writeFileSync(join(dir, 'scenarios', 'a.yaml'), 'desc: first vignette\nat: 2025-03-10T00:00:00Z\ngiven: fixtures/a.json\nexpect: { fires: [] }\n');
    writeFileSync(join(dir, 'scenarios', 'group', 'b.yaml'), 'title: Second\nhook: order-select\ngiven: { fixture: fixtures/b.json }\n');
    writeFileSync(join(dir, 'scenarios', 'facts-only.yaml'), 'desc: inline facts, no FHIR\ngiven: { facts: { cnlcStage: IIIa } }\n');
    writeFileSync(join(dir, 'scenarios', 'broken.yaml'), ': : :\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads vignettes with FHIR input, skips the others, and moves dates so the moment is now', () => {
    const patients = loadScenarioPatients({ scenariosDir: join(dir, 'scenarios'), now: new Date('2025-03-20T10:00:00Z') });
    expect(patients.map((p) => [p.id, p.title, p.hook, p.shiftedDays ?? 0])).toEqual([
      ['a', 'a', 'patient-view', 10],
      ['group--b', 'Second', 'order-select', 0],
    ]);
    const first = patients[0]!.input as { entry: { resource: Record<string, unknown> }[] };
    expect(first.entry[1]!.resource['effectiveDateTime']).toBe('2025-03-11T08:00:00Z');
    expect(first.entry[0]!.resource['birthDate']).toBe('1960-01-11');
    expect(patients[0]!.description).toBe('first vignette');
  });

  it('merges them into one data set, prefixing clashing ids and leaving draft orders out', () => {
    const data = scenarioDataSet(loadScenarioPatients({ scenariosDir: join(dir, 'scenarios') }));
    expect(data.patients.map((p) => p.patientId)).toEqual(['p1', 's2-p1']);
    expect(data.resources.map((r) => `${r.resourceType}/${r.id ?? ''}`)).toEqual(['Patient/p1', 'Observation/o1', 'Patient/s2-p1', 'Observation/s2-o1']);
    expect((data.resources[3] as { subject: { reference: string } }).subject.reference).toBe('Patient/s2-p1');
  });

  it('runs the command on an ephemeral port until SIGINT, serving the patients over HTTP', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const running = command.run(['--port', '0', '--scenarios', join(dir, 'scenarios')], io);
    for (let i = 0; i < 100 && !out.join('').includes('metadata:'); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /server: (http:\/\/127\.0\.0\.1:\d+)/.exec(out.join(''))?.[1];
    expect(url).toBeDefined();
    expect(out.join('')).toContain('fhirServiceUrl=');
    const patient = await fetch(`${url}/Patient/s2-p1`);
    expect(patient.status).toBe(200);
    const search = (await (await fetch(`${url}/Observation?patient=p1`)).json()) as { total: number };
    expect(search.total).toBe(1);
    process.emit('SIGINT');
    await expect(running).resolves.toBe(EXIT.ok);
    await expect(fetch(`${url}/metadata`)).rejects.toThrow();
  });

  it('serves the demo patients by default and prints a sandbox link with the real addresses (--service, --sandbox)', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const running = command.run(['--port', '0', '--service', 'http://127.0.0.1:3456', '--sandbox', 'http://localhost:8080/'], io);
    for (let i = 0; i < 200 && !out.join('').includes('CDS Hooks sandbox'); i++) await new Promise((r) => setTimeout(r, 20));
    const text = out.join('');
    const url = /server: (http:\/\/127\.0\.0\.1:(\d+))/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(text).toContain('examples');
    const link = /^\s+(http:\/\/localhost:8080\/\?\S+)$/m.exec(text)?.[1];
    expect(link).toBeDefined();
    const query = new URL(link!).searchParams;
    expect(query.get('fhirServiceUrl')).toBe(url);
    expect(query.get('serviceDiscoveryURL')).toBe('http://127.0.0.1:3456/cds-services');
    const patient = (await (await fetch(`${url}/Patient/${query.get('patientId') ?? ''}`)).json()) as { name?: { text?: string }[]; gender?: string; birthDate?: string };
    expect(patient.name?.map((n) => n.text)).toEqual([expect.stringMatching(/^[A-Z][a-z]+ [A-Z][a-z]+$/), expect.stringMatching(/^[\u4e00-\u9fff]{2,4}$/)]);
    expect(patient.gender).toMatch(/^(male|female)$/);
    expect(patient.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    process.emit('SIGINT');
    await expect(running).resolves.toBe(EXIT.ok);
  });

  it('defaults the service to the development port and the public sandbox page', () => {
    expect(sandboxLink(PUBLIC_SANDBOX_URL, 'http://127.0.0.1:8090', DEFAULT_SERVICE_URL, 'p 1')).toBe(
      'https://sandbox.cds-hooks.org/?fhirServiceUrl=http%3A%2F%2F127.0.0.1%3A8090&patientId=p%201&serviceDiscoveryURL=http%3A%2F%2Flocalhost%3A3000%2Fcds-services',
    );
  });

  it('rejects bad arguments with the usage exit code', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t) };
    expect(await command.run(['--port', 'abc'], io)).toBe(EXIT.usage);
    expect(await command.run(['--bogus'], io)).toBe(EXIT.usage);
    expect(await command.run(['--service', 'localhost:3000'], io)).toBe(EXIT.usage);
    expect(await command.run(['--sandbox', 'https://sandbox.cds-hooks.org/path'], io)).toBe(EXIT.usage);
    expect(err.join('')).toContain('usage: hcc-cds demo-fhir');
  });
});
