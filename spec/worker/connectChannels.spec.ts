/**
 * `rx-channels/worker` across REAL threads: node:worker_threads workers (spec/worker/fixtures/
 * agent.ts, compiled by tsx) connect to channels served by this (the owner) thread. Nothing of
 * the platform is mocked. Few workers, for the time of `npm test`; the kill-point property and
 * the memory bounds are in spec/reliability/worker.reliability.ts.
 */
import { Anycast, Broadcast, ChannelClosedError, ReceiverStoppedError } from 'rx-channels';
import { MessageChannel } from 'node:worker_threads';
import { serveChannels } from 'rx-channels/worker';
import { reasonOf } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';
import { liveWorkers, startWorker, stopAllWorkers, type Report } from '../helpers/workers';

interface Job {
  readonly s: string;
  readonly i: number;
}

afterEach(async () => {
  await stopAllWorkers();
  expect(liveWorkers()).toBe(0);
});

const got = (name?: string) => (report: Report) =>
  report.kind === 'got' && (name === undefined || report['r'] === name);

/** Every sender's messages, each exactly once; each receiver got each sender's in send order. */
function expectExactlyOnceInOrder(received: ReadonlyMap<string, Job[]>, senders: Record<string, number>): void {
  const seen = new Set<string>();
  for (const [receiver, jobs] of received) {
    const last = new Map<string, number>();
    for (const job of jobs) {
      const key = `${job.s}:${job.i}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      // Per-sender order, as seen by one receiver.
      expect([receiver, job.s, job.i > (last.get(job.s) ?? -1)]).toEqual([receiver, job.s, true]);
      last.set(job.s, job.i);
    }
  }
  const expected = Object.entries(senders).flatMap(([s, count]) =>
    Array.from({ length: count }, (_, i) => `${s}:${i}`),
  );
  expect([...seen].sort()).toEqual(expected.sort());
}

describe('rx-channels/worker across worker_threads', () => {
  it('Anycast: N senders and M receivers over 3 threads get every message exactly once, per-sender order, size never over maxsize', async () => {
    const COUNT = 150;
    const jobs = new Anycast<Job>({ name: 'jobs', maxsize: 3 });
    const a = startWorker('agent', {
      roles: [
        { role: 'send', ch: 'jobs', s: 'A1', count: COUNT },
        { role: 'send', ch: 'jobs', s: 'A2', count: COUNT },
        { role: 'receive', ch: 'jobs', name: 'ra', credit: 2 },
      ],
    });
    const b = startWorker('agent', {
      roles: [
        { role: 'send', ch: 'jobs', s: 'B1', count: COUNT },
        { role: 'receive', ch: 'jobs', name: 'rb', credit: 1 },
      ],
    });
    serveChannels(a.worker, { jobs });
    serveChannels(b.worker, { jobs });
    let maxSize = 0;
    const sample = (): void => {
      maxSize = Math.max(maxSize, jobs.size);
    };
    const sampler = setInterval(sample, 0);
    const local: Job[] = [];
    const receiving = (async () => {
      for await (const job of jobs.newReceiver()) {
        sample();
        local.push(job);
      }
    })();
    const sender = jobs.newSender();
    for (let i = 0; i < COUNT; i++) {
      await sender.send({ s: 'M1', i });
      sample();
    }
    await Promise.all([a, a, b].map((w, n) => w.waitFor((r) => r.kind === 'sent' && r['s'] === ['A1', 'A2', 'B1'][n])));
    const total = (): number => local.length + a.reports.filter(got()).length + b.reports.filter(got()).length;
    while (total() < 4 * COUNT) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    clearInterval(sampler);
    await jobs.close();
    await receiving;
    const stops = await Promise.all([a.waitFor((r) => r.kind === 'stopped'), b.waitFor((r) => r.kind === 'stopped')]);
    for (const stop of stops) {
      expect(stop['error']).toMatchObject({ isStopped: true, causeIsClosed: true });
    }
    const received = new Map<string, Job[]>([
      ['main', local],
      ['ra', a.reports.filter(got()).map((r) => r['m'] as Job)],
      ['rb', b.reports.filter(got()).map((r) => r['m'] as Job)],
    ]);
    expectExactlyOnceInOrder(received, { A1: COUNT, A2: COUNT, B1: COUNT, M1: COUNT });
    expect(maxSize).toBeLessThanOrEqual(3);
    // Every receiver took part (not a speed claim: each waits on the same channel).
    expect(total()).toBe(4 * COUNT);
  });

  it('Anycast: a remote receiver closed, and a worker terminated, while holding unconsumed messages give them back to the front', async () => {
    const jobs = new Anycast<number>({ name: 'jobs', maxsize: 20 });
    const sender = jobs.newSender();
    for (let n = 1; n <= 8; n++) await sender.send(n);
    const holder = startWorker('agent', {
      roles: [
        { role: 'hold', ch: 'jobs', name: 'h1', credit: 2 },
        { role: 'hold', ch: 'jobs', name: 'h2', credit: 3 },
      ],
    });
    serveChannels(holder.worker, { jobs });
    await holder.waitFor((r) => r.kind === 'holding' && r['r'] === 'h1');
    await holder.waitFor((r) => r.kind === 'holding' && r['r'] === 'h2');
    expect(jobs.size).toBe(3);
    // Which receiver holds which is the owner's order of `want`s; both hold consecutive runs.
    holder.worker.postMessage({ cmd: 'closeReceiver', r: 'h1' });
    await holder.waitFor((r) => r.kind === 'closedReceiver');
    expect(jobs.size).toBe(5);
    await holder.kill();
    expect(jobs.size).toBe(8);
    await jobs.close();
    const mine: number[] = [];
    for await (const n of jobs.newReceiver()) mine.push(n);
    // h1 asked first (its want precedes h2's on the port) and held 1, 2; h2 held 3, 4, 5. Each
    // give-back goes to the front, in its order: h2's (the later) before h1's, then the rest.
    expect(mine).toEqual([3, 4, 5, 1, 2, 6, 7, 8]);
  });

  it('over a MessagePort transferred to the worker: its close when the worker is terminated gives back what it held', async () => {
    const jobs = new Anycast<number>({ name: 'jobs' });
    const sender = jobs.newSender();
    for (let n = 1; n <= 4; n++) await sender.send(n);
    const { port1, port2 } = new MessageChannel();
    const server = serveChannels(port1, { jobs });
    const holder = startWorker('agent', { roles: [{ role: 'hold', ch: 'jobs', name: 'h', credit: 3 }], port: port2 }, [
      port2,
    ]);
    await holder.waitFor((r) => r.kind === 'holding');
    expect(jobs.size).toBe(1);
    await holder.kill();
    // Node says 'close' on this end once the other end's thread is gone.
    while (!server.isClosed) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(jobs.size).toBe(4);
    const receiver = jobs.newReceiver();
    expect([await receiver.receive(), await receiver.receive(), await receiver.receive()]).toEqual([1, 2, 3]);
    port1.close();
  });

  it('Broadcast: receivers in 2 workers, one slow with a small buffer: exact dropped, nothing else lost', async () => {
    const SENT = 60;
    const { warnings, restore } = captureWarnings();
    const prices = new Broadcast<number>('prices');
    const fast = startWorker('agent', { roles: [{ role: 'receive', ch: 'prices', name: 'fast', maxsize: 100 }] });
    const slow = startWorker('agent', {
      roles: [{ role: 'receive', ch: 'prices', name: 'slow', maxsize: 3, delayMs: 2 }],
    });
    serveChannels(fast.worker, { prices });
    serveChannels(slow.worker, { prices });
    // The report follows the `open` on the same port: the owner has made the receiver.
    await fast.waitFor((r) => r.kind === 'receiving');
    await slow.waitFor((r) => r.kind === 'receiving');
    const sender = prices.newSender();
    for (let n = 0; n < SENT; n++) await sender.send(n);
    await prices.close();
    await fast.waitFor((r) => r.kind === 'stopped');
    const stop = await slow.waitFor((r) => r.kind === 'stopped');
    expect(stop['error']).toMatchObject({ isStopped: true, causeIsClosed: true, subject: 'RemoteReceiver:prices' });
    const fastGot = fast.reports.filter(got()).map((r) => r['m'] as number);
    expect(fastGot).toEqual(Array.from({ length: SENT }, (_, n) => n));
    expect(fast.reports.filter(got()).at(-1)?.['dropped']).toBe(0);
    const slowReports = slow.reports.filter(got());
    const slowGot = slowReports.map((r) => r['m'] as number);
    const dropped = slowReports.at(-1)?.['dropped'] as number;
    // Increasing, ends with the last sent, and what it did not get is exactly what it dropped.
    expect(slowGot).toEqual([...slowGot].sort((x, y) => x - y));
    expect(new Set(slowGot).size).toBe(slowGot.length);
    expect(slowGot.at(-1)).toBe(SENT - 1);
    expect(slowGot.length + dropped).toBe(SENT);
    expect(dropped).toBeGreaterThan(0);
    restore();
    expect(warnings.join()).toContain('buffer full');
  });

  it('a select() in a worker over a remote and a local receiver; transfer; sender close and autoClose across threads', async () => {
    const jobs = new Anycast<Job>({ name: 'jobs', maxsize: 2 });
    const bytes = new Anycast<ArrayBuffer>({ name: 'bytes' });
    const auto = new Anycast<Job>({ name: 'auto', autoClose: true });
    const worker = startWorker('agent', {
      roles: [
        { role: 'select', ch: 'jobs', name: 'sel', localCount: 20 },
        { role: 'sendBuffer', ch: 'bytes', bytes: 4096 },
        { role: 'send', ch: 'auto', s: 'X', count: 3, closeAfter: true },
      ],
    });
    serveChannels(worker.worker, { jobs, bytes, auto });
    const sender = jobs.newSender();
    for (let i = 0; i < 20; i++) await sender.send({ s: 'remote', i });
    await jobs.close();
    await worker.waitFor((r) => r.kind === 'selectDone');
    const selected = worker.reports.filter(got('sel'));
    expect(selected.filter((r) => r['from'] === 'remote').map((r) => (r['m'] as Job).i)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(selected.filter((r) => r['from'] === 'local').map((r) => (r['m'] as Job).i)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );

    const buffer = await bytes.newReceiver().receive();
    expect(buffer.byteLength).toBe(4096);
    expect(new Uint8Array(buffer).every((byte) => byte === 7)).toBe(true);
    expect((await worker.waitFor((r) => r.kind === 'sentBuffer'))['byteLengthAfter']).toBe(0);

    // The worker's only sender closed: the autoClose channel closes, its receiver drains and stops.
    const autoReceiver = auto.newReceiver();
    expect([await autoReceiver.receive(), await autoReceiver.receive(), await autoReceiver.receive()]).toEqual([
      { s: 'X', i: 0 },
      { s: 'X', i: 1 },
      { s: 'X', i: 2 },
    ]);
    const stopped = await reasonOf(autoReceiver.receive());
    expect(stopped).toBeInstanceOf(ReceiverStoppedError);
    expect((stopped as Error).cause).toBeInstanceOf(ChannelClosedError);
  });
});
