/**
 * rx-channels/nats under faults, against a real nats-server (spec/helpers/natsServer.ts): OS
 * processes as senders and receivers of one NatsAnycast with a receiver SIGKILLed mid-stream,
 * and the server killed and restarted mid-stream (SIGTERM, then SIGKILL). Every message whose
 * send() resolved must be received at least once; duplicates are counted and printed, as
 * at-least-once allows them. Bounded by counts and by per-test time limits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { NatsAnycast, NatsBroadcast } from 'rx-channels/nats';
import { NatsServer } from '../helpers/natsServer';

const CHILD = join(__dirname, '..', 'helpers', 'natsChild.mts');

let server: NatsServer;
let dir: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  server = await NatsServer.start();
  dir = mkdtempSync(join(tmpdir(), 'rxc-nats-logs-'));
});

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function spawnChild(args: string[]): ChildProcess {
  const child = fork(CHILD, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  return child;
}

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

function readyOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('message', () => resolve()));
}

function lines(file: string, kind: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${kind} `))
    .map((line) => line.slice(kind.length + 1));
}

/** sent, received (first deliveries), duplicates, lost. */
function tally(sent: string[], received: string[]) {
  const seen = new Map<string, number>();
  for (const key of received) seen.set(key, (seen.get(key) ?? 0) + 1);
  const lost = sent.filter((key) => !seen.has(key));
  let duplicates = 0;
  for (const count of seen.values()) duplicates += count - 1;
  return { sent: sent.length, received: seen.size, duplicates, lost: lost.length };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe('NatsAnycast across processes, under faults', () => {
  it('two sender and three receiver processes, one receiver SIGKILLed mid-stream: nothing lost', async () => {
    const name = `procs_${process.pid}`;
    const count = 300;
    const connection = await connect({ servers: server.url, maxReconnectAttempts: -1 });
    try {
      const jobs = await NatsAnycast.open<unknown>(connection, { name, maxsize: 50, ackWaitMs: 2000 });
      const logs = {
        a: join(dir, 'a.log'),
        b: join(dir, 'b.log'),
        r1: join(dir, 'r1.log'),
        r2: join(dir, 'r2.log'),
        r3: join(dir, 'r3.log'),
      };
      const receivers = [
        spawnChild(['receiver', server.url, name, '4', logs.r1]),
        spawnChild(['receiver', server.url, name, '1', logs.r2]),
        spawnChild(['receiver', server.url, name, '8', logs.r3]),
      ];
      await Promise.all(receivers.map(readyOf));
      const senders = [
        spawnChild(['sender', server.url, name, 'a', String(count), logs.a]),
        spawnChild(['sender', server.url, name, 'b', String(count), logs.b]),
      ];
      // Kill the receiver with the largest prefetch once it has taken some messages.
      await waitFor(() => lines(logs.r3, 'got').length >= 40, 20_000);
      receivers[2]!.kill('SIGKILL');
      expect(await Promise.all(senders.map(exited))).toEqual([0, 0]);
      await jobs.close();
      expect(await Promise.all(receivers.slice(0, 2).map(exited))).toEqual([0, 0]);
      const sent = [...lines(logs.a, 'sent'), ...lines(logs.b, 'sent')];
      const received = [...lines(logs.r1, 'got'), ...lines(logs.r2, 'got'), ...lines(logs.r3, 'got')];
      const figures = tally(sent, received);
      console.log('processes, receiver SIGKILLed:', figures);
      expect(figures.sent).toBe(2 * count);
      expect(figures.lost).toBe(0);
      // Per-sender order among first deliveries, within each surviving receiver: only the
      // messages the killed receiver had fetched (at most its prefetch, 8) come back late, and
      // any message held longer than ackWaitMs on a loaded machine (it then counts as a duplicate too).
      let late = 0;
      for (const log of [logs.r1, logs.r2]) {
        for (const s of ['a', 'b']) {
          const mine = lines(log, 'got')
            .filter((l) => l.startsWith(`${s} `))
            .map((l) => Number(l.split(' ')[1]));
          let highest = -1;
          for (const n of mine) {
            if (n < highest) late++;
            highest = Math.max(highest, n);
          }
        }
      }
      console.log('late (redelivered) messages:', late);
      expect(late).toBeLessThanOrEqual(8 + figures.duplicates);
    } finally {
      await connection.close();
    }
  }, 60_000);

  it('a receiver process killed in the same synchronous block as consume() has not acknowledged: the message goes to another', async () => {
    const name = `die_${process.pid}`;
    const connection = await connect({ servers: server.url, maxReconnectAttempts: -1 });
    try {
      const jobs = await NatsAnycast.open<{ s: string; n: number }>(connection, { name, maxsize: 50, ackWaitMs: 2000 });
      const log = join(dir, 'die.log');
      const child = spawnChild(['die-after-consume', server.url, name, '1', log]);
      await readyOf(child);
      await jobs.newSender().send({ s: 'x', n: 7 });
      expect(await exited(child)).toBe('SIGKILL');
      expect(lines(log, 'got')).toEqual(['x 7']);
      // Unacknowledged, so redelivered after ackWaitMs, to a receiver in this process.
      const receiver = jobs.newReceiver();
      expect(await receiver.receive({ signal: AbortSignal.timeout(20_000) })).toEqual({ s: 'x', n: 7 });
      receiver.close();
      await jobs.close();
    } finally {
      await connection.close();
    }
  }, 60_000);

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'the server %s-ed and restarted mid-stream loses no message whose send() resolved',
    async (signal) => {
      const name = `restart_${signal}_${process.pid}`;
      const count = 300;
      const options = { servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100, timeout: 2000 };
      const senderConnection: NatsConnection = await connect(options);
      const receiverConnection: NatsConnection = await connect(options);
      try {
        const jobs = await NatsAnycast.open<number>(senderConnection, { name, maxsize: 1000, ackWaitMs: 1000 });
        const there = await NatsAnycast.open<number>(receiverConnection, { name, maxsize: 1000, ackWaitMs: 1000 });
        const sent: string[] = [];
        const received: string[] = [];
        const sender = jobs.newSender();
        const sending = (async () => {
          for (let n = 0; n < count; n++) {
            await sender.send(n);
            sent.push(String(n));
            if (n % 10 === 0) await sleep(5);
          }
        })();
        const receiver = there.newReceiver({ prefetch: 4 });
        const receiving = (async () => {
          for await (const n of receiver) received.push(String(n));
        })();
        await waitFor(() => received.length >= 100, 20_000);
        await server.restart(signal);
        await sending;
        await jobs.close();
        await receiving;
        const figures = tally(sent, received);
        console.log(`server ${signal} and restart:`, figures);
        expect(figures.sent).toBe(count);
        expect(figures.lost).toBe(0);
      } finally {
        await senderConnection.close();
        await receiverConnection.close();
      }
    },
    60_000,
  );

  it('NatsBroadcast across processes: every receiver process gets every message in order', async () => {
    const name = `bcast_${process.pid}`;
    const count = 200;
    const connection = await connect({ servers: server.url, maxReconnectAttempts: -1 });
    try {
      const prices = await NatsBroadcast.open<number>(connection, { name });
      const logs = [join(dir, 'p1.log'), join(dir, 'p2.log')];
      const receivers = logs.map((log) => spawnChild(['broadcast', server.url, name, '1000', log]));
      await Promise.all(receivers.map(readyOf));
      const sender = prices.newSender();
      for (let n = 0; n < count; n++) await sender.send(n);
      await prices.close();
      expect(await Promise.all(receivers.map(exited))).toEqual([0, 0]);
      for (const log of logs) {
        expect(lines(log, 'got').map(Number)).toEqual(Array.from({ length: count }, (_, n) => n));
        expect(lines(log, 'dropped')).toEqual(['0']);
      }
    } finally {
      await connection.close();
    }
  }, 60_000);

  it('NatsBroadcast: a server restart (SIGKILL) mid-stream loses nothing a receiver should get', async () => {
    const name = `bcast_restart_${process.pid}`;
    const count = 200;
    const options = { servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100, timeout: 2000 };
    const senderConnection = await connect(options);
    const receiverConnection = await connect(options);
    try {
      const prices = await NatsBroadcast.open<number>(senderConnection, { name });
      const there = await NatsBroadcast.open<number>(receiverConnection, { name });
      const receiver = there.newReceiver({ maxsize: 1000 });
      await sleep(200);
      const received: number[] = [];
      const receiving = (async () => {
        for await (const n of receiver) received.push(n);
      })();
      const sender = prices.newSender();
      for (let n = 0; n < count; n++) {
        await sender.send(n);
        if (n === 100) await server.restart('SIGKILL');
      }
      await prices.close();
      await receiving;
      const missing = Array.from({ length: count }, (_, n) => n).filter((n) => !received.includes(n));
      console.log('broadcast, server SIGKILL and restart:', {
        sent: count,
        received: received.length,
        dropped: receiver.dropped,
        missing: missing.length,
      });
      expect(received).toEqual(Array.from({ length: count }, (_, n) => n));
    } finally {
      await senderConnection.close();
      await receiverConnection.close();
    }
  }, 60_000);
});
