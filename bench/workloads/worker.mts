/**
 * W8 and W9, across threads (`rx-channels/worker` with real `worker_threads`; wall clock, since the
 * work is spread over two or five threads). The receiving threads run bench/threads/receiver.mjs
 * on the built package; each run hands one of them a fresh `MessagePort` and a count, and it
 * answers with the count and the sum of what it got, which the run checks.
 *
 * - W8: one Anycast in the main thread, one remote receiver in a worker (`for await`), with credit
 *   64 and 1, against the raw `postMessage` floor of the same exchange: a ping-pong in which the
 *   worker asks for `credit` messages and gets them in one batch, and the ceiling, a one-way stream
 *   of one `postMessage` per message with no back-pressure (the baseline). The rx-channels rows
 *   count the protocol's messages on the warm-up run and show them per message sent.
 * - W9: one Broadcast in the main thread, a remote receiver (credit 64) in each of 4 workers,
 *   against a raw one-way stream posted to the 4 workers.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { MessagePortLike, ServedChannels } from 'rx-channels/worker';
import { scaled, type BenchConfig } from '../config.mjs';
import { check, type Row, type Workload } from '../harness.mjs';
import { rx, rxWorker } from '../libs.mjs';

const BROADCAST_WORKERS = 4;
/** The Anycast's buffer in the main thread: the sender waits only when the worker falls this far behind. */
const ANYCAST_MAXSIZE = 256;

/** What the receiving thread answers once it has everything. */
interface Done {
  readonly done: number;
  readonly sum: number;
}

let pool: Worker[] = [];

/** The receiving threads, started once (unref'd once online: they do not keep the bench alive). */
function threads(count: number): Promise<Worker[]> {
  if (pool.length >= count) {
    return Promise.resolve(pool.slice(0, count));
  }
  const started = Array.from({ length: count - pool.length }, () => {
    const worker = new Worker(new URL('../threads/receiver.mjs', import.meta.url));
    return new Promise<Worker>((resolve, reject) => {
      worker.once('online', () => {
        // From now on the ports of each run keep the process alive while it runs.
        worker.unref();
        resolve(worker);
      });
      worker.once('error', reject);
    });
  });
  return Promise.all(started).then((more) => {
    pool = [...pool, ...more];
    return pool.slice(0, count);
  });
}

/** Starts `kind` in `worker` on a fresh port; `done` settles with its answer. */
function command(
  worker: Worker,
  kind: 'remote' | 'pingPong' | 'stream',
  fields: Record<string, unknown>,
): { port: MessagePort; done: Promise<Done>; ready: Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  let announce!: () => void;
  const ready = new Promise<void>((resolve) => (announce = resolve));
  const done = new Promise<Done>((resolve, reject) => {
    port1.on('message', (message: Partial<Done> & { error?: string; ready?: boolean }) => {
      if (message.ready === true) announce();
      else if (message.done !== undefined) resolve(message as Done);
      else if (message.error !== undefined) reject(new Error(message.error));
    });
  });
  worker.postMessage({ kind, port: port2, ...fields }, [port2]);
  return { port: port1, done, ready };
}

const sumTo = (count: number): number => (count * (count - 1)) / 2;

function checkDone(what: string, done: Done, count: number): void {
  check(`${what}: messages received`, done.done, count);
  check(`${what}: their sum`, done.sum, sumTo(count));
}

/** The protocol's messages of the first run of a row, by type and direction. */
class WireCount {
  constructor(private readonly unit = 'message sent') {}

  private counts = new Map<string, number>();
  private sent = 0;
  private counting = true;

  /** Counts what goes through `port` (both ways) during the first run only. */
  watch(port: MessagePort): void {
    if (!this.counting) {
      return;
    }
    const post = port.postMessage.bind(port);
    port.postMessage = (message: { t?: string }, transfer?: readonly unknown[]) => {
      this.add(`→${message.t ?? '?'}`);
      post(message, transfer as never);
    };
    port.on('message', (message: { t?: string }) => {
      if (message.t !== undefined) this.add(`←${message.t}`);
    });
  }

  finish(sent: number): void {
    if (this.counting) {
      this.sent += sent;
      this.counting = false;
    }
  }

  private add(type: string): void {
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
  }

  /** E.g. `per message: →msgs 1.00, ←ack 1.00, ←want 0.03` (→ owner to worker, ← back). */
  note = (): string => {
    const per = [...this.counts]
      .filter(([, count]) => count / this.sent >= 0.005)
      .sort(([, a], [, b]) => b - a)
      .map(([type, count]) => `${type} ${(count / this.sent).toFixed(2)}`);
    return `wire messages per ${this.unit}: ${per.join(', ')}`;
  };
}

/** `channels` and `port` as `serveChannels()` takes them (identity: kept so that call sites read alike). */
const served = <C extends ServedChannels<C>>(channels: C): C => channels;
const portLike = (port: MessagePort): MessagePortLike => port;

async function remoteAnycast(count: number, credit: number, wire: WireCount): Promise<void> {
  const [worker] = await threads(1);
  const channel = new rx.Anycast<number>({ name: 'ch', maxsize: ANYCAST_MAXSIZE });
  const { port, done } = command(worker!, 'remote', { count, credit });
  wire.watch(port);
  const server = rxWorker.serveChannels(portLike(port), served({ ch: channel }));
  const sender = channel.newSender();
  for (let message = 0; message < count; message++) {
    if (!sender.trySend(message)) {
      await sender.send(message);
    }
  }
  const answer = await done;
  await server.close();
  port.close();
  await channel.close();
  wire.finish(count);
  checkDone(`Anycast credit ${credit}`, answer, count);
}

async function rawPingPong(count: number, credit: number): Promise<void> {
  const [worker] = await threads(1);
  const { port, done } = command(worker!, 'pingPong', { count, credit });
  let next = 0;
  port.on('message', (message: { want?: number }) => {
    if (message.want !== undefined) {
      const batch: number[] = [];
      for (let left = message.want; left > 0; left--) {
        batch.push(next++);
      }
      port.postMessage(batch);
    }
  });
  const answer = await done;
  port.close();
  checkDone(`ping-pong credit ${credit}`, answer, count);
}

async function rawStream(count: number, receivers: number): Promise<void> {
  const ports = (await threads(receivers)).map((worker) => command(worker, 'stream', { count }));
  for (let message = 0; message < count; message++) {
    for (const { port } of ports) {
      port.postMessage(message);
    }
  }
  for (const { port, done } of ports) {
    checkDone('one-way stream', await done, count);
    port.close();
  }
}

async function remoteBroadcast(count: number, credit: number, wire: WireCount): Promise<void> {
  const channel = new rx.Broadcast<number>('ch');
  // Each worker's owner-side buffer holds a whole run: what is measured is delivery, with nothing dropped.
  const ports = (await threads(BROADCAST_WORKERS)).map((worker) =>
    command(worker, 'remote', { count, credit, maxsize: count, announce: true }),
  );
  const servers = ports.map(({ port }) => {
    wire.watch(port);
    return rxWorker.serveChannels(portLike(port), served({ ch: channel }));
  });
  // The `open` came before `ready` on each port: every remote receiver exists in this thread now.
  await Promise.all(ports.map(({ ready }) => ready));
  const sender = channel.newSender();
  for (let message = 0; message < count; message++) {
    sender.trySend(message);
  }
  for (const { port, done } of ports) {
    checkDone(`Broadcast credit ${credit}`, await done, count);
    port.close();
  }
  await Promise.all(servers.map((server) => server.close()));
  await channel.close();
  wire.finish(count * BROADCAST_WORKERS);
}

export function workerWorkloads(config: BenchConfig): Workload[] {
  const count = scaled(config, 100_000);
  const slowCount = scaled(config, 10_000);
  const fanOutCount = scaled(config, 50_000);
  const ceiling = 'baseline: raw postMessage one-way stream (no back-pressure)';
  const wire64 = new WireCount();
  const wire1 = new WireCount();
  const wireFanOut = new WireCount('delivery');
  const anycastRows: Row[] = [
    { name: ceiling, baseline: true, run: () => rawStream(count, 1) },
    { name: 'raw postMessage ping-pong, batches of 64', run: () => rawPingPong(count, 64) },
    {
      name: 'rx-channels Anycast → remote receiver, credit 64',
      compareTo: 'raw postMessage ping-pong, batches of 64',
      run: () => remoteAnycast(count, 64, wire64),
      note: wire64.note,
    },
    { name: 'raw postMessage ping-pong, batches of 1', operations: slowCount, run: () => rawPingPong(slowCount, 1) },
    {
      name: 'rx-channels Anycast → remote receiver, credit 1',
      operations: slowCount,
      compareTo: 'raw postMessage ping-pong, batches of 1',
      run: () => remoteAnycast(slowCount, 1, wire1),
      note: wire1.note,
    },
  ];
  const broadcastRows: Row[] = [
    {
      name: `baseline: raw postMessage one-way stream to ${BROADCAST_WORKERS} workers`,
      baseline: true,
      run: () => rawStream(fanOutCount, BROADCAST_WORKERS),
    },
    {
      name: `rx-channels Broadcast → ${BROADCAST_WORKERS} remote receivers, credit 64`,
      run: () => remoteBroadcast(fanOutCount, 64, wireFanOut),
      note: wireFanOut.note,
    },
  ];
  return [
    {
      id: 'W8',
      title: 'Anycast across threads (worker_threads)',
      description: `The main thread sends ${count.toLocaleString('en')} numbers per run (${slowCount.toLocaleString('en')} for credit 1) to one worker thread, which receives them with \`for await\` on a remote receiver (rx-channels) or a \`message\` listener (raw); the worker checks count and sum. Wall clock; ops = messages.`,
      operations: count,
      rows: anycastRows,
      clock: 'wall',
    },
    {
      id: 'W9',
      title: `Broadcast across threads to ${BROADCAST_WORKERS} workers`,
      description: `The main thread sends ${fanOutCount.toLocaleString('en')} numbers per run, each to all ${BROADCAST_WORKERS} workers (owner-side buffers of a whole run: nothing dropped); each worker checks count and sum. Wall clock; ops = messages sent (each delivered ${BROADCAST_WORKERS} times).`,
      operations: fanOutCount,
      rows: broadcastRows,
      clock: 'wall',
    },
  ];
}
