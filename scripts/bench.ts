/**
 * `npm run bench` (issue 5): drives the real server (dist/src/server.js, NODE_ENV=production, JWT on) with
 * signed patient-view requests carrying a full prefetch of 50 / 500 / 5 000 resources and order-select with
 * two draft orders, at 1 and 10 connections, and the same bodies against a bare express JSON endpoint (the
 * floor). Prints a Markdown table, writes bench-results/latest.json (and docs/benchmark.md with --docs).
 *
 * Then (issue 12) the same server and a second one on PostgreSQL (an embedded server started here, or --pg-url)
 * answer the same patient-view 500-resource calls alternately, so the store's effect on hook-call latency (the shared
 * replay check, card-log batching) is measured in the same run; and the replay check alone (scripts/lib/replay-cost.ts).
 *
 * Options: --quick (a quarter of the requests), --n=N (exactly N measured requests per case, warm-up N/5: a tiny
 * smoke run), --docs, --cpu-prof (server profile into bench-results/profiles), --sizes=50,500,5000,
 * --connections=1,10, --no-postgres (skip the store comparison), --pg-url=postgres://… (an existing server).
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateRecord } from './lib/generate-record';
import { bodyFactory, buildHookRequest, type Hook } from './lib/hook-request';
import { runLoad, send, type LoadResult } from './lib/http-client';
import { createIssuer } from './lib/jwt-signer';
import { countPrefetched } from './lib/prefetch-fill';
import { repoRoot } from './lib/repo-root';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './lib/embedded-postgres';
import { measureReplayCost, type ReplayCost } from './lib/replay-cost';
import { builtServerEntry, freePort, startProcess, writeServiceConfig, type RunningServer } from './lib/server-process';
import { summarise, type LatencySummary } from './lib/stats';

/** Targets of issue 5 (2-core machine). */
const TARGETS = { p50Us500: 3000, p99Us500: 10_000, floorThroughputShare: 0.5, linearFactor: 12, peakRssMiB: 200, readyMs: 2000 };

const SERVICE = { 'patient-view': 'hcc-consensus-patient-view', 'order-select': 'hcc-consensus-order-select' } as const;

interface CaseResult {
  readonly name: string;
  readonly hook: Hook;
  readonly resources: number;
  readonly prefetched: number;
  readonly bodyBytes: number;
  readonly connections: number;
  readonly service: LatencySummary & { rps: number; statuses: Record<string, number>; firstError?: string };
  readonly floor: LatencySummary & { rps: number; statuses: Record<string, number> };
  readonly p50RatioToFloor: number;
  readonly rpsShareOfFloor: number;
  readonly serviceRssMiBAfter: number;
}

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const flag = (name: string): boolean => process.argv.includes(`--${name}`);
const mib = (kib: number): number => Math.round((kib / 1024) * 10) / 10;
const ms = (us: number): string => (us / 1000).toFixed(2);

function requestsFor(resources: number, quick: boolean): { count: number; warmup: number } {
  const fixed = arg('n');
  if (fixed !== undefined) return { count: Math.max(1, Number(fixed)), warmup: Math.max(1, Math.ceil(Number(fixed) / 5)) };
  const base = resources >= 5000 ? { count: 300, warmup: 40 } : { count: 2000, warmup: 300 };
  return quick ? { count: Math.ceil(base.count / 4), warmup: Math.ceil(base.warmup / 4) } : base;
}

function summariseRun(r: LoadResult): LatencySummary & { rps: number; statuses: Record<string, number>; firstError?: string } {
  const s = summarise(r.samplesNs);
  const rps = Math.round((r.samplesNs.length / (Number(r.elapsedNs) / 1e9)) * 10) / 10;
  return { ...s, rps, statuses: r.statuses, ...(r.firstError === undefined ? {} : { firstError: r.firstError }) };
}

async function main(): Promise<void> {
  const root = repoRoot();
  const quick = flag('quick');
  const loadBefore = os.loadavg()[0] ?? 0;
  const sizes = (arg('sizes') ?? '50,500,5000').split(',').map(Number);
  const connectionCounts = (arg('connections') ?? '1,10').split(',').map(Number);
  const entry = builtServerEntry();
  const issuer = createIssuer();
  const port = await freePort();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hcc-cds-bench-'));
  const { configPath } = writeServiceConfig({ issuer, port, dir: tmp, extra: { bodyLimit: '50mb' } });
  const profileDir = path.join(root, 'bench-results', 'profiles');
  const nodeArgs = flag('cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (nodeArgs.length > 0) mkdirSync(profileDir, { recursive: true });

  const children: RunningServer[] = [];
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const c of children) c.child.kill('SIGKILL');
      process.exit(130);
    });
  }
  const server = await startProcess({
    entry,
    port,
    nodeArgs,
    env: { NODE_ENV: 'production', HCC_CDS_CONFIG: configPath, LOG_LEVEL: 'warn' },
    probeHeaders: (url) => ({ authorization: `Bearer ${issuer.sign(url)}` }),
  });
  children.push(server);
  const memAfterStart = server.memory();
  let peakRssKiB = memAfterStart.rssKiB;
  const sampler = setInterval(() => {
    peakRssKiB = Math.max(peakRssKiB, server.memory().rssKiB);
  }, 20);

  const floorPort = await freePort();
  const floor: RunningServer = await startProcess({ entry: 'dist/scripts/floor-server.js', port: floorPort, env: { NODE_ENV: 'production' } });
  children.push(floor);

  const discoveryUrl = `${server.baseUrl}/cds-services`;
  const discovery = await send(undefined, { method: 'GET', url: discoveryUrl, headers: { authorization: `Bearer ${issuer.sign(discoveryUrl)}` } });
  const services = (JSON.parse(discovery.body.toString('utf8')) as { services: { id: string; prefetch?: Record<string, string> }[] }).services;
  const templatesOf = (id: string): Record<string, string> => {
    const svc = services.find((s) => s.id === id);
    if (svc === undefined) throw new Error(`service ${id} is not in discovery (${services.map((s) => s.id).join(', ')})`);
    return svc.prefetch ?? {};
  };

  const cases: { hook: Hook; size: number }[] = [
    ...sizes.map((size) => ({ hook: 'patient-view' as const, size })),
    { hook: 'order-select', size: 500 },
  ];
  const results: CaseResult[] = [];
  // One global warm-up (JIT, caches) with a mid-sized record, so the first measured case is not penalised.
  {
    const record = generateRecord({ size: 500, patientId: 'bench-warm', seed: 3 });
    const url = `${server.baseUrl}/cds-services/${SERVICE['patient-view']}`;
    const body = bodyFactory(buildHookRequest({ hook: 'patient-view', patientId: 'bench-warm', resources: record.resources, prefetchTemplates: templatesOf(SERVICE['patient-view']) }));
    const n = quick ? 100 : 400;
    const tokens = Array.from({ length: n }, () => issuer.sign(url));
    await runLoad((i) => ({ method: 'POST', url, headers: { authorization: `Bearer ${tokens[i] ?? ''}` }, body: body.next() }), n, 2);
  }
  for (const c of cases) {
    const patientId = `bench-${c.size}`;
    const record = generateRecord({ size: c.size, patientId, seed: c.size });
    const serviceId = SERVICE[c.hook as keyof typeof SERVICE];
    const request = buildHookRequest({ hook: c.hook, patientId, resources: record.resources, prefetchTemplates: templatesOf(serviceId) });
    const prefetched = countPrefetched(request['prefetch'] as Record<string, never>);
    const body = bodyFactory(request);
    const url = `${server.baseUrl}/cds-services/${serviceId}`;
    const floorUrl = `${floor.baseUrl}/cds-services/${serviceId}`;
    for (const connections of connectionCounts) {
      const { count, warmup } = requestsFor(c.size, quick);
      // Tokens are signed before the timed loop so that signing cost is not measured.
      const tokens = Array.from({ length: count + warmup }, () => issuer.sign(url));
      const make = (base: string, offset: number) => (i: number) => ({
        method: 'POST' as const,
        url: base,
        headers: { authorization: `Bearer ${tokens[offset + i] ?? ''}`, 'content-type': 'application/json' },
        body: body.next(),
      });
      await runLoad(make(url, 0), warmup, connections);
      await runLoad(make(floorUrl, 0), warmup, connections);
      const svc = summariseRun(await runLoad(make(url, warmup), count, connections));
      const flo = summariseRun(await runLoad(make(floorUrl, 0), count, connections));
      const result: CaseResult = {
        name: `${c.hook} ${c.size}`,
        hook: c.hook,
        resources: c.size,
        prefetched,
        bodyBytes: body.bytes,
        connections,
        service: svc,
        floor: flo,
        p50RatioToFloor: Math.round((svc.p50Us / flo.p50Us) * 100) / 100,
        rpsShareOfFloor: Math.round((svc.rps / flo.rps) * 100) / 100,
        serviceRssMiBAfter: mib(server.memory().rssKiB),
      };
      results.push(result);
      process.stderr.write(`${result.name} @${connections}: p50 ${ms(svc.p50Us)} ms (floor ${ms(flo.p50Us)}), ${svc.rps} rps, statuses ${JSON.stringify(svc.statuses)}\n`);
      if (svc.firstError !== undefined) process.stderr.write(`  first non-2xx: ${svc.firstError}\n`);
    }
  }
  clearInterval(sampler);
  const stores = flag('no-postgres') ? undefined : await compareStores({ server, issuer, quick, children, templates: templatesOf(SERVICE['patient-view']) });
  const memEnd = server.memory();
  peakRssKiB = Math.max(peakRssKiB, memEnd.hwmKiB);
  await floor.stop('SIGTERM');
  const exit = await server.stop('SIGTERM', 10_000);
  rmSync(tmp, { recursive: true, force: true });

  const at = (size: number, conns: number, hook: Hook = 'patient-view'): CaseResult | undefined =>
    results.find((r) => r.resources === size && r.connections === conns && r.hook === hook);
  const r500 = at(500, 1);
  const r5000 = at(5000, 1);
  const checks = [
    { target: 'p50 ≤ 3 ms (500 resources, 1 connection)', value: r500 ? `${ms(r500.service.p50Us)} ms` : 'n/a', met: r500 !== undefined && r500.service.p50Us <= TARGETS.p50Us500 },
    { target: 'p99 ≤ 10 ms (500 resources, 1 connection)', value: r500 ? `${ms(r500.service.p99Us)} ms` : 'n/a', met: r500 !== undefined && r500.service.p99Us <= TARGETS.p99Us500 },
    ...connectionCounts.map((conns) => {
      const r = at(500, conns);
      return { target: `throughput ≥ ½ floor (500 resources, ${conns} conn.)`, value: r ? `${r.rpsShareOfFloor} × floor` : 'n/a', met: r !== undefined && r.rpsShareOfFloor >= TARGETS.floorThroughputShare };
    }),
    {
      target: 'linear: p50(5 000) ≤ 12 × p50(500)',
      value: r500 && r5000 ? `${(r5000.service.p50Us / r500.service.p50Us).toFixed(1)} ×` : 'n/a',
      met: r500 !== undefined && r5000 !== undefined && r5000.service.p50Us <= TARGETS.linearFactor * r500.service.p50Us,
    },
    { target: 'peak RSS < 200 MiB', value: `${mib(peakRssKiB)} MiB`, met: mib(peakRssKiB) < TARGETS.peakRssMiB },
    { target: 'ready < 2 s (spawn → first discovery 200)', value: `${Math.round(server.readyMs)} ms`, met: server.readyMs < TARGETS.readyMs },
  ];

  const machine = {
    nproc: Number(execSync('nproc').toString().trim()),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage1mBefore: Math.round(loadBefore * 100) / 100,
    loadAverage1mAfter: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
  const lines: string[] = [];
  lines.push(`Machine: ${machine.nproc} CPU (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; 1-min load average ${machine.loadAverage1mBefore} before, ${machine.loadAverage1mAfter} after${quick ? ' — quick run' : ''}`);
  lines.push('');
  lines.push(`Server: ready in ${Math.round(server.readyMs)} ms; RSS after start ${mib(memAfterStart.rssKiB)} MiB, peak ${mib(peakRssKiB)} MiB; exit on SIGTERM: ${JSON.stringify(exit)}`);
  lines.push('');
  lines.push('| case | resources (prefetched) | body | conn. | n | p50 ms | p90 ms | p99 ms | req/s | floor p50 ms | floor p99 ms | floor req/s | p50 ÷ floor | req/s share of floor | RSS MiB | non-200 |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const non200 = Object.entries(r.service.statuses).filter(([k]) => k !== '200').map(([k, v]) => `${k}×${v}`).join(' ') || '0';
    lines.push(
      `| ${r.hook} | ${r.resources} (${r.prefetched}) | ${(r.bodyBytes / 1024).toFixed(0)} KiB | ${r.connections} | ${r.service.count} | ${ms(r.service.p50Us)} | ${ms(r.service.p90Us)} | ${ms(r.service.p99Us)} | ${r.service.rps} | ${ms(r.floor.p50Us)} | ${ms(r.floor.p99Us)} | ${r.floor.rps} | ${r.p50RatioToFloor} | ${r.rpsShareOfFloor} | ${r.serviceRssMiBAfter} | ${non200} |`,
    );
  }
  lines.push('');
  lines.push('| target | measured | met |');
  lines.push('| --- | --- | --- |');
  for (const c of checks) lines.push(`| ${c.target} | ${c.value} | ${c.met ? 'yes' : '**no**'} |`);
  if (stores !== undefined) lines.push('', ...storeLines(stores));
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);

  const outDir = path.join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const json = { at: new Date().toISOString(), machine, quick, readyMs: server.readyMs, rssAfterStartMiB: mib(memAfterStart.rssKiB), peakRssMiB: mib(peakRssKiB), targets: TARGETS, checks, results, stores };
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  if (flag('cpu-prof')) process.stderr.write(`profiles: ${readdirSync(profileDir).map((f) => path.join(profileDir, f)).join(', ')}\n`);
  if (flag('docs')) {
    const doc = [
      '# Benchmark',
      '',
      'Produced by `npm run bench -- --docs` (scripts/bench.ts): the real server as a child process (NODE_ENV=production,',
      'ES384 JWT verified on every call, fresh `jti`, `aud` = the exact URL), patient-view with a full prefetch',
      'generated by scripts/lib/generate-record.ts, order-select with two draft orders (atezolizumab, TACE) and a 500-resource',
      'prefetch, each at 1 and 10 keep-alive connections (closed loop, own node:http client, tokens signed before the',
      'timed loop). The floor is a bare express 5 endpoint (scripts/floor-server.ts) that parses the same body and replies.',
      'Latency is measured from writing the request to reading the last byte of the answer (process.hrtime.bigint).',
      '',
      `Run at ${json.at}.`,
      '',
      table,
      '',
    ].join('\n');
    writeFileSync(path.join(root, 'docs', 'benchmark.md'), doc);
  }
}

/** What the store comparison measured. */
interface StoreComparison {
  readonly resources: number;
  readonly rounds: number;
  readonly sqlite: LatencySummary & { rps: number; statuses: Record<string, number> };
  readonly postgres: LatencySummary & { rps: number; statuses: Record<string, number> };
  readonly replay: ReplayCost;
  readonly postgresServer: string;
}

/**
 * Hook-call latency with the SQLite store (the main server) and with PostgreSQL (a second server on the same
 * machine), patient-view with 500 resources at 1 connection; the two are driven in alternating rounds so machine
 * load affects both alike. The difference is what the shared store adds (chiefly the replay check's round trip).
 */
async function compareStores(input: { server: RunningServer; issuer: ReturnType<typeof createIssuer>; quick: boolean; children: RunningServer[]; templates: Record<string, string> }): Promise<StoreComparison> {
  const external = arg('pg-url');
  let embedded: EmbeddedPostgres | undefined;
  let pgServer: RunningServer | undefined;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hcc-cds-bench-pg-'));
  try {
    embedded = external === undefined ? await startEmbeddedPostgres() : undefined;
    const url = external ?? embedded?.url ?? '';
    const port = await freePort();
    const { configPath } = writeServiceConfig({ issuer: input.issuer, port, dir: tmp, database: url, extra: { bodyLimit: '50mb' } });
    pgServer = await startProcess({
      entry: builtServerEntry(),
      port,
      env: { NODE_ENV: 'production', HCC_CDS_CONFIG: configPath, LOG_LEVEL: 'warn' },
      probeHeaders: (u) => ({ authorization: `Bearer ${input.issuer.sign(u)}` }),
    });
    input.children.push(pgServer);
    const resources = 500;
    const record = generateRecord({ size: resources, patientId: 'bench-store', seed: 7 });
    const body = bodyFactory(buildHookRequest({ hook: 'patient-view', patientId: 'bench-store', resources: record.resources, prefetchTemplates: input.templates }));
    const { count, warmup } = requestsFor(resources, input.quick);
    const rounds = 4;
    const perRound = Math.max(1, Math.ceil(count / rounds));
    const samples = { sqlite: [] as bigint[], postgres: [] as bigint[] };
    const statuses = { sqlite: {} as Record<string, number>, postgres: {} as Record<string, number> };
    const elapsed = { sqlite: 0n, postgres: 0n };
    const drive = async (target: RunningServer, n: number): Promise<LoadResult> => {
      const url2 = `${target.baseUrl}/cds-services/${SERVICE['patient-view']}`;
      const tokens = Array.from({ length: n }, () => input.issuer.sign(url2));
      return runLoad((i) => ({ method: 'POST', url: url2, headers: { authorization: `Bearer ${tokens[i] ?? ''}`, 'content-type': 'application/json' }, body: body.next() }), n, 1);
    };
    await drive(input.server, warmup);
    await drive(pgServer, warmup);
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, target] of [['sqlite', input.server], ['postgres', pgServer]] as const) {
        const r = await drive(target, perRound);
        samples[name].push(...r.samplesNs);
        elapsed[name] += r.elapsedNs;
        for (const [k, v] of Object.entries(r.statuses)) statuses[name][k] = (statuses[name][k] ?? 0) + v;
      }
    }
    const summary = (name: 'sqlite' | 'postgres') => ({ ...summarise(samples[name]), rps: Math.round((samples[name].length / (Number(elapsed[name]) / 1e9)) * 10) / 10, statuses: statuses[name] });
    const replay = await measureReplayCost(url, input.quick ? 500 : 2000);
    process.stderr.write(`store comparison: sqlite p50 ${ms(summary('sqlite').p50Us)} ms, postgres p50 ${ms(summary('postgres').p50Us)} ms\n`);
    return { resources, rounds, sqlite: summary('sqlite'), postgres: summary('postgres'), replay, postgresServer: external === undefined ? 'embedded (started by the bench, default settings)' : 'given by --pg-url' };
  } finally {
    await pgServer?.stop('SIGTERM', 10_000);
    await embedded?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The store comparison as Markdown. */
function storeLines(c: StoreComparison): string[] {
  const non200 = (s: Record<string, number>): string => Object.entries(s).filter(([k]) => k !== '200').map(([k, v]) => `${k}×${v}`).join(' ') || '0';
  const row = (name: string, s: StoreComparison['sqlite']): string => `| ${name} | ${c.resources} | 1 | ${s.count} | ${ms(s.p50Us)} | ${ms(s.p90Us)} | ${ms(s.p99Us)} | ${s.rps} | ${non200(s.statuses)} |`;
  const added = c.postgres.p50Us - c.sqlite.p50Us;
  const us = (s: LatencySummary): string => `${s.p50Us} / ${s.p99Us}`;
  return [
    `Store comparison (patient-view, ${c.rounds} alternating rounds; PostgreSQL ${c.postgresServer}):`,
    '',
    '| store | resources | conn. | n | p50 ms | p90 ms | p99 ms | req/s | non-200 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    row('SQLite (default)', c.sqlite),
    row('PostgreSQL (shared)', c.postgres),
    '',
    '| measure | value | target | met |',
    '| --- | --- | --- | --- |',
    `| p50 added by PostgreSQL (500 resources) | ${ms(added)} ms | ≤ 1 ms | ${added <= 1000 ? 'yes' : '**no**'} |`,
    `| replay check alone, p50 / p99 µs: in memory | ${us(c.replay.inMemoryFresh)} | | |`,
    `| replay check alone, p50 / p99 µs: PostgreSQL first use | ${us(c.replay.postgresFresh)} | | |`,
    `| replay check alone, p50 / p99 µs: PostgreSQL replay | ${us(c.replay.postgresReplayed)} | | |`,
  ];
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
