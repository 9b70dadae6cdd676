/**
 * One synchronous slice of hook work at a time, each in its own event-loop turn: concurrent maximal hook calls
 * then interleave with cheap requests (GET /healthz, the JWT check of the next call) instead of running back to
 * back while every other socket waits (issue 11: /healthz stays responsive under load).
 */

/** A FIFO of synchronous jobs run one per macrotask. */
export interface CpuTurns {
  /** Runs `work` when its turn comes, after the event loop has polled I/O since the previous job. */
  run<T>(work: () => T): Promise<T>;
}

/** Creates a queue; `runService` shares one per process. */
export function createCpuTurns(): CpuTurns {
  const queue: (() => void)[] = [];
  let draining = false;
  const drainOne = (): void => {
    const job = queue.shift();
    if (job === undefined) {
      draining = false;
      return;
    }
    job();
    // setImmediate runs after the poll phase: pending socket reads (a health probe) are served before the next job.
    setImmediate(drainOne);
  };
  return {
    run(work) {
      return new Promise((resolve, reject) => {
        queue.push(() => {
          try {
            resolve(work());
          } catch (error) {
            reject(error);
          }
        });
        if (!draining) {
          draining = true;
          setImmediate(drainOne);
        }
      });
    },
  };
}

/** The process-wide queue of hook evaluations. */
export const hookCpuTurns: CpuTurns = createCpuTurns();
