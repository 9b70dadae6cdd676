/**
 * A body-size bound for HTTP clients that call the global `fetch` themselves (fhir-kit-client 1.9 calls
 * `fetch(new Request(url, options))` and then `response.text()`, with no way to inject a fetch). Calls made
 * inside {@link withBoundedFetch} are bounded: a declared Content-Length above the cap is refused before any
 * body byte is read, and the body is counted as it streams and cancelled past the cap. Cancelling the body of
 * Node's fetch (undici) aborts the fetch and destroys its connection, so nothing is left streaming (Node 20's
 * undici 6.24 then pre-opens one idle pooled connection, closed by its keep-alive timeout). Every other fetch of
 * the process passes through untouched.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Bytes several scopes may still read together (e.g. all FHIR reads of one hook call); decremented as bodies stream. */
export interface ByteBudget {
  remaining: number;
}

/** Limits of the fetches made inside one {@link withBoundedFetch} scope. */
export interface FetchBounds {
  /** Largest response body accepted, in bytes (after content decoding). */
  readonly maxBodyBytes: number;
  /** A budget shared with other scopes; the body is refused once it is spent. */
  readonly budget?: ByteBudget;
  /** Aborting it cancels a body still being read, whichever fetch implementation produced it. */
  readonly signal: AbortSignal;
}

/** A response body went over {@link FetchBounds.maxBodyBytes}, or the shared budget was spent (declared or counted). */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: 'response' | 'budget') {
    super(limit === 'response' ? 'response body over the size cap' : 'responses over the shared byte budget');
    this.name = 'BodyTooLargeError';
  }
}

interface Scope {
  readonly maxBodyBytes: number;
  readonly budget: ByteBudget;
  readonly signal: AbortSignal;
  fetches: number;
  tooLarge: BodyTooLargeError | undefined;
}

type Fetch = typeof globalThis.fetch;

const scopes = new AsyncLocalStorage<Scope>();
const ourWrappers = new WeakSet<Fetch>();
const noop = (): void => undefined;

/**
 * Runs `work` with every global `fetch` it starts bounded by `bounds`; rejects with BodyTooLargeError when a
 * body went over the cap (whatever error the client made of it), and fails closed when `work` succeeded
 * without any fetch passing through the bound (the client stopped using the global fetch).
 */
export async function withBoundedFetch<T>(bounds: FetchBounds, work: () => Promise<T>): Promise<T> {
  installBoundedFetch();
  const budget = bounds.budget ?? { remaining: Number.POSITIVE_INFINITY };
  const scope: Scope = { maxBodyBytes: bounds.maxBodyBytes, budget, signal: bounds.signal, fetches: 0, tooLarge: undefined };
  let result: T;
  try {
    result = await scopes.run(scope, work);
  } catch (error) {
    if (scope.tooLarge !== undefined) throw scope.tooLarge;
    throw error;
  }
  if (scope.tooLarge !== undefined) throw scope.tooLarge;
  if (scope.fetches === 0) throw new Error('the HTTP client did not use the global fetch; its body size is not bounded');
  return result;
}

/**
 * Makes the global fetch the bounding wrapper, around whatever fetch is global now. Checked on every scope
 * entry, so a fetch installed later (nock's interceptor, a polyfill) gets wrapped too and the bound stays
 * outermost; an inner, older wrapper runs outside the scope and passes through.
 */
function installBoundedFetch(): void {
  const inner = globalThis.fetch;
  if (ourWrappers.has(inner)) return;
  const wrapper: Fetch = async (input, init) => {
    const scope = scopes.getStore();
    if (scope === undefined) return inner(input, init);
    scope.fetches++;
    const response = await scopes.exit(() => inner(input, init));
    return bound(response, scope);
  };
  ourWrappers.add(wrapper);
  globalThis.fetch = wrapper;
}

function bound(response: Response, scope: Scope): Response {
  const declared = response.headers.get('content-length');
  const over = declared === null ? undefined : overLimit(Number(declared), Number(declared), scope);
  if (over !== undefined) {
    scope.tooLarge = new BodyTooLargeError(over);
    response.body?.cancel().catch(noop);
    throw scope.tooLarge;
  }
  // A null body (HEAD, 204, 304) has nothing to count.
  if (response.body === null) return response;
  const counted = new Response(countedBody(response.body, scope), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(counted, 'url', { value: response.url });
  return counted;
}

/** Which limit `bodyBytes` (of which `unspentBytes` are not yet taken from the budget) goes over, if any. */
function overLimit(bodyBytes: number, unspentBytes: number, scope: Scope): BodyTooLargeError['limit'] | undefined {
  if (bodyBytes > scope.maxBodyBytes) return 'response';
  if (scope.budget.remaining - unspentBytes < 0) return 'budget';
  return undefined;
}

/** Pulls the source one chunk per read (no read-ahead), counting bytes; errors and cancels the source past the cap or on abort. */
function countedBody(source: ReadableStream<Uint8Array>, scope: Scope): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let total = 0;
  let settled = false;
  let onAbort = noop;
  const stop = (controller: ReadableStreamDefaultController<Uint8Array>, reason: unknown): void => {
    if (settled) return;
    settled = true;
    scope.signal.removeEventListener('abort', onAbort);
    controller.error(reason);
    reader.cancel(reason).catch(noop);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onAbort = () => stop(controller, scope.signal.reason);
        if (scope.signal.aborted) onAbort();
        else scope.signal.addEventListener('abort', onAbort, { once: true });
      },
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          stop(controller, error);
          return;
        }
        if (settled) return;
        if (chunk.done) {
          settled = true;
          scope.signal.removeEventListener('abort', onAbort);
          controller.close();
          return;
        }
        total += chunk.value.byteLength;
        scope.budget.remaining -= chunk.value.byteLength;
        const over = overLimit(total, 0, scope);
        if (over !== undefined) {
          scope.tooLarge = new BodyTooLargeError(over);
          stop(controller, scope.tooLarge);
          return;
        }
        controller.enqueue(chunk.value);
      },
      cancel(reason) {
        settled = true;
        scope.signal.removeEventListener('abort', onAbort);
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
