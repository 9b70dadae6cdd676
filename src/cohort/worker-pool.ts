/**
 * A pool of worker threads, each with its own engine, evaluating patient tasks in batches (so messaging costs
 * little next to evaluation). `workers: 0` evaluates in the calling thread (same code, used by unit tests). A
 * worker that dies fails its in-flight patients (named in the internal report) and is replaced.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FhirResource } from 'fhir/r4';
import { projectRoot } from '../config/project-root';
import type { WorkerInit, WorkerMessage } from './cohort-worker';
import { createPatientEvaluator, type EvaluatorOptions } from './patient-evaluator';
import { runPatientTask, type PatientTask, type TaskResult } from './patient-task';

/** Tasks per message to a worker. */
const BATCH = 8;
/** Batches in flight per worker (one being evaluated, one waiting). */
const IN_FLIGHT = 2;

/** Evaluates patient tasks on all the pool's threads. */
export interface PatientPool {
  readonly kbVersion: string;
  readonly findsUnrecognisedCodes: boolean;
  readonly threads: number;
  /** Evaluates every task; onResult is called once per task, in completion order. */
  run(tasks: readonly PatientTask[], onResult: (result: TaskResult, task: PatientTask) => void): Promise<void>;
  close(): Promise<void>;
}

/** The compiled worker script (next to this module in dist/, or dist/ when this module runs from TypeScript). */
function workerScript(): string {
  const here = join(__dirname, 'cohort-worker.js');
  if (existsSync(here)) return here;
  const built = join(projectRoot(), 'dist', 'src', 'cohort', 'cohort-worker.js');
  if (existsSync(built)) return built;
  throw new Error('the cohort worker is not built: run npm run build');
}

function failedResult(task: PatientTask, reason: string): TaskResult {
  const inputs = task.kind === 'lines' ? task.where.slice(0, 5) : [task.name];
  return { outcome: { ok: false, reason, inputs }, problems: [], resources: 0 };
}

function inProcessPool(options: EvaluatorOptions, shared: ReadonlyMap<string, FhirResource>): PatientPool {
  const evaluator = createPatientEvaluator(options);
  return {
    kbVersion: evaluator.kbVersion,
    findsUnrecognisedCodes: evaluator.findsUnrecognisedCodes,
    threads: 0,
    async run(tasks, onResult) {
      for (const task of tasks) onResult(await runPatientTask(evaluator, task, shared), task);
    },
    async close() {},
  };
}

interface Slot {
  worker: Worker;
  readonly inFlight: Map<number, readonly PatientTask[]>;
}

function spawn(init: WorkerInit): Promise<{ worker: Worker; ready: Extract<WorkerMessage, { type: 'ready' }> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(), { workerData: init });
    const onMessage = (message: WorkerMessage): void => {
      worker.off('error', onError);
      worker.off('message', onMessage);
      if (message.type === 'ready') resolve({ worker, ready: message });
      else {
        void worker.terminate();
        reject(new Error(message.type === 'boot-failed' ? message.message : 'worker answered before it was ready'));
      }
    };
    const onError = (error: Error): void => reject(error);
    worker.on('message', onMessage);
    worker.once('error', onError);
  });
}

/** Opens a pool of `workers` threads (0: the calling thread). */
export async function openPatientPool(workers: number, options: EvaluatorOptions, shared: readonly [string, FhirResource][]): Promise<PatientPool> {
  if (workers <= 0) return inProcessPool(options, new Map(shared));
  const init: WorkerInit = { options, shared };
  const started = await Promise.all(Array.from({ length: workers }, () => spawn(init)));
  const first = started[0]!.ready;
  const slots: Slot[] = started.map(({ worker }) => ({ worker, inFlight: new Map() }));
  let nextBatch = 0;
  let closing = false;

  const run: PatientPool['run'] = (tasks, onResult) =>
    new Promise((resolve, reject) => {
      let cursor = 0;
      let pending = tasks.length;
      if (pending === 0) {
        resolve();
        return;
      }
      const settle = (results: readonly TaskResult[], batch: readonly PatientTask[]): void => {
        batch.forEach((task, i) => onResult(results[i] ?? failedResult(task, 'the worker returned no result'), task));
        pending -= batch.length;
        if (pending === 0) {
          cleanup();
          resolve();
        }
      };
      const feed = (slot: Slot): void => {
        while (slot.inFlight.size < IN_FLIGHT && cursor < tasks.length) {
          const batch = tasks.slice(cursor, cursor + BATCH);
          cursor += batch.length;
          const id = nextBatch++;
          slot.inFlight.set(id, batch);
          slot.worker.postMessage({ batch: id, tasks: batch });
        }
      };
      const listeners = slots.map((slot) => {
        const onMessage = (message: WorkerMessage): void => {
          if (message.type !== 'done') return;
          const batch = slot.inFlight.get(message.batch);
          if (batch === undefined) return;
          slot.inFlight.delete(message.batch);
          feed(slot);
          settle(message.results, batch);
        };
        const onExit = (code: number): void => {
          if (closing) return;
          const lost = [...slot.inFlight.values()];
          slot.inFlight.clear();
          for (const batch of lost) settle(batch.map((t) => failedResult(t, `worker thread stopped (exit code ${code})`)), batch);
          if (pending === 0) return;
          spawn(init).then(
            ({ worker }) => {
              slot.worker = worker;
              attach(slot, onMessage, onExit);
              feed(slot);
            },
            (error: Error) => {
              cleanup();
              reject(error);
            },
          );
        };
        attach(slot, onMessage, onExit);
        return { slot, onMessage, onExit };
      });
      function cleanup(): void {
        for (const { slot, onMessage, onExit } of listeners) {
          slot.worker.off('message', onMessage);
          slot.worker.off('exit', onExit);
          slot.worker.off('error', ignore);
        }
      }
      for (const slot of slots) feed(slot);
    });

  return {
    kbVersion: first.kbVersion,
    findsUnrecognisedCodes: first.findsUnrecognisedCodes,
    threads: workers,
    run,
    async close() {
      closing = true;
      await Promise.all(slots.map((slot) => slot.worker.terminate()));
    },
  };
}

function ignore(): void {}

function attach(slot: Slot, onMessage: (m: WorkerMessage) => void, onExit: (code: number) => void): void {
  slot.worker.on('message', onMessage);
  slot.worker.on('exit', onExit);
  // An 'error' event is followed by 'exit'; the exit handler fails the in-flight patients.
  slot.worker.on('error', ignore);
}
