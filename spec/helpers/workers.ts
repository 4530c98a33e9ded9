/**
 * Real `worker_threads` for the `rx-channels/worker` specs: start a fixture of spec/worker/fixtures
 * (TypeScript, run through tsx by workerBoot.mjs), read its reports, and terminate every worker
 * left (awaiting its `exit`) so that no thread outlives a spec. No part of the platform is mocked.
 */
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { Anycast } from 'rx-channels';
import {
  connectChannels,
  serveChannels,
  type ChannelServer,
  type RemoteChannels,
  type ServeOptions,
  type ServedChannels,
} from 'rx-channels/worker';

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

/** Starts `spec/worker/fixtures/<fixture>.ts` in a new thread with `data` as its `workerData` (transferring `transferList`). */
export function startWorker(
  fixture: string,
  data: Record<string, unknown> = {},
  transferList: readonly Transferable[] = [],
): FixtureWorker {
  const file = pathToFileURL(path.join(FIXTURES, `${fixture}.ts`)).href;
  const worker = new Worker(BOOT, { workerData: { ...data, file }, transferList: [...transferList] as never });
  live.add(worker);
  const reports: Report[] = [];
  const waiting: {
    match: (report: Report) => boolean;
    resolve: (report: Report) => void;
    reject: (error: Error) => void;
  }[] = [];
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const waiter of waiting.splice(0)) {
      waiter.reject(error);
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
        waiting.push({ match, resolve, reject });
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

/**
 * Both ends of `rx-channels/worker` in this thread, over a real `MessageChannel` (structured
 * clone, real port queues, real `close` events), plus `sync()`: one round trip through the
 * connection (every message posted before, either way, has been handled when it resolves).
 */
export function wirePair<C extends ServedChannels<C>>(
  channels: C,
  options: ServeOptions = {},
): {
  server: ChannelServer;
  remote: RemoteChannels<C & { __sync: Anycast<number> }>;
  port1: MessagePort;
  port2: MessagePort;
  sync(): Promise<void>;
  end(): Promise<void>;
} {
  const { port1, port2 } = new MessageChannel();
  openPorts.add(port1).add(port2);
  const syncChannel = new Anycast<number>({ name: '__sync', maxsize: 1_000_000 });
  const server = serveChannels(port1, { ...channels, __sync: syncChannel } as never, options);
  const remote = connectChannels<Record<string, Anycast<number>>>(port2) as unknown as RemoteChannels<
    C & { __sync: Anycast<number> }
  >;
  const syncSender = remote.__sync.newSender();
  return {
    server,
    remote,
    port1,
    port2,
    sync: () => syncSender.send(0),
    async end() {
      await remote.close();
      port1.close();
      port2.close();
      openPorts.delete(port1);
      openPorts.delete(port2);
    },
  };
}

const openPorts = new Set<MessagePort>();

/** Closes the ports of every pair a failed spec did not end (in afterEach). */
export function closeAllPairs(): void {
  for (const port of openPorts) port.close();
  openPorts.clear();
}
