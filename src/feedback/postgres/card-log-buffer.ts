/**
 * The card log's write-behind buffer for a remote database: entries wait in memory (bounded) and are written in
 * batches off the hook's hot path; while the database is unreachable they stay buffered and are retried with
 * back-off, and entries beyond the bound are counted as dropped (never silently). Card-log rows carry no PHI.
 */

/** Options of {@link createCardLogBuffer}. */
export interface CardLogBufferOptions<T> {
  /** Writes one batch; rejects when it could not be committed (the batch is then kept for a retry). */
  readonly write: (batch: readonly T[]) => Promise<void>;
  /** Most entries held; entries arriving beyond it are dropped and reported. */
  readonly maxEntries: number;
  /** Entries per write (default 500). */
  readonly batchSize?: number;
  /** Entries pending that trigger an immediate write (default 100). */
  readonly flushAt?: number;
  /** Longest an entry waits before its batch is written (default 50 ms). */
  readonly delayMs?: number;
  /** Longest wait between retries while writes fail (default 5000 ms; starts at 250 ms, doubling). */
  readonly maxRetryDelayMs?: number;
  /** Called with the count of entries dropped because the buffer was full. */
  readonly onDropped?: (count: number) => void;
  /** Called when a batch write failed (it stays buffered). */
  readonly onWriteError?: (error: unknown) => void;
}

/** The buffer. */
export interface CardLogBuffer<T> {
  /** Queues entries; never throws, never waits. */
  add(entries: readonly T[]): void;
  /** Writes everything pending now; rejects with the first write error (what failed stays buffered). */
  flush(): Promise<void>;
  /** Entries waiting to be written. */
  readonly pending: number;
  /** Stops the timers (pending entries stay; call flush() first to write them). */
  stop(): void;
}

/** Creates the write-behind buffer. */
export function createCardLogBuffer<T>(options: CardLogBufferOptions<T>): CardLogBuffer<T> {
  const batchSize = options.batchSize ?? 500;
  const flushAt = options.flushAt ?? 100;
  const delayMs = options.delayMs ?? 50;
  const maxRetry = options.maxRetryDelayMs ?? 5000;
  let queue: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let retryDelay = 0;
  let stopped = false;

  const schedule = (ms: number): void => {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush().catch(() => undefined);
    }, ms);
    timer.unref();
  };

  const writeAll = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      try {
        await options.write(batch);
      } catch (error) {
        options.onWriteError?.(error);
        retryDelay = retryDelay === 0 ? 250 : Math.min(maxRetry, retryDelay * 2);
        schedule(retryDelay);
        throw error;
      }
      queue = queue.slice(batch.length);
      retryDelay = 0;
    }
  };

  const flush = async (): Promise<void> => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    while (writing !== undefined) await writing.catch(() => undefined);
    if (queue.length === 0) return;
    writing = writeAll();
    try {
      await writing;
    } finally {
      writing = undefined;
    }
  };

  return {
    add(entries) {
      const room = Math.max(0, options.maxEntries - queue.length);
      const accepted = entries.length <= room ? entries : entries.slice(0, room);
      for (const e of accepted) queue.push(e);
      if (accepted.length < entries.length) options.onDropped?.(entries.length - accepted.length);
      if (retryDelay > 0) return; // the database is failing: the retry timer is already set
      if (queue.length >= flushAt && writing === undefined) void flush().catch(() => undefined);
      else schedule(delayMs);
    },
    flush,
    get pending() {
      return queue.length;
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
