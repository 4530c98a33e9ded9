/**
 * Heap: the heap stays flat over thousands of rounds of creating, using and closing channels,
 * receivers, Merges, Timers and select loops, with forced full collections before and after. The
 * work is bounded by the round counts. It runs in `npm run test:reliability`
 * (jest.reliability.config.js, node with `--expose-gc`), not in `npm test`: about 15 s of CPU, most
 * of it in the collections. The light resource specs (collected receivers, timers, abort listeners
 * and subscriptions left behind) stay in `resources.spec.ts`.
 */
import { Anycast, Broadcast, type Receiver } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { Merge, MergeNamed, Select, select, selectedFrom, Timer } from 'rx-channels/util';
import { flushMicrotasks, reasonOf } from '../helpers/async';
import { canCollect } from '../helpers/gc';

/**
 * The heap after full collections, with finalizers given turns to run in between: a
 * FinalizationRegistry callback runs in a task of its own, after microtasks, so each pass also
 * yields a macrotask turn (on a busy machine the callbacks of one collection can lag behind).
 */
async function settledHeap(): Promise<number> {
  for (let pass = 0; pass < 4; pass++) {
    globalThis.gc?.();
    await flushMicrotasks();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/**
 * How much the heap grew over `rounds` rounds, measured after `warmUp` rounds (which fill the
 * caches, JIT code and lazily made singletons that are not a leak).
 */
async function heapGrowth(
  round: (index: number) => Promise<void>,
  rounds: number,
  warmUp = 200,
): Promise<{ before: number; after: number }> {
  for (let index = 0; index < warmUp; index++) {
    await round(index);
  }
  const before = await settledHeap();
  for (let index = 0; index < rounds; index++) {
    await round(index);
  }
  const after = await settledHeap();
  reportHeap(round.name, before, after, rounds);
  return { before, after };
}

/** With `RX_CHANNELS_REPORT=1`, prints the heap figures (for the README); silent otherwise. */
function reportHeap(label: string, before: number, after: number, rounds: number): void {
  if (process.env['RX_CHANNELS_REPORT'] === '1') {
    const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
    process.stdout.write(
      `heap ${label}: ${kib(before)} -> ${kib(after)} over ${rounds} rounds (${kib(after - before)})\n`,
    );
  }
}

/**
 * Rounds per test, also in `npm run soak`. A generous bound: a leak of one small object per round
 * over 2 000 rounds would cross it. (At 8 000 rounds the file took 470 s on a busy 2-core machine,
 * against about 20 s at 2 000, so the soak keeps this size.)
 */
const ROUNDS = 2_000;
const HEAP_BOUND_BYTES = 1024 * 1024;
/**
 * A hang guard, not a speed check: the work is bounded by `ROUNDS`. A test takes 1-11 s on a quiet
 * 2-core machine, and several times longer when the machine is busy.
 */
const HEAP_TIMEOUT_MS = 300_000;

async function anycastRound(): Promise<void> {
  const channel = new Anycast<number>({ maxsize: 4 });
  const sender = channel.newSender();
  const receivers = [channel.newReceiver(), channel.newReceiver()];
  const controller = new AbortController();
  const aborted = receivers[0]?.receive({ signal: controller.signal });
  controller.abort();
  await reasonOf(aborted as Promise<number>);
  const subscription = (receivers[1] as Receiver<number>).subscribe();
  for (let message = 0; message < 10; message++) {
    await sender.send(message);
  }
  subscription.unsubscribe();
  const blocked = [1, 2, 3, 4, 5, 6].map((message) => sender.send(message));
  await channel.close();
  await Promise.allSettled(blocked);
  for await (const message of receivers[0] as Receiver<number>) {
    void message;
  }
}

async function broadcastRound(index: number): Promise<void> {
  const channel = new Broadcast<number>(`b${index}`, { resendLatest: true });
  const sender = channel.newSender();
  const kept = channel.newReceiver({ maxsize: 4, warnOnOverflow: false });
  channel.newReceiver({ maxsize: 2, warnOnOverflow: false });
  channel.newReceiver().close();
  channel.newReceiver().intoPeekable();
  const hub = channel.asObservable().subscribe();
  for (let message = 0; message < 10; message++) {
    await sender.send(message);
  }
  await kept.receive();
  await channel.close();
  hub.unsubscribe();
}

async function utilitiesRound(index: number): Promise<void> {
  const first = new Anycast<number>();
  const second = new Broadcast<number>(`u${index}`);
  const sender = first.newSender();
  const merge = new Merge(first.newReceiver(), second.newReceiver());
  await sender.send(1);
  await merge.receive();
  const pending = merge.ready();
  await merge.stop();
  await pending;
  const named = new MergeNamed({ a: first.newReceiver() });
  await sender.send(2);
  await named.receive();
  await named.stop();
  const selector = new Select({ a: first.newReceiver(), b: second.newReceiver() });
  const waiting = selector.ready();
  await selector.stop();
  await waiting;
  await selectLoopRound(first, sender);
  await first.close();
  await second.close();
}

async function selectLoopRound(
  channel: Anycast<number>,
  sender: { send(message: number): Promise<void> },
): Promise<void> {
  const receiver = channel.newReceiver();
  await sender.send(3);
  for await (const selected of select(receiver)) {
    if (selectedFrom(selected, receiver)) {
      break;
    }
  }
  receiver.close();
}

async function timerRound(): Promise<void> {
  const clock = new VirtualClock();
  const timer = new Timer(10, { scheduler: clock.scheduler });
  await clock.runUntil(timer.receive());
  const subscription = timer.subscribe();
  await clock.advanceBy(30);
  subscription.unsubscribe();
  timer.stop();
}

/**
 * Rounds of receivers on one Anycast and one Broadcast that outlive every round: what a round
 * attaches to a channel must not stay behind in it once the receiver is closed, dropped, made
 * peekable or unsubscribed.
 */
function longLivedChannelsRounds(): (index: number) => Promise<void> {
  const broadcast = new Broadcast<number>('long-lived');
  const anycast = new Anycast<number>({ name: 'long-lived' });
  return async function longLivedChannelsRound(index: number): Promise<void> {
    const kept = broadcast.newReceiver();
    broadcast.newReceiver({ maxsize: 1, warnOnOverflow: false });
    broadcast.newReceiver().intoPeekable();
    const subscription = broadcast.newReceiver({ warnOnOverflow: false }).subscribe();
    await broadcast.newSender().send(index);
    await kept.receive();
    kept.close();
    subscription.unsubscribe();
    const controller = new AbortController();
    const aborted = anycast.newReceiver().receive({ signal: controller.signal });
    controller.abort();
    await reasonOf(aborted);
    const receiver = anycast.newReceiver();
    await anycast.newSender().send(index);
    await receiver.receive();
    receiver.close();
  };
}

describe('the heap stays flat', () => {
  beforeAll(() => {
    // The script runs node with --expose-gc; without it these tests could prove nothing.
    expect(canCollect).toBe(true);
  });

  it(
    'over many rounds of Anycast channels: sends, receives, aborts, subscriptions, blocked senders, close',
    async () => {
      const { before, after } = await heapGrowth(anycastRound, ROUNDS);
      expect(after - before).toBeLessThan(HEAP_BOUND_BYTES);
    },
    HEAP_TIMEOUT_MS,
  );

  it(
    'over many rounds of Broadcast channels: receivers kept, dropped, closed and made peekable',
    async () => {
      const { before, after } = await heapGrowth(broadcastRound, ROUNDS);
      expect(after - before).toBeLessThan(HEAP_BOUND_BYTES);
    },
    HEAP_TIMEOUT_MS,
  );

  it(
    'over many rounds of receivers made and let go on one long-lived Anycast and Broadcast',
    async () => {
      const { before, after } = await heapGrowth(longLivedChannelsRounds(), ROUNDS * 2);
      expect(after - before).toBeLessThan(HEAP_BOUND_BYTES);
    },
    HEAP_TIMEOUT_MS,
  );

  it(
    'over many rounds of Merge, MergeNamed, Select and select() loops',
    async () => {
      const { before, after } = await heapGrowth(utilitiesRound, ROUNDS);
      expect(after - before).toBeLessThan(HEAP_BOUND_BYTES);
    },
    HEAP_TIMEOUT_MS,
  );

  it(
    'over many rounds of Timers in virtual time',
    async () => {
      const { before, after } = await heapGrowth(timerRound, ROUNDS / 4, 50);
      expect(after - before).toBeLessThan(HEAP_BOUND_BYTES);
    },
    HEAP_TIMEOUT_MS,
  );

  it(
    'an unbounded Anycast costs per buffered message within 1.5x of a bounded one',
    async () => {
      const count = 200_000;
      /** The heap held by a channel with `count` buffered messages, sent through `send()`. */
      async function heldBy(maxsize: number): Promise<number> {
        const before = await settledHeap();
        const channel = new Anycast<number>({ maxsize });
        const sender = channel.newSender();
        for (let n = 0; n < count; n++) {
          await sender.send(n);
        }
        const after = await settledHeap();
        expect(channel.size).toBe(count);
        await channel.close();
        return after - before;
      }
      const bounded = await heldBy(count);
      const unbounded = await heldBy(Infinity);
      reportHeap('unbounded vs bounded Anycast', bounded, unbounded, count);
      expect(unbounded).toBeLessThan(bounded * 1.5);
    },
    HEAP_TIMEOUT_MS,
  );
});
