import { BodyTooLargeError, withBoundedFetch } from '../../src/fhir/bounded-fetch';

/** A fetch answering every call with `body` (chunked: no Content-Length), recording the calls. */
function fakeFetch(body: string, headers: Record<string, string> = {}): { fetch: typeof fetch; calls: number } {
  const state = { calls: 0, fetch: (async () => {
    state.calls++;
    return new Response(new Blob([body]).stream(), { status: 200, headers });
  }) as typeof fetch };
  return state;
}

const open = () => new AbortController().signal;

describe('withBoundedFetch (global fetch wrapped, bounded only inside the scope)', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('bounds a fetch made inside the scope and leaves one made outside untouched', async () => {
    globalThis.fetch = fakeFetch('x'.repeat(100)).fetch;
    await expect(withBoundedFetch({ maxBodyBytes: 10, signal: open() }, async () => (await fetch('http://h/a')).text()))
      .rejects.toBeInstanceOf(BodyTooLargeError);
    await expect((await fetch('http://h/a')).text()).resolves.toHaveLength(100);
    await expect(withBoundedFetch({ maxBodyBytes: 100, signal: open() }, async () => (await fetch('http://h/a')).text())).resolves.toHaveLength(100);
  });

  it('reports the cap even when the client turns the stream error into its own error', async () => {
    globalThis.fetch = fakeFetch('x'.repeat(100)).fetch;
    const swallowing = async () => {
      try {
        return await (await fetch('http://h/a')).text();
      } catch {
        throw new Error('client error without the cause');
      }
    };
    await expect(withBoundedFetch({ maxBodyBytes: 10, signal: open() }, swallowing)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    let pulled = 0;
    globalThis.fetch = (async () => new Response(new ReadableStream({ pull(c) { pulled++; c.enqueue(new Uint8Array(10)); } }), { headers: { 'content-length': '1000' } })) as typeof fetch;
    await expect(withBoundedFetch({ maxBodyBytes: 999, signal: open() }, () => fetch('http://h/a'))).rejects.toBeInstanceOf(BodyTooLargeError);
    // A ReadableStream pulls once on creation to fill its queue; nothing more is read.
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('wraps a fetch installed after it (as nock does), so the bound stays outermost', async () => {
    globalThis.fetch = fakeFetch('x'.repeat(50)).fetch;
    await withBoundedFetch({ maxBodyBytes: 100, signal: open() }, () => fetch('http://h/a'));
    const later = fakeFetch('y'.repeat(500));
    globalThis.fetch = later.fetch;
    await expect(withBoundedFetch({ maxBodyBytes: 100, signal: open() }, async () => (await fetch('http://h/a')).text()))
      .rejects.toBeInstanceOf(BodyTooLargeError);
    expect(later.calls).toBe(1);
  });

  it('the signal cancels a body that is still arriving', async () => {
    let cancelled = false;
    globalThis.fetch = (async () => new Response(new ReadableStream({ cancel() { cancelled = true; } }))) as typeof fetch;
    const c = new AbortController();
    setTimeout(() => c.abort(new Error('deadline')), 30);
    await expect(withBoundedFetch({ maxBodyBytes: 100, signal: c.signal }, async () => (await fetch('http://h/a')).text())).rejects.toThrow('deadline');
    expect(cancelled).toBe(true);
  });

  it('fails closed when the work succeeded without any fetch through the bound', async () => {
    await expect(withBoundedFetch({ maxBodyBytes: 100, signal: open() }, async () => 'no fetch')).rejects.toThrow(/did not use the global fetch/);
  });
});
