/**
 * `npm run healthz:load` (issue 11 "Done when"): starts the built server (production settings, default limits,
 * JWT on), runs 10 connections that each send maximal hook calls back to back (a patient-view whose prefetch
 * fills the default 1 MB body limit, and an order-sign with as many draft orders as fit it), and meanwhile probes
 * GET /healthz every 50 ms on its own connection. Prints the probe latencies and whether every probe answered
 * within 100 ms; exits 1 when one did not (or a hook call failed with a 5xx).
 *
 * Options: --seconds=N (default 10), --connections=N (default 10), --target-ms=N (default 100).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { draftOrders, generateRecord } from './lib/generate-record';
import { bodyFactory, buildHookRequest } from './lib/hook-request';
import { send } from './lib/http-client';
import { createIssuer } from './lib/jwt-signer';
import { builtServerEntry, freePort, startProcess, writeServiceConfig } from './lib/server-process';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const BODY_LIMIT_BYTES = 1024 * 1024;

/** The largest generated patient-view body that still fits the default body limit. */
function maximalPatientView(templates: Record<string, string>): { body: ReturnType<typeof bodyFactory>; resources: number } {
  let size = 2000;
  for (;;) {
    const record = generateRecord({ size, patientId: 'load-1', seed: 11 });
    const body = bodyFactory(buildHookRequest({ hook: 'patient-view', patientId: 'load-1', resources: record.resources, prefetchTemplates: templates }));
    if (body.bytes <= BODY_LIMIT_BYTES - 1024) return { body, resources: size };
    size = Math.floor(size * 0.9);
  }
}

/** The order-sign body with the most draft orders that fits the body limit (the service evaluates maxDraftOrders of them). */
function manyDraftsOrderSign(templates: Record<string, string>): { body: ReturnType<typeof bodyFactory>; drafts: number } {
  const record = generateRecord({ size: 200, patientId: 'load-2', seed: 12 });
  const request = buildHookRequest({ hook: 'order-sign', patientId: 'load-2', resources: record.resources, prefetchTemplates: templates });
  const template = draftOrders('load-2').bundle.entry?.[0]?.resource ?? {};
  const context = request['context'] as Record<string, unknown>;
  for (let count = 3000; ; count = Math.floor(count * 0.9)) {
    const entry = Array.from({ length: count }, (_, i) => ({ resource: { ...template, id: `draft-${i}` } }));
    const body = bodyFactory({ ...request, context: { ...context, draftOrders: { resourceType: 'Bundle', type: 'collection', entry } } });
    if (body.bytes <= BODY_LIMIT_BYTES - 1024) return { body, drafts: count };
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 10);
  const connections = arg('connections', 10);
  const targetMs = arg('target-ms', 100);
  const issuer = createIssuer('https://ehr.load.example');
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hcc-cds-healthz-'));
  const { configPath } = writeServiceConfig({ issuer, port, dir });
  const server = await startProcess({
    entry: builtServerEntry(),
    port,
    env: { NODE_ENV: 'production', HCC_CDS_CONFIG: configPath, LOG_LEVEL: 'warn' },
    probeHeaders: (url) => ({ authorization: `Bearer ${issuer.sign(url)}` }),
  });
  try {
    const discoveryUrl = `${server.baseUrl}/cds-services`;
    const discovery = JSON.parse((await send(undefined, { method: 'GET', url: discoveryUrl })).body.toString('utf8')) as {
      services: { id: string; prefetch?: Record<string, string> }[];
    };
    const templates = (id: string): Record<string, string> => discovery.services.find((s) => s.id === id)?.prefetch ?? {};
    const pv = maximalPatientView(templates('hcc-consensus-patient-view'));
    const sign = manyDraftsOrderSign(templates('hcc-consensus-order-sign'));
    const kinds = [
      { url: `${server.baseUrl}/cds-services/hcc-consensus-patient-view`, body: pv.body },
      { url: `${server.baseUrl}/cds-services/hcc-consensus-order-sign`, body: sign.body },
    ];
    process.stdout.write(
      `load: ${connections} connections for ${seconds} s; patient-view ${pv.resources} resources (${Math.round(pv.body.bytes / 1024)} KiB), order-sign ${sign.drafts} drafts (${Math.round(sign.body.bytes / 1024)} KiB)\n`,
    );

    const statuses: Record<string, number> = {};
    const hookMs: number[] = [];
    const until = Date.now() + seconds * 1000;
    const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; Date.now() < until; i += 1) {
        const kind = kinds[(w + i) % kinds.length] ?? kinds[0];
        if (kind === undefined) return;
        const a = await send(agent, { method: 'POST', url: kind.url, headers: { authorization: `Bearer ${issuer.sign(kind.url)}`, 'content-type': 'application/json' }, body: kind.body.next() }, 60_000);
        statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
        hookMs.push(Number(a.ns) / 1e6);
      }
    };
    const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const probes: number[] = [];
    const prober = async (): Promise<void> => {
      while (Date.now() < until) {
        const a = await send(probeAgent, { method: 'GET', url: `${server.baseUrl}/healthz` }, 10_000);
        if (a.status !== 200) throw new Error(`/healthz answered ${a.status}`);
        probes.push(Number(a.ns) / 1e6);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await Promise.all([prober(), ...Array.from({ length: connections }, (_, w) => worker(w))]);
    agent.destroy();
    probeAgent.destroy();

    const sorted = [...probes].sort((a, b) => a - b);
    const hooks = [...hookMs].sort((a, b) => a - b);
    const over = probes.filter((ms) => ms > targetMs).length;
    const fmt = (n: number): string => n.toFixed(1);
    process.stdout.write(
      [
        `| measure | n | p50 ms | p95 ms | p99 ms | max ms |`,
        `| --- | --- | --- | --- | --- | --- |`,
        `| GET /healthz | ${sorted.length} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 95))} | ${fmt(percentile(sorted, 99))} | ${fmt(sorted[sorted.length - 1] ?? 0)} |`,
        `| hook calls | ${hooks.length} | ${fmt(percentile(hooks, 50))} | ${fmt(percentile(hooks, 95))} | ${fmt(percentile(hooks, 99))} | ${fmt(hooks[hooks.length - 1] ?? 0)} |`,
        '',
        `hook statuses: ${JSON.stringify(statuses)}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`,
        `/healthz over ${targetMs} ms: ${over} of ${probes.length} → ${over === 0 ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'),
    );
    const failedHooks = Object.keys(statuses).some((s) => Number(s) >= 500);
    if (over > 0 || failedHooks) process.exitCode = 1;
  } finally {
    await server.stop('SIGTERM', 5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`healthz-under-load: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
