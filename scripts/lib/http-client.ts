/**
 * A minimal keep-alive HTTP client on node:http with nanosecond timing, and a closed-loop load driver
 * (N connections, each sending its next request as soon as the previous answer is read completely).
 */
import http from 'node:http';

/** One request to send. */
export interface OutgoingRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

/** One answered request. */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** Time from writing the request to reading the last byte of the answer. */
  readonly ns: bigint;
}

/** Sends one request through the agent and reads the whole answer. */
export function send(agent: http.Agent | undefined, req: OutgoingRequest, timeoutMs = 30_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(req.url);
    const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
    if (req.body !== undefined) {
      headers['content-length'] = req.body.length;
      if (headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    }
    const start = process.hrtime.bigint();
    const r = http.request(
      { host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: req.method, headers, ...(agent === undefined ? {} : { agent }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ns: process.hrtime.bigint() - start }));
        res.on('error', reject);
      },
    );
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`timeout after ${timeoutMs} ms: ${req.method} ${u.pathname}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Result of a load run. */
export interface LoadResult {
  readonly samplesNs: bigint[];
  readonly statuses: Record<string, number>;
  readonly elapsedNs: bigint;
  /** The first body of a non-2xx answer, for diagnosis. */
  readonly firstError?: string;
}

/** Sends `count` requests (built by `make(i)` just before sending, outside the timed span) over `connections` keep-alive sockets, closed loop. */
export async function runLoad(make: (i: number) => OutgoingRequest, count: number, connections: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const samplesNs: bigint[] = [];
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const req = make(i);
      const a = await send(agent, req);
      samplesNs.push(a.ns);
      statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1;
      if ((a.status < 200 || a.status > 299) && firstError === undefined) firstError = `${a.status} ${a.body.toString('utf8').slice(0, 500)}`;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedNs = process.hrtime.bigint() - start;
  agent.destroy();
  return { samplesNs, statuses, elapsedNs, ...(firstError === undefined ? {} : { firstError }) };
}
