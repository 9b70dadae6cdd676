/**
 * A small, bounded JSON GET used for JWK Sets: time limit, size cap, no redirects (a redirect could lead the
 * fetch to a host nobody allowlisted).
 */

/** Fetches a URL and parses its JSON body; rejects on any failure. */
export type FetchJson = (url: string) => Promise<unknown>;

/** Limits of {@link createBoundedFetchJson}. */
export interface BoundedFetchOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

/** A FetchJson over the global fetch with a timeout (default 2 s) and a body cap (default 100 kB). */
export function createBoundedFetchJson(options: BoundedFetchOptions = {}): FetchJson {
  const timeoutMs = options.timeoutMs ?? 2000;
  const maxBytes = options.maxBytes ?? 100_000;
  return async (url: string): Promise<unknown> => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('unsupported scheme');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(parsed, {
        method: 'GET',
        headers: { accept: 'application/json, application/jwk-set+json' },
        redirect: 'error',
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBytes) throw new Error('body too large');
      const text = await readCapped(response, maxBytes, controller);
      return JSON.parse(text) as unknown;
    } finally {
      clearTimeout(timer);
    }
  };
}

async function readCapped(response: Response, maxBytes: number, controller: AbortController): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      throw new Error('body too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
