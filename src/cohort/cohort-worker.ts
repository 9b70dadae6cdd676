/**
 * Worker-thread entry of a cohort run: loads its own engine once (workerData: evaluator options and the shared
 * resources), then answers batches of patient tasks posted by worker-pool.ts, one message per batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FhirResource } from 'fhir/r4';
import { createPatientEvaluator, type EvaluatorOptions } from './patient-evaluator';
import { runPatientTask, type PatientTask, type TaskResult } from './patient-task';

/** What the pool hands a new worker. */
export interface WorkerInit {
  readonly options: EvaluatorOptions;
  readonly shared: readonly [string, FhirResource][];
}

/** Messages from a worker. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly kbVersion: string; readonly findsUnrecognisedCodes: boolean }
  | { readonly type: 'boot-failed'; readonly message: string }
  | { readonly type: 'done'; readonly batch: number; readonly results: readonly TaskResult[] };

function start(): void {
  const port = parentPort;
  if (port === null) return;
  const init = workerData as WorkerInit;
  let evaluator;
  try {
    evaluator = createPatientEvaluator(init.options);
  } catch (error) {
    port.postMessage({ type: 'boot-failed', message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
    return;
  }
  const shared = new Map(init.shared);
  port.postMessage({ type: 'ready', kbVersion: evaluator.kbVersion, findsUnrecognisedCodes: evaluator.findsUnrecognisedCodes } satisfies WorkerMessage);
  port.on('message', (message: { batch: number; tasks: PatientTask[] }) => {
    void (async () => {
      const results: TaskResult[] = [];
      for (const task of message.tasks) results.push(await runPatientTask(evaluator, task, shared));
      port.postMessage({ type: 'done', batch: message.batch, results } satisfies WorkerMessage);
    })();
  });
}

start();
