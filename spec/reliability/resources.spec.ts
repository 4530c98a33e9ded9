/**
 * Resources: the heap stays flat over many rounds of creating, using and closing channels,
 * receivers, Merges, Timers and select loops; receivers dropped without `close()` are collected
 * and stop counting; after stop, close, abort or break no timer, abort listener or subscription
 * remains. The test script runs node with `--expose-gc` (and Jest with `--detectOpenHandles`).
 */
import { getEventListeners } from 'node:events';
import { asyncScheduler, finalize, Observable, Subject } from 'rxjs';
import { Anycast, Broadcast, type Receiver } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { fromObservable, Merge, MergeNamed, Select, select, selectedFrom, Timer, toChannel } from 'rx-channels/util';
import { flushMicrotasks, reasonOf } from '../helpers/async';
import { canCollect, collectUntil } from '../helpers/gc';

/** The heap after full collections, with finalizers given turns to run in between. */
async function settledHeap(): Promise<number> {
  for (let pass = 0; pass < 4; pass++) {
    globalThis.gc?.();
    await flushMicrotasks();
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

/** A generous bound: a leak of one small object per round over 2 000 rounds would cross it. */
const ROUNDS = 2_000;
const HEAP_BOUND_BYTES = 1024 * 1024;
const HEAP_TIMEOUT_MS = 30_000;

const timerResources = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

/**
 * The active timeouts once they are at most `limit`, or after 5 s of real time. The count is
 * process-wide, and Jest runs the specs in its own process (`--detectOpenHandles` runs in band),
 * where its reporter keeps a 1 s interval that starts a 100 ms timeout of its own: the count can be
 * one above `limit` for a moment, longer on a busy machine. A timeout left behind by the code under
 * test (60 s here) outlasts the wait and fails the check; the wait is a bound, not a speed check.
 */
async function timeoutsSettledTo(limit: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  await flushMicrotasks();
  while (timerResources() > limit && Date.now() < deadline) {
    await flushMicrotasks();
  }
  return timerResources();
}

/** An Observable that counts its live subscriptions. */
function countingObservable<T>(subject: Subject<T>): { source: Observable<T>; live: () => number } {
  let live = 0;
  const source = new Observable<T>((subscriber) => {
    live++;
    return subject.subscribe(subscriber);
  }).pipe(
    finalize(() => {
      live--;
    }),
  );
  return { source, live: () => live };
}

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

describe('resources', () => {
  beforeAll(() => {
    // The test script runs node with --expose-gc; without it these tests could prove nothing.
    expect(canCollect).toBe(true);
  });

  describe('the heap stays flat', () => {
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
  });

  describe('dropped receivers are collected', () => {
    it('Broadcast receivers dropped without close() stop counting in receiverCount, with messages still buffered', async () => {
      const channel = new Broadcast<number>('dropped');
      const keep = channel.newReceiver();
      (() => {
        for (let index = 0; index < 50; index++) {
          channel.newReceiver({ maxsize: 3, warnOnOverflow: false });
        }
      })();
      await channel.newSender().send(1);
      expect(channel.receiverCount).toBe(51);
      expect(await collectUntil(() => channel.receiverCount === 1)).toBe(true);
      await channel.newSender().send(2);
      expect([await keep.receive(), await keep.receive()]).toEqual([1, 2]);
    });

    it('a Broadcast receiver whose subscriber unsubscribed is collected', async () => {
      const channel = new Broadcast<number>('unsubscribed');
      (() => {
        channel.newReceiver().subscribe().unsubscribe();
      })();
      expect(await collectUntil(() => channel.receiverCount === 0)).toBe(true);
    });

    it('Anycast receivers, Merges and Selects dropped after use are collected', async () => {
      const channel = new Anycast<number>({ maxsize: 100 });
      // Counted through finalizers: deref() on a WeakRef would keep its target alive for the job.
      let collected = 0;
      const registry = new FinalizationRegistry<string>(() => {
        collected++;
      });
      await (async () => {
        for (let index = 0; index < 20; index++) {
          const receiver = channel.newReceiver();
          const other = channel.newReceiver();
          await channel.newSender().send(index);
          await receiver.receive();
          for (const made of [receiver, other, new Merge(other), new Select({ other })]) {
            registry.register(made, String(made));
          }
        }
      })();
      expect(await collectUntil(() => collected === 80)).toBe(true);
    });
  });

  describe('nothing is left behind', () => {
    it('a long-lived signal collects no abort listener from settled ready(), receive() and send() calls', async () => {
      const { signal } = new AbortController();
      const channel = new Anycast<number>({ maxsize: 1 });
      const sender = channel.newSender();
      const receiver = channel.newReceiver();
      for (let round = 0; round < 50; round++) {
        const ready = receiver.ready({ signal });
        await sender.send(round, { signal });
        const blocked = sender.send(round + 1, { signal });
        expect(await ready).toBe(true);
        receiver.consume();
        await blocked;
        expect(await receiver.receive({ signal })).toBe(round + 1);
      }
      const blocked = [sender.send(-1, { signal }), sender.send(-2, { signal })];
      const closedReceiver = channel.newReceiver();
      const stopped = closedReceiver.ready({ signal });
      closedReceiver.close();
      await channel.close();
      await Promise.allSettled([...blocked, stopped]);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    });

    it('a long-lived signal collects no abort listener from Merge, Select, select() and Timer waits', async () => {
      const { signal } = new AbortController();
      const channel = new Broadcast<number>('signals');
      const sender = channel.newSender();
      const merge = new Merge(channel.newReceiver());
      const selector = new Select({ a: channel.newReceiver() });
      const clock = new VirtualClock();
      const timer = new Timer(5, { scheduler: clock.scheduler });
      for (let round = 0; round < 20; round++) {
        const waits = [merge.receive({ signal }), selector.ready({ signal }), timer.ready({ signal })];
        await sender.send(round);
        await clock.runUntil(Promise.all(waits));
        selector.get('a');
        timer.consume();
      }
      const pending = [merge.ready({ signal }), selector.ready({ signal }), timer.ready({ signal })];
      await merge.stop();
      await selector.stop();
      timer.stop();
      expect(await Promise.all(pending)).toEqual([false, false, false]);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
      await channel.close();
    });

    it('a stopped Timer on the real clock leaves no timeout behind, whether waited on, subscribed, merged or selected', async () => {
      const before = timerResources();
      const waited = new Timer(60_000);
      const pending = waited.ready();
      const subscribed = new Timer(60_000);
      const subscription = subscribed.subscribe();
      const merged = new Timer(60_000, { scheduler: asyncScheduler });
      const merge = new Merge(merged);
      const mergeWait = merge.ready();
      const selected = new Timer(60_000);
      const loop = select(selected);
      const loopWait = loop.next();
      expect(timerResources()).toBeGreaterThan(before);
      waited.stop();
      subscription.unsubscribe();
      await merge.stop();
      await loop.return?.();
      expect([await pending, await mergeWait, (await loopWait).done]).toEqual([false, false, true]);
      // At most as many as before: a timeout left by an earlier test may have fired meanwhile,
      // and the four timeouts made here would show as more.
      expect(await timeoutsSettledTo(before)).toBeLessThanOrEqual(before);
      for (const timer of [subscribed, merged, selected]) {
        timer.stop();
      }
    });

    it('an aborted Timer wait leaves no timeout behind', async () => {
      const before = timerResources();
      const timer = new Timer(60_000);
      const controller = new AbortController();
      const waiting = timer.receive({ signal: controller.signal });
      expect(timerResources()).toBe(before + 1);
      controller.abort();
      expect(await reasonOf(waiting)).toBe(controller.signal.reason);
      expect(await timeoutsSettledTo(before)).toBeLessThanOrEqual(before);
      timer.stop();
    });

    it('fromObservable() unsubscribes from its source on close() and when the source completes', async () => {
      const subject = new Subject<number>();
      const counted = countingObservable(subject);
      const closed = fromObservable(counted.source);
      const completed = fromObservable(counted.source);
      expect(counted.live()).toBe(2);
      closed.close();
      expect(counted.live()).toBe(1);
      subject.next(1);
      subject.complete();
      expect(counted.live()).toBe(0);
      expect(await completed.receive()).toBe(1);
      expect(await completed.ready()).toBe(false);
    });

    it('toChannel() unsubscribes from its source when the channel closes, and the receiver Observable lets go of its receiver', async () => {
      const subject = new Subject<number>();
      const counted = countingObservable(subject);
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      const fed = counted.source.pipe(toChannel(channel.newSender())).subscribe({ error: () => undefined });
      subject.next(1);
      await channel.close();
      subject.next(2);
      await flushMicrotasks();
      fed.unsubscribe();
      expect(counted.live()).toBe(0);
      expect(await receiver.receive()).toBe(1);
    });

    it('an unsubscribed receiver Observable is no longer waiting: the next message goes to the other receiver', async () => {
      const channel = new Anycast<number>();
      const subscribed = channel.newReceiver();
      const other = channel.newReceiver();
      subscribed.subscribe().unsubscribe();
      await channel.newSender().send(1);
      expect(await other.receive()).toBe(1);
    });

    it('the Broadcast hub Observable completes on close, which finalizes its subscribers', async () => {
      const channel = new Broadcast<number>('hub');
      let finalized = 0;
      channel
        .asObservable()
        .pipe(finalize(() => finalized++))
        .subscribe();
      await channel.close();
      expect(finalized).toBe(1);
    });
  });
});
