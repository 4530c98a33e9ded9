// The page of the browser test (spec-browser/run.mjs bundles it with esbuild against the built
// dist/index.mjs and dist/worker.mjs). Each check runs the package for real in the page, the
// `worker ...` ones with real Web Workers (worker.ts) connected through `rx-channels/worker`, the
// `nats ...` ones (nats.ts) on a real NATS server over WebSocket, and shows one line, `<name>: pass` or `<name>: FAIL ...`, in #results; #status says when all are done.
import { lastValueFrom, take, toArray } from 'rxjs';
import { Anycast, Broadcast, select, selectedFrom, Timer } from 'rx-channels';
import { serveChannels, type ChannelServer, type ServedChannels } from 'rx-channels/worker';
import { natsAnycast, natsBroadcast } from './nats';
import type { Job, Report } from './protocol';

type Check = readonly [name: string, run: () => Promise<string>];

function expectEqual(actual: unknown, expected: unknown): string {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) {
    throw new Error(`expected ${e}, got ${a}`);
  }
  return a;
}

async function anycastBackPressure(): Promise<string> {
  const channel = new Anycast<number>({ name: 'jobs', maxsize: 2 });
  const sender = channel.newSender();
  const receiver = channel.newReceiver();
  // Five sends into a buffer of two: the last three wait until the loop below makes room.
  const sending = Promise.all([1, 2, 3, 4, 5].map((n) => sender.send(n))).then(() => channel.close());
  const received: number[] = [];
  for await (const message of receiver) {
    received.push(message);
  }
  await sending;
  return expectEqual(received, [1, 2, 3, 4, 5]);
}

async function broadcastFanOut(): Promise<string> {
  const channel = new Broadcast<string>('prices');
  const first = channel.newReceiver();
  const viaRxjs = lastValueFrom(channel.newReceiver().pipe(take(2), toArray()));
  const sender = channel.newSender();
  await sender.send('a');
  await sender.send('b');
  const got = [await first.receive(), await first.receive(), ...(await viaRxjs)];
  await channel.close();
  return expectEqual(got, ['a', 'b', 'a', 'b']);
}

async function timerTicks(): Promise<string> {
  const timer = new Timer(10);
  const ticks: Date[] = [];
  for await (const tick of timer) {
    ticks.push(tick);
    if (ticks.length === 3) {
      timer.stop();
    }
  }
  const ordered = ticks.every((tick, i) => tick instanceof Date && (i === 0 || tick >= ticks[i - 1]!));
  return expectEqual({ ticks: ticks.length, ordered }, { ticks: 3, ordered: true });
}

async function selectOverChannels(): Promise<string> {
  const numbers = new Anycast<number>({ name: 'numbers' });
  const words = new Broadcast<string>('words');
  const [numberReceiver, wordReceiver] = [numbers.newReceiver(), words.newReceiver()];
  await numbers.newSender().send(1);
  await words.newSender().send('one');
  await Promise.all([numbers.close(), words.close()]);
  const seen: string[] = [];
  for await (const selected of select(numberReceiver, wordReceiver)) {
    if (selectedFrom(selected, numberReceiver)) {
      if (selected.wasStopped) seen.push('numbers stopped');
      else if (selected.exception === undefined) seen.push(`number ${selected.message + 1}`);
    } else if (selectedFrom(selected, wordReceiver)) {
      if (selected.wasStopped) seen.push('words stopped');
      else if (selected.exception === undefined) seen.push(`word ${selected.message.toUpperCase()}`);
    }
  }
  return expectEqual(seen.sort(), ['number 2', 'numbers stopped', 'word ONE', 'words stopped']);
}

/** `channels` as `serveChannels()` takes them (identity: kept so that call sites read alike). */
const served = <C extends ServedChannels<C>>(channels: C): C => channels;

/** The most a worker check may take before it fails (instead of hanging the run). */
const WORKER_CHECK_MS = 5000;

/** Starts spec-browser/worker.ts in `mode`; anything it throws ends up in `errors`. */
function spawn(mode: string, id: string, errors: string[], extra = ''): Worker {
  const worker = new Worker(`/worker.js?mode=${mode}&id=${id}${extra}`, { type: 'module' });
  worker.addEventListener('error', (event) => errors.push(`worker ${id}: ${event.message}`));
  worker.addEventListener('message', (event: MessageEvent<{ workerError?: string }>) => {
    if (event.data.workerError !== undefined) {
      errors.push(`worker ${id}: ${event.data.workerError}`);
    }
  });
  return worker;
}

/** Runs `body` with workers it spawns, terminates them all after, and fails on any worker error. */
async function withWorkers(body: (spawnWorker: typeof spawn, errors: string[]) => Promise<string>): Promise<string> {
  const workers: Worker[] = [];
  const errors: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out (${errors.join('; ')})`)), WORKER_CHECK_MS);
  });
  try {
    const shown = await Promise.race([
      body((mode, id, list, extra) => {
        const worker = spawn(mode, id, list, extra);
        workers.push(worker);
        return worker;
      }, errors),
      timeout,
    ]);
    if (errors.length > 0) {
      throw new Error(errors.join('; '));
    }
    return shown;
  } finally {
    clearTimeout(timer);
    for (const worker of workers) {
      worker.terminate();
    }
  }
}

/** Reports from the workers until `until` says enough (given every report so far). */
async function collect(results: Anycast<Report>, until: (reports: readonly Report[]) => boolean): Promise<Report[]> {
  const reports: Report[] = [];
  const receiver = results.newReceiver();
  while (!until(reports)) {
    reports.push(await receiver.receive());
  }
  receiver.close();
  return reports;
}

const count = (reports: readonly Report[], kind: Report['kind']): number =>
  reports.filter((report) => report.kind === kind).length;

/**
 * A work queue across threads: two senders in the page, three workers with credits 1, 4 and 16
 * taking jobs with `for await` and sending results back: every job exactly once, and each worker
 * sees each sender's jobs in send order.
 */
function workerAnycast(): Promise<string> {
  return withWorkers(async (spawnWorker, errors) => {
    const jobs = new Anycast<Job>({ name: 'jobs', maxsize: 8 });
    const results = new Anycast<Report>({ name: 'results', maxsize: 8 });
    const ids = ['w1', 'w2', 'w3'];
    const credits = [1, 4, 16];
    ids.forEach((id, i) =>
      serveChannels(spawnWorker('queue', id, errors, `&credit=${credits[i]}`), served({ jobs, results })),
    );
    const perSender = 100;
    const sending = ['a', 'b'].map((from) => {
      const sender = jobs.newSender();
      return (async () => {
        for (let n = 0; n < perSender; n++) {
          await sender.send({ from, n });
        }
      })();
    });
    void Promise.all(sending).then(() => jobs.close());
    const reports = await collect(results, (so) => count(so, 'done') === ids.length);
    const done = reports.filter((report) => report.kind === 'result');
    const keys = done.map(({ job }) => `${job.from}${job.n}`);
    const expected = ['a', 'b'].flatMap((from) => Array.from({ length: perSender }, (_, n) => `${from}${n}`));
    expectEqual([...keys].sort(), [...expected].sort());
    const inOrder = ids.every((worker) =>
      ['a', 'b'].every((from) => {
        const seen = done.filter((report) => report.worker === worker && report.job.from === from);
        return seen.every((report, i) => i === 0 || report.job.n > seen[i - 1]!.job.n);
      }),
    );
    expectEqual(inOrder, true);
    const share = ids.map((worker) => done.filter((report) => report.worker === worker).length);
    return `${keys.length} jobs once each, in order per sender; per worker ${share.join('/')}`;
  });
}

/** A Broadcast across threads: two workers with remote receivers get every message. */
function workerBroadcast(): Promise<string> {
  return withWorkers(async (spawnWorker, errors) => {
    const prices = new Broadcast<number>('prices');
    const results = new Anycast<Report>({ name: 'results' });
    const ids = ['b1', 'b2'];
    for (const id of ids) {
      serveChannels(spawnWorker('broadcast', id, errors), served({ prices, results }));
    }
    const reports = await collect(results, (so) => count(so, 'ready') === ids.length);
    const sender = prices.newSender();
    const sent = Array.from({ length: 50 }, (_, i) => i + 1);
    for (const price of sent) {
      await sender.send(price);
    }
    await prices.close();
    reports.push(...(await collect(results, (so) => count(so, 'broadcast') === ids.length)));
    const got = reports.flatMap((report) =>
      report.kind === 'broadcast' ? [[report.worker, report.got, report.dropped]] : [],
    );
    expectEqual(
      got.sort(),
      ids.map((id) => [id, sent, 0]),
    );
    return `${ids.length} workers got all ${sent.length} messages`;
  });
}

/**
 * A worker holding two messages (credit 2) is terminated; browsers say nothing, but with
 * `heartbeatMs` the server detaches it and the two go back to the front of the Anycast.
 */
function workerTerminate(): Promise<string> {
  return withWorkers(async (spawnWorker, errors) => {
    const jobs = new Anycast<Job>({ name: 'jobs' });
    const results = new Anycast<Report>({ name: 'results' });
    const sender = jobs.newSender();
    for (const n of [1, 2, 3]) {
      await sender.send({ from: 'a', n });
    }
    const worker = spawnWorker('hold', 'h1', errors);
    // 100 ms, not less: the server counts missed beats from here, before the worker has loaded and
    // said hello, and detaches it silently after three (reported as a bug of lib/worker).
    const server = serveChannels(worker, served({ jobs, results }), { heartbeatMs: 100 });
    const [holding] = await collect(results, (so) => so.length === 1);
    expectEqual(holding, { kind: 'holding', worker: 'h1', size: 2 });
    worker.terminate();
    const terminatedAt = performance.now();
    const local = jobs.newReceiver();
    const order = [(await local.receive()).n];
    const noticedAtOnce = server.isClosed;
    order.push((await local.receive()).n, (await local.receive()).n);
    const noticedAfter = Math.round(performance.now() - terminatedAt);
    expectEqual(
      { order, noticedAtOnce, closed: server.isClosed },
      { order: [3, 1, 2], noticedAtOnce: false, closed: true },
    );
    return `held 2, given back after ${noticedAfter} ms (heartbeatMs 100)`;
  });
}

/** `server.close()` while a worker holds two messages: they go back to the front at once. */
function workerServerClose(): Promise<string> {
  return withWorkers(async (spawnWorker, errors) => {
    const jobs = new Anycast<Job>({ name: 'jobs' });
    const results = new Anycast<Report>({ name: 'results' });
    const sender = jobs.newSender();
    for (const n of [1, 2, 3]) {
      await sender.send({ from: 'a', n });
    }
    const server: ChannelServer = serveChannels(spawnWorker('hold', 'h2', errors), served({ jobs, results }));
    const [holding] = await collect(results, (so) => so.length === 1);
    expectEqual(holding, { kind: 'holding', worker: 'h2', size: 2 });
    await server.close();
    const local = jobs.newReceiver();
    const order: number[] = [];
    for (let next = local.tryReceive(); next.ok; next = local.tryReceive()) {
      order.push(next.message.n);
    }
    expectEqual({ order, closed: server.isClosed }, { order: [1, 2, 3], closed: true });
    return 'held 2, given back by close()';
  });
}

async function runCheck([name, run]: Check, list: HTMLElement): Promise<boolean> {
  const item = list.appendChild(document.createElement('li'));
  try {
    item.textContent = `${name}: pass (${await run()})`;
    return true;
  } catch (error) {
    item.textContent = `${name}: FAIL ${error instanceof Error ? error.message : String(error)}`;
    return false;
  }
}

async function main(): Promise<void> {
  const checks: Check[] = [
    ['anycast', anycastBackPressure],
    ['broadcast', broadcastFanOut],
    ['timer', timerTicks],
    ['select', selectOverChannels],
    ['worker anycast', workerAnycast],
    ['worker broadcast', workerBroadcast],
    ['worker terminate', workerTerminate],
    ['worker close', workerServerClose],
    ['nats anycast', natsAnycast],
    ['nats broadcast', natsBroadcast],
  ];
  const list = document.getElementById('results')!;
  let passed = 0;
  for (const check of checks) {
    passed += (await runCheck(check, list)) ? 1 : 0;
  }
  const status = document.getElementById('status')!;
  status.textContent = `${passed}/${checks.length} checks passed`;
  status.dataset['done'] = 'true';
}

void main();
