/**
 * Runs the real fhir-kit gateway in a worker thread. fhir-kit-client 2 is ESM-only and jest here runs CommonJS
 * without --experimental-vm-modules, so the adapter is transpiled (typescript.transpileModule) and executed
 * outside jest's module system — exactly as in production, through its native `import()` of fhir-kit-client.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');
const FILES = ['src/fhir/fhir-kit-gateway.ts', 'src/fhir/fhir-gateway.ts', 'src/shared/errors.ts',
  'src/fhir/gather-clinical-data.ts', 'src/fhir/fhir-server-allowlist.ts', 'src/fhir/prefetch-tokens.ts'];
let built: string | undefined;

function build(): string {
  if (built !== undefined) return built;
  // One fixed directory, rewritten on each run from the current sources (only this suite uses it).
  const out = join(ROOT, 'node_modules', '.cache', 'hcc-cds-gateway-worker');
  for (const file of FILES) {
    const js = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const target = join(out, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  built = join(out, 'src/fhir/fhir-kit-gateway.js');
  return built;
}

/** One gateway call to run. */
export type GatewayOp = { kind: 'search' | 'absolute'; url: string; abortAfterMs?: number };
/** Its outcome: the resource, or the error's class, code and message. */
export type GatewayResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; name: string; code?: string; message: string };

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createFhirKitGatewayFactory } = require(workerData.modulePath);
(async () => {
  const gw = createFhirKitGatewayFactory(workerData.options)(workerData.baseUrl, workerData.token ?? undefined);
  const results = [];
  for (const op of workerData.ops) {
    const c = new AbortController();
    if (op.abortAfterMs !== undefined) setTimeout(() => c.abort(), op.abortAfterMs);
    try {
      const value = op.kind === 'search' ? await gw.search(op.url, c.signal) : await gw.fetchAbsolute(op.url, c.signal);
      results.push({ ok: true, value: JSON.parse(JSON.stringify(value)) });
    } catch (e) {
      results.push({ ok: false, name: e && e.name, code: e && e.code, message: String(e && e.message) });
    }
  }
  parentPort.postMessage(results);
})();
`;

const GATHER_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createFhirKitGatewayFactory } = require(workerData.modulePath);
const { gatherClinicalData } = require(workerData.modulePath.replace('fhir-kit-gateway', 'gather-clinical-data'));
gatherClinicalData(workerData.request, workerData.templates, { ...workerData.deps, gatewayFactory: createFhirKitGatewayFactory() })
  .then((value) => parentPort.postMessage({ ok: true, value }))
  .catch((e) => parentPort.postMessage({ ok: false, name: e && e.name, code: e && e.code, message: String(e && e.message) }));
`;

/** Runs gatherClinicalData with the real fhir-kit gateway factory in a worker. */
export function runGather(request: unknown, templates: Record<string, string>, deps: Record<string, unknown>): Promise<GatewayResult> {
  const worker = new Worker(GATHER_WORKER, { eval: true, workerData: { modulePath: build(), request, templates, deps } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: GatewayResult) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

/** Runs the ops sequentially against a fresh gateway for (baseUrl, token). */
export function runGateway(
  baseUrl: string,
  token: string | undefined,
  ops: GatewayOp[],
  options: { timeoutMs?: number; maxBodyBytes?: number } = {},
): Promise<GatewayResult[]> {
  const worker = new Worker(WORKER, { eval: true, workerData: { modulePath: build(), baseUrl, token: token ?? null, ops, options } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: GatewayResult[]) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}
