/**
 * Real `worker_threads` for the `rx-channels/worker` specs: start a fixture of spec/worker/fixtures
 * (TypeScript, run through tsx by workerBoot.mjs), read its reports, and terminate every worker
 * left (awaiting its `exit`) so that no thread outlives a spec. No part of the platform is mocked.
 */
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const BOOT = path.join(__dirname, 'workerBoot.mjs');
const FIXTURES = path.join(__dirname, '..', 'worker', 'fixtures');
const live = new Set<Worker>();

/** A report a fixture posts to its parent (never a message of the wire protocol: no `rxc`). */
export interface Report {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** A started fixture worker with the reports it posted so far. */
export interface FixtureWorker {
  readonly worker: Worker;
  readonly reports: Report[];
  /** Resolves with the first report (already posted or to come) that `match` accepts. */
  waitFor(match: (report: Report) => boolean): Promise<Report>;
  /** Terminates the thread and waits for its `exit`. */
  kill(): Promise<void>;
}

/** Starts `spec/worker/fixtures/<fixture>.ts` in a new thread with `data` as its `workerData`. */
export function startWorker(fixture: string, data: Record<string, unknown> = {}): FixtureWorker {
  const file = pathToFileURL(path.join(FIXTURES, `${fixture}.ts`)).href;
  const worker = new Worker(BOOT, { workerData: { ...data, file } });
  live.add(worker);
  const reports: Report[] = [];
  const waiting: { match: (report: Report) => boolean; resolve: (report: Report) => void }[] = [];
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
    for (const waiter of waiting.splice(0)) {
      (waiter as unknown as { reject?: (e: unknown) => void }).reject?.(error);
    }
  };
  worker.on('message', (data: unknown) => {
    const report = data as Partial<Report> | null;
    if (typeof report !== 'object' || report === null || typeof report.kind !== 'string' || 'rxc' in report) {
      return;
    }
    reports.push(report as Report);
    for (let index = 0; index < waiting.length; index++) {
      const waiter = waiting[index]!;
      if (waiter.match(report as Report)) {
        waiting.splice(index--, 1);
        waiter.resolve(report as Report);
      }
    }
  });
  worker.on('error', fail);
  worker.once('exit', (code) => {
    live.delete(worker);
    fail(new Error(`worker ${fixture} exited (${code})`));
  });
  return {
    worker,
    reports,
    waitFor(match) {
      const found = reports.find(match);
      if (found !== undefined) return Promise.resolve(found);
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push(Object.assign({ match, resolve }, { reject }));
      });
    },
    kill: () => stopWorker(worker),
  };
}

/** Terminates `worker` and resolves once it has exited. */
export async function stopWorker(worker: Worker): Promise<void> {
  if (!live.has(worker)) return;
  const exited = once(worker, 'exit');
  void worker.terminate();
  await exited;
}

/** Terminates every worker still running (in afterEach). */
export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...live].map((worker) => stopWorker(worker)));
}

/** How many workers are running (a spec leaves none). */
export function liveWorkers(): number {
  return live.size;
}
