/**
 * The fhir-kit gateway's body cap over real loopback sockets (no nock in this file): a 100 MB answer is refused
 * with FHIR_FETCH_FAILED soon after the cap, the server sees the connection that carried it closed, and the
 * process does not grow by the body's size.
 *
 * Node 20's bundled undici (6.24) re-queues a request aborted mid-body and opens a fresh pooled connection for
 * it, on which it sends nothing and which it closes after its keep-alive timeout (~3 s); that idle socket is
 * the same kind of pooled connection any successful call leaves behind, so it is counted apart here.
 */
import { createFhirKitGatewayFactory } from '../../src/fhir/fhir-kit-gateway';
import { AppError } from '../../src/shared/errors';
import { startStreamingServer, type Framing, type StreamingServer } from './support/streaming-server';

jest.setTimeout(30_000);

const HUNDRED_MB = 100 * 1024 * 1024;
const CAP = 20_000_000;
const TIMEOUT_MS = 5000;

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}

describe('fhir-kit gateway body cap on real sockets (node:http, undici)', () => {
  let server: StreamingServer | undefined;

  // The first fetch of the process loads and compiles Node's bundled undici and its HTTP parser: done here, so
  // the RSS measured below is the body's and not the client's start-up.
  beforeAll(async () => {
    const warm = await startStreamingServer({ totalBytes: 256 * 1024, framing: 'chunked' });
    try {
      await createFhirKitGatewayFactory()(`${warm.url}/fhir`, 'tok').search('Observation?patient=p1', new AbortController().signal);
    } finally {
      await warm.close();
    }
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each<Framing>(['chunked', 'declared'])('100 MB %s → FHIR response too large within the timeout, connection closed, RSS bounded', async (framing) => {
    const s = await startStreamingServer({ totalBytes: HUNDRED_MB, framing });
    server = s;
    const gateway = createFhirKitGatewayFactory({ maxBodyBytes: CAP, timeoutMs: TIMEOUT_MS })(`${s.url}/fhir`, 'tok');
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 2);
    const started = Date.now();
    const e = await failure(gateway.search('Observation?patient=p1', new AbortController().signal));
    const rejectedAt = Date.now();
    peak = Math.max(peak, process.memoryUsage().rss);
    await waitFor(() => s.openRequestConnections() === 0 && s.activeResponses() === 0, 1000);
    clearInterval(sampler);
    const observed = {
      code: e.code,
      message: e.message,
      withinTimeout: rejectedAt - started < TIMEOUT_MS,
      requests: s.requests(),
      activeResponses: s.activeResponses(),
      openRequestConnections: s.openRequestConnections(),
      closedWithin500ms: s.closedAt.length === 1 && (s.closedAt[0] ?? Infinity) - rejectedAt < 500,
      // With backpressure the server got out at most the cap plus socket and stream buffers, not the 100 MB.
      serverStoppedEarly: s.bytesWritten() < CAP + 16 * 1024 * 1024,
      rssGrowthBelow3xCap: peak - baseline < 3 * CAP,
    };
    expect(observed).toEqual({
      code: 'FHIR_FETCH_FAILED',
      message: 'FHIR response too large',
      withinTimeout: true,
      requests: 1,
      activeResponses: 0,
      openRequestConnections: 0,
      closedWithin500ms: true,
      serverStoppedEarly: true,
      rssGrowthBelow3xCap: true,
    });
  });

  it('the caller abort while a slow body streams → timed out, and the connection is closed', async () => {
    const s = await startStreamingServer({ totalBytes: HUNDRED_MB, framing: 'chunked', gapMs: 20 });
    server = s;
    const gateway = createFhirKitGatewayFactory({ timeoutMs: 10_000 })(`${s.url}/fhir`, 'tok');
    const c = new AbortController();
    setTimeout(() => c.abort(), 300);
    const e = await failure(gateway.search('Observation?patient=p1', c.signal));
    const rejectedAt = Date.now();
    await waitFor(() => s.openRequestConnections() === 0 && s.activeResponses() === 0, 1000);
    expect(e.message).toBe('FHIR request timed out');
    expect({ requests: s.requests(), activeResponses: s.activeResponses(), openRequestConnections: s.openRequestConnections() })
      .toEqual({ requests: 1, activeResponses: 0, openRequestConnections: 0 });
    expect(s.closedAt).toHaveLength(1);
    expect((s.closedAt[0] ?? Infinity) - rejectedAt).toBeLessThan(500);
  });

  it('a body under the cap is read whole over the same path', async () => {
    const s = await startStreamingServer({ totalBytes: 3 * 1024 * 1024, framing: 'chunked' });
    server = s;
    const gateway = createFhirKitGatewayFactory({ maxBodyBytes: CAP })(`${s.url}/fhir`, 'tok');
    const bundle = (await gateway.search('Observation?patient=p1', new AbortController().signal)) as unknown as { resourceType: string; pad: string };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.pad.length).toBe(3 * 1024 * 1024 - '{"resourceType":"Bundle","type":"searchset","entry":[],"pad":""}'.length);
  });
});
