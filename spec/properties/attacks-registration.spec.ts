/**
 * Adversarial specs against the registration changes (issue 11, third pass): `WakerSet.register`
 * polling again only after a wake round or a hook that says so (invariant 2), the reusable
 * `receive()` waiter (`Taker` in Receiver.ts) and the direct hand-over of a Broadcast message to
 * the one waiting `receive()` (`_handDirect`). A test that found a bug keeps a comment saying
 * what broke and how it could be fixed.
 */
import { Subject, Subscription, config, queueScheduler, type SchedulerLike } from 'rxjs';
import {
  Anycast,
  Bidirectional,
  Broadcast,
  ReceiverInvalidatedError,
  ReceiverStoppedError,
  type Receiver,
} from 'rx-channels';
import { Event, Merge, Timer, fromObservable, select, selectedFrom } from 'rx-channels/util';
import { flushMicrotasks, track } from '../helpers/async';
import { canCollect, collectUntil } from '../helpers/gc';

/** The settled values of tracked promises, `'pending'` for those still waiting. */
function states(...tracked: { current(): { state: string; value?: unknown } }[]): unknown[] {
  return tracked.map((t) => {
    const current = t.current();
    return current.state === 'fulfilled' ? current.value : current.state;
  });
}

/** A virtual clock whose actions run as soon as they are due: at once for a delay of 0. */
function eagerClock() {
  let nowMs = 0;
  const actions: { work: () => void; dueMs: number; live: boolean }[] = [];
  const runDue = () => {
    for (const action of actions.splice(0)) {
      if (action.live && action.dueMs <= nowMs) {
        action.live = false;
        action.work();
      } else if (action.live) {
        actions.push(action);
      }
    }
  };
  const scheduler = {
    now: () => nowMs,
    schedule(work: () => void, delay = 0): Subscription {
      const action = { work, dueMs: nowMs + delay, live: true };
      actions.push(action);
      if (delay <= 0) runDue();
      return new Subscription(() => {
        action.live = false;
      });
    },
  } as SchedulerLike;
  return {
    scheduler,
    advance(byMs: number) {
      nowMs += byMs;
      runDue();
    },
  };
}

describe('attacks: receive() waiter (Taker) and order', () => {
  it.each([
    ['Broadcast', () => new Broadcast<number>('b')],
    ['Anycast', () => new Anycast<number>()],
  ] as const)('%s: three concurrent receive() calls get the messages in call order', async (_kind, make) => {
    const channel = make();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const calls = [receiver.receive(), receiver.receive(), receiver.receive()].map(track);
    await sender.send(1);
    await sender.send(2);
    await sender.send(3);
    await flushMicrotasks();
    expect(states(...calls)).toEqual([1, 2, 3]);
  });

  it('Broadcast: order holds when the waiter is freed and taken again between sends', async () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const first = track(receiver.receive()); // the Taker
    const second = track(receiver.receive()); // a PendingWait
    await sender.send(1); // wake round: the Taker takes 1, the wait parks again
    const third = track(receiver.receive()); // the Taker again, now after the wait
    await sender.send(2); // the wait is not alone: no hand-over
    await sender.send(3);
    await flushMicrotasks();
    expect(states(first, second, third)).toEqual([1, 2, 3]);
  });

  it('Broadcast: a receive() made inside the resolution of another gets the next message', async () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const seen: number[] = [];
    const chained = receiver.receive().then(async (first) => {
      seen.push(first);
      seen.push(await receiver.receive());
      seen.push(await receiver.receive());
    });
    await sender.send(1);
    await flushMicrotasks();
    await sender.send(2);
    await sender.send(3);
    await chained;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('Broadcast: a receive({ signal }) aborted behind the waiter takes nothing', async () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const controller = new AbortController();
    const waiting = track(receiver.receive());
    const aborted = track(receiver.receive({ signal: controller.signal }));
    controller.abort(new Error('stop'));
    await sender.send(1);
    await sender.send(2);
    await flushMicrotasks();
    expect(waiting.current()).toEqual({ state: 'fulfilled', value: 1 });
    expect(aborted.current().state).toBe('rejected');
    expect(await receiver.receive()).toBe(2);
  });

  it('Broadcast: ready() next to the waiting receive() resolves, and the message goes to receive()', async () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const taking = track(receiver.receive());
    const readying = track(receiver.ready());
    await sender.send(1);
    await flushMicrotasks();
    expect(taking.current()).toEqual({ state: 'fulfilled', value: 1 });
    expect(readying.current().state).toBe('pending'); // the message was consumed by receive()
    await sender.send(2);
    await flushMicrotasks();
    expect(readying.current()).toEqual({ state: 'fulfilled', value: true });
    expect(receiver.consume()).toBe(2);
  });

  it.each([
    ['Broadcast', () => new Broadcast<number>('b')],
    ['Anycast', () => new Anycast<number>()],
  ] as const)('%s: receive(), an iterator and a subscriber on one receiver: every message once', async (_k, make) => {
    const channel = make();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const got: number[] = [];
    const iterator = receiver[Symbol.asyncIterator]();
    const viaIterator = iterator.next().then((result) => got.push(result.value as number));
    const viaReceive = receiver.receive().then((message) => got.push(message));
    let subscription: Subscription | undefined;
    const viaSubscriber = new Promise<void>((resolve) => {
      subscription = receiver.subscribe((message) => {
        got.push(message);
        subscription?.unsubscribe();
        resolve();
      });
    });
    for (const message of [1, 2, 3, 4, 5]) {
      await sender.send(message);
    }
    await Promise.all([viaIterator, viaReceive, viaSubscriber]);
    await iterator.return?.();
    const rest: number[] = [];
    while (await receiver.ready()) {
      rest.push(receiver.consume());
      if (got.length + rest.length === 5) break;
    }
    expect([...got, ...rest].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('Broadcast: receive() and select() over the same receiver: every message once', async () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const loop = select(receiver)[Symbol.asyncIterator]();
    const viaSelect = loop.next();
    const viaReceive = receiver.receive();
    const viaMerge = new Merge(receiver).receive();
    await sender.send(1);
    await sender.send(2);
    await sender.send(3);
    const selected = (await viaSelect).value;
    const fromSelect = selectedFrom(selected, receiver) && !selected.wasStopped ? selected.message : undefined;
    const all = [fromSelect, await viaReceive, await viaMerge];
    await loop.return?.();
    expect(all.sort()).toEqual([1, 2, 3]);
  });

  // Was a bug, now fixed (HEAD 2205692 and before; not specific to the Taker: two PendingWaits did
  // the same). A wake round empties the WakerSet and calls the wakers in order; each one parks
  // again when it finds nothing. fn runs inside the first waker's consume(), and a receive() called
  // there parked into the emptied set *before* the round's later wakers (the second receive())
  // parked again, so it jumped the line. Now wakers that park for the first time during a round
  // wait behind the round's wakers (WakerSet's late list), and the reusable receive() waiter stays
  // busy until its message is taken.
  it('Broadcast: a receive() called from inside map(fn) queues behind the receive() calls made before it', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    let late: Promise<number> | undefined;
    const mapped: Receiver<number> = channel.newReceiver().map((n) => {
      if (n === 1) late = mapped.receive(); // called while the wake round of 1 runs
      return n;
    });
    const first = track(mapped.receive()); // the Taker
    const second = track(mapped.receive()); // a PendingWait, parked after the Taker
    await sender.send(1);
    const third = track(late as Promise<number>);
    await sender.send(2);
    await sender.send(3);
    await flushMicrotasks();
    expect(states(first, second, third)).toEqual([1, 2, 3]);
  });

  it('Event: two concurrent receive() calls each get a set() of their own', async () => {
    const event = new Event();
    const first = track(event.receive());
    const second = track(event.receive());
    event.set();
    await flushMicrotasks();
    expect([first.current().state, second.current().state]).toEqual(['fulfilled', 'pending']);
    event.set();
    await flushMicrotasks();
    expect(second.current().state).toBe('fulfilled');
  });

  it('Timer on an eager virtual clock: concurrent receive() calls each get a tick of their own', async () => {
    const clock = eagerClock();
    const timer = new Timer(10, { scheduler: clock.scheduler });
    const calls = [timer.receive(), timer.receive(), timer.receive()].map(track);
    for (let step = 0; step < 3; step++) {
      clock.advance(10);
      await flushMicrotasks();
    }
    timer.stop();
    expect(calls.map((call) => call.current().state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const times = calls.map((call) => (call.current() as { value: Date }).value.getTime());
    expect(times).toEqual([10, 20, 30]);
  });

  it('Timer on queueScheduler with its clock already past the tick: receive() does not hang', async () => {
    let nowMs = 0;
    const scheduler = Object.create(queueScheduler, { now: { value: () => nowMs } }) as SchedulerLike;
    const timer = new Timer(5, { scheduler });
    const first = track(timer.receive());
    nowMs = 100; // a poll now fires the tick: the waiting receive() gets it first
    const second = track(timer.receive());
    await flushMicrotasks();
    timer.stop();
    await flushMicrotasks();
    expect(first.current().state).toBe('fulfilled');
    expect(second.current().state).toBe('rejected');
  });

  it('fromObservable: the waiter takes a value emitted while it waits, then stops on complete', async () => {
    const subject = new Subject<number>();
    const receiver = fromObservable(subject);
    const first = track(receiver.receive());
    const second = track(receiver.receive());
    subject.next(1);
    subject.complete();
    await flushMicrotasks();
    expect(first.current()).toEqual({ state: 'fulfilled', value: 1 });
    expect(second.current().state).toBe('rejected');
    expect((second.current() as { reason: unknown }).reason).toBeInstanceOf(ReceiverStoppedError);
  });
});

describe('attacks: direct hand-over to a receive() (_handDirect)', () => {
  // Was a bug at a251c27, fixed by 2205692 (these pass now; kept as regressions): `_handDirect` also settled a sole *PendingWait* with `consumes`
  // set, with the raw message. A PendingWait of `map()` (or `filter()`, or a Bidirectional
  // handle) is parked on the wrapped Broadcast receiver, so the wrapped receiver handed it its own
  // message: `map(fn).receive({ signal })` resolved with the unmapped message and
  // `filter(p).receive({ signal })` with a message that fails `p`. The same happens to the second
  // of two plain `map(fn).receive()` calls (it falls back to a PendingWait) once it is alone.
  // Fix: hand directly only to the receiver's own waiter (`sole === this._taker`), or to a
  // PendingWait whose source is this receiver; 2205692 did the former.
  it('map(fn).receive({ signal }) resolves with fn(message)', async () => {
    const channel = new Broadcast<number>('b');
    const mapped = channel.newReceiver().map((n) => n * 10);
    const sender = channel.newSender();
    const pending = mapped.receive({ signal: new AbortController().signal });
    await sender.send(1);
    expect(await pending).toBe(10);
  });

  it('the second of two map(fn).receive() calls resolves with fn(message)', async () => {
    const channel = new Broadcast<number>('b');
    const mapped = channel.newReceiver().map((n) => `#${n}`);
    const sender = channel.newSender();
    const first = mapped.receive();
    const second = mapped.receive();
    await sender.send(1);
    expect(await first).toBe('#1');
    await sender.send(2);
    expect(await second).toBe('#2');
  });

  it('filter(p).receive({ signal }) never resolves with a message that fails p', async () => {
    const channel = new Broadcast<number>('b');
    const evens = channel.newReceiver().filter((n) => n % 2 === 0);
    const sender = channel.newSender();
    const pending = evens.receive({ signal: new AbortController().signal });
    await sender.send(1);
    await sender.send(2);
    expect(await pending).toBe(2);
  });

  it('a Bidirectional handle: receive() and receive({ signal }) get the messages in order', async () => {
    const channel = new Bidirectional<string, number>('client', 'service');
    const first = track(channel.clientHandle.receive());
    const second = track(channel.clientHandle.receive({ signal: new AbortController().signal }));
    await channel.serviceHandle.send(1);
    await channel.serviceHandle.send(2);
    await flushMicrotasks();
    expect(states(first, second)).toEqual([1, 2]);
  });

  it('a send from inside another receiver’s subscriber keeps send order for the waiting receive()', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    const echo = channel.newReceiver();
    const waiting = channel.newReceiver();
    const subscription = echo.subscribe((message) => {
      if (message === 1) void sender.send(2);
    });
    const first = track(waiting.receive());
    const second = track(waiting.receive());
    await sender.send(1);
    await flushMicrotasks();
    subscription.unsubscribe();
    expect(states(first, second)).toEqual([1, 2]);
  });

  it('a send from inside map(fn) while it consumes keeps order for the next receive()', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    const raw = channel.newReceiver();
    const mapped = raw.map((n) => {
      if (n === 1) void sender.send(2);
      return n;
    });
    const first = track(mapped.receive());
    await sender.send(1);
    await flushMicrotasks();
    const second = track(mapped.receive());
    await flushMicrotasks();
    expect(states(first, second)).toEqual([1, 2]);
  });

  it('a send from inside a filter predicate during registration is not lost by the waiting receive()', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    const inner = channel.newReceiver();
    const filtered = inner.filter((n) => {
      if (n === 1) void sender.send(2); // sent while filter's park polls
      return n !== 1;
    });
    await sender.send(1); // buffered: the filter's first poll runs the predicate
    const pending = track(filtered.receive());
    await flushMicrotasks();
    expect(pending.current()).toEqual({ state: 'fulfilled', value: 2 });
  });

  it('a throwing map(fn) rejects that receive() and the waiter is reusable', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    const mapped = channel.newReceiver().map((n) => {
      if (n === 1) throw new Error('boom');
      return n;
    });
    const first = track(mapped.receive());
    await sender.send(1);
    await flushMicrotasks();
    expect(first.current().state).toBe('rejected');
    const second = track(mapped.receive());
    await sender.send(2);
    await flushMicrotasks();
    expect(second.current()).toEqual({ state: 'fulfilled', value: 2 });
  });

  it('a throwing subscriber next to the waiting receive() does not lose the message for it', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    const other = channel.newReceiver();
    const receiver = channel.newReceiver();
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    const subscription = other.subscribe(() => {
      throw new Error('subscriber');
    });
    const pending = track(receiver.receive());
    try {
      await sender.send(1).catch(() => undefined);
      await flushMicrotasks();
      // RxJS reports the subscriber's error from a timeout of 0: let it run while reported.
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      config.onUnhandledError = previous;
      subscription.unsubscribe();
    }
    expect(pending.current()).toEqual({ state: 'fulfilled', value: 1 });
    expect(reported).toHaveLength(1);
  });
});

describe('attacks: stopping while the waiter waits', () => {
  it.each([
    ['close()', (receiver: Receiver<number>): void => receiver.close(), ReceiverStoppedError],
    ['intoPeekable()', (receiver: Receiver<number>): void => void receiver.intoPeekable(), ReceiverInvalidatedError],
  ] as const)('Broadcast %s rejects both waiting receive() calls', async (_name, stop, errorClass) => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    const first = receiver.receive();
    const second = receiver.receive();
    stop(receiver);
    await expect(first).rejects.toBeInstanceOf(errorClass);
    await expect(second).rejects.toBeInstanceOf(errorClass);
  });

  it('Broadcast channel close rejects the waiting receive() with ReceiverStoppedError', async () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    const pending = receiver.receive();
    await channel.close();
    await expect(pending).rejects.toBeInstanceOf(ReceiverStoppedError);
  });

  it('Anycast close() of the receiver and of the channel reject waiting receive() calls', async () => {
    const channel = new Anycast<number>();
    const closedReceiver = channel.newReceiver();
    const other = channel.newReceiver();
    const a = closedReceiver.receive();
    const b = other.receive();
    const c = other.receive();
    closedReceiver.close();
    await expect(a).rejects.toBeInstanceOf(ReceiverStoppedError);
    await channel.close();
    await expect(b).rejects.toBeInstanceOf(ReceiverStoppedError);
    await expect(c).rejects.toBeInstanceOf(ReceiverStoppedError);
  });

  it('Anycast: a receiver closed while its waiter waits does not swallow the next message', async () => {
    const channel = new Anycast<number>();
    const sender = channel.newSender();
    const closing = channel.newReceiver();
    const staying = channel.newReceiver();
    const lost = closing.receive();
    const kept = staying.receive();
    closing.close();
    await expect(lost).rejects.toBeInstanceOf(ReceiverStoppedError);
    await sender.send(1);
    expect(await kept).toBe(1);
  });

  it('close() from inside map(fn) of the message being taken leaves the next receive() rejecting', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    const raw = channel.newReceiver();
    const mapped = raw.map((n) => {
      raw.close();
      return n;
    });
    const first = track(mapped.receive());
    const second = track(mapped.receive());
    await sender.send(1);
    await flushMicrotasks();
    expect(first.current()).toEqual({ state: 'fulfilled', value: 1 });
    expect(second.current().state).toBe('rejected');
  });

  it('Timer stop() rejects the waiting receive() calls', async () => {
    const timer = new Timer(1_000_000, { scheduler: queueScheduler });
    const first = timer.receive();
    const second = timer.receive();
    timer.stop();
    await expect(first).rejects.toBeInstanceOf(ReceiverStoppedError);
    await expect(second).rejects.toBeInstanceOf(ReceiverStoppedError);
  });
});

/** A receiver nobody references but its pending call: made and dropped in a plain function. */
function callOnDroppedReceiver(channel: Broadcast<number>, mode: 'receive' | 'mapped'): Promise<number> {
  const receiver = channel.newReceiver();
  return mode === 'receive' ? receiver.receive() : receiver.map((n) => n + 1).receive();
}

describe('attacks: garbage collection while only the waiter waits', () => {
  const maybe = canCollect ? it : it.skip;

  maybe.each([
    ['receive()', 'receive', 1],
    ['map(fn).receive()', 'mapped', 2],
  ] as const)(
    'a Broadcast receiver waited on only by %s stays alive, and is collectable after',
    async (_n, mode, want) => {
      const channel = new Broadcast<number>('b');
      const sender = channel.newSender();
      const pending = callOnDroppedReceiver(channel, mode);
      expect(await collectUntil(() => channel.receiverCount === 0, 5)).toBe(false);
      await sender.send(1);
      expect(await pending).toBe(want);
      expect(await collectUntil(() => channel.receiverCount === 0)).toBe(true);
    },
  );
});
