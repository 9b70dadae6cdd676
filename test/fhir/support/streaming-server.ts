/**
 * A loopback node:http server that streams a large FHIR-looking body with backpressure, and records when the
 * server side saw each socket that carried a request close (to prove the client tore the connection down).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the body is sent: chunked without Content-Length, or with the full length declared up front. */
export type Framing = 'chunked' | 'declared';

/** Options of {@link startStreamingServer}. */
export interface StreamingServerOptions {
  /** Total body size in bytes. */
  readonly totalBytes: number;
  readonly framing: Framing;
  /** Pause between chunks (ms); 0 writes as fast as the socket drains. */
  readonly gapMs?: number;
}

/** A running streaming server. */
export interface StreamingServer {
  readonly url: string;
  /** Body bytes handed to the socket so far. */
  bytesWritten(): number;
  /** Requests received. */
  requests(): number;
  /** Answers neither finished nor closed. */
  activeResponses(): number;
  /** Open connections that carried a request. */
  openRequestConnections(): number;
  /** Open connections that never carried a request (a client's pre-opened pooled socket). */
  openIdleConnections(): number;
  /** Date.now() of each 'close' of a server-side socket that carried a request, in order. */
  readonly closedAt: number[];
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** Starts the server on an ephemeral loopback port; every GET answers 200 with the configured body. */
export async function startStreamingServer(options: StreamingServerOptions): Promise<StreamingServer> {
  const sockets = new Set<Socket>();
  const used = new WeakSet<Socket>();
  const closedAt: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let written = 0;
  let requests = 0;
  let active = 0;
  const server = http.createServer((req, res) => {
    requests++;
    active++;
    used.add(req.socket);
    res.on('close', () => {
      active--;
    });
    const head = Buffer.from('{"resourceType":"Bundle","type":"searchset","entry":[],"pad":"');
    const tail = Buffer.from('"}');
    const padBytes = options.totalBytes - head.length - tail.length;
    res.writeHead(200, {
      'content-type': 'application/fhir+json',
      ...(options.framing === 'declared' ? { 'content-length': String(options.totalBytes) } : {}),
    });
    res.write(head);
    let left = padBytes;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= piece.length;
        written += piece.length;
        const more = res.write(piece);
        if (options.gapMs !== undefined && options.gapMs > 0) {
          const t = setTimeout(() => {
            timers.delete(t);
            pump();
          }, options.gapMs);
          timers.add(t);
          return;
        }
        if (!more) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end(tail);
    };
    pump();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (used.has(socket)) closedAt.push(Date.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytesWritten: () => written,
    requests: () => requests,
    activeResponses: () => active,
    openRequestConnections: () => [...sockets].filter((s) => used.has(s)).length,
    openIdleConnections: () => [...sockets].filter((s) => !used.has(s)).length,
    closedAt,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
