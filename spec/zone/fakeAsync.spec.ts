/**
 * zone.js can track the library: under zone.js's `fakeAsync` (what Angular's `fakeAsync`,
 * `tick()` and `whenStable()` are built on) every wait of the library resumes inside
 * `flushMicrotasks()` or `tick(ms)`, and an aborted wait leaves no unhandled rejection (issue 12).
 *
 * This spec has no lib/ file of its own to mirror: like marbles/ and properties/ it tests a way
 * of running the whole library, not one of its files. What it guards is the rule that lib/ has
 * no native `async` function or `await` (the ESLint rule enforces the syntax; this spec the
 * behaviour). zone.js replaces the global `Promise` and sees every `then` on it, but the promise
 * of a native `async` function and the continuation of a native `await` belong to the engine: they
 * run in a microtask zone.js neither sees nor drains, so a wait written that way would still be
 * pending after `flushMicrotasks()`, and every test below would fail.
 *
 * The same holds for the tests themselves: ts-jest compiles this file for ES2022 (the `target` of
 * tsconfig.json), so an `await` or a `for await` written here would be native too, and would run
 * after fakeAsync has returned, proving nothing. So the test bodies are synchronous, they chain
 * `.then()` on the library's own promises, and the `for await` loop is written as the chain of
 * `next()` calls that a `for await` makes: the only promises in play are the library's.
 *
 * Every test of the library runs with `{ flush: false }`: fakeAsync then fails on a timer left
 * behind instead of running it, so each test also shows that it stopped what it started. The last
 * tests check the harness itself: that a native `await` or an unhandled rejection would fail
 * these tests, that a Timer left waiting is caught, and that zone.js leaves the other spec files
 * alone.
 */
// First, before the library loads: the promises it makes at module load are then zone.js's too.
import { fakeAsync, flushMicrotasks, pendingTimers, tick } from '../helpers/zone';
import { abortListenerCount, track } from '../helpers/async';
import { Anycast, Bidirectional, Broadcast, Merge, Pipe, select, selectedFrom, Timer } from 'rx-channels';
import type { Receiver, Selected } from 'rx-channels';

/** Runs `body` in a fakeAsync zone that fails on any timer left at its end. */
function inFakeAsync(body: () => void): () => void {
  return fakeAsync(body, { flush: false });
}

/**
 * Drives `receiver`'s async iterator as `for await (const message of receiver)` does, with
 * `.then()` on each `next()` instead of a native `await`. `messages` fills as the loop runs;
 * `ended` is set when the iterator reports done.
 */
function iterate<T>(receiver: Receiver<T>): { messages: T[]; ended(): boolean; stop(): void } {
  const iterator = receiver[Symbol.asyncIterator]();
  const messages: T[] = [];
  let ended = false;
  const step = (): Promise<void> =>
    iterator.next().then((result) => {
      if (result.done === true) {
        ended = true;
        return;
      }
      messages.push(result.value);
      return step();
    });
  void step();
  return {
    messages,
    ended: () => ended,
    stop: () => void iterator.return?.(),
  };
}

describe('zone.js fakeAsync', () => {
  it(
    'runs a waiting receive() to its end in flushMicrotasks() after a send',
    inFakeAsync(() => {
      const channel = new Anycast<string>({ name: 'jobs' });
      const receiver = channel.newReceiver();
      const received = receiver.receive();
      // A native async function would hand out the engine's promise, not zone.js's.
      expect(received).toBeInstanceOf(Promise);
      const settlement = track(received);
      flushMicrotasks();
      expect(settlement.current()).toEqual({ state: 'pending' });

      void channel.newSender().send('a');
      flushMicrotasks();
      expect(settlement.current()).toEqual({ state: 'fulfilled', value: 'a' });

      const closed = track(channel.close());
      flushMicrotasks();
      expect(closed.current()).toEqual({ state: 'fulfilled', value: undefined });
    }),
  );

  it(
    'runs a waiting ready() and a receive() on a later tick(), one step per flush',
    inFakeAsync(() => {
      const channel = new Broadcast<number>('prices');
      const receiver = channel.newReceiver();
      const ready = track(receiver.ready());
      const sender = channel.newSender();
      setTimeout(() => void sender.send(7), 50);
      tick(49);
      expect(ready.current()).toEqual({ state: 'pending' });
      tick(1);
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(receiver.consume()).toBe(7);
      void channel.close();
      const stopped = track(receiver.ready());
      flushMicrotasks();
      expect(stopped.current()).toEqual({ state: 'fulfilled', value: false });
    }),
  );

  it(
    'runs the next() chain of a for await loop: each message in its flush, the end on close()',
    inFakeAsync(() => {
      const channel = new Anycast<number>({ name: 'numbers' });
      const sender = channel.newSender();
      const loop = iterate(channel.newReceiver());
      flushMicrotasks();
      expect(loop.messages).toEqual([]);

      void sender.send(1);
      flushMicrotasks();
      expect(loop.messages).toEqual([1]);
      void sender.send(2);
      void sender.send(3);
      flushMicrotasks();
      expect(loop.messages).toEqual([1, 2, 3]);
      expect(loop.ended()).toBe(false);

      void channel.close();
      flushMicrotasks();
      expect(loop.ended()).toBe(true);
    }),
  );

  it(
    'ends a waiting next() chain at return() (a break) and leaves the next message in place',
    inFakeAsync(() => {
      const channel = new Anycast<number>({ name: 'numbers' });
      const receiver = channel.newReceiver();
      const loop = iterate(receiver);
      flushMicrotasks();
      loop.stop();
      flushMicrotasks();
      expect(loop.ended()).toBe(true);

      void channel.newSender().send(1);
      const next = track(receiver.receive());
      flushMicrotasks();
      expect(next.current()).toEqual({ state: 'fulfilled', value: 1 });
      void channel.close();
    }),
  );

  it(
    'rejects an aborted waiting receive() into its catch(), with no unhandled rejection',
    inFakeAsync(() => {
      // An unhandled rejection inside the zone makes flushMicrotasks() throw it: a wait that left a
      // second, unobserved promise rejecting with the abort reason would fail this test with it.
      const channel = new Anycast<number>({ name: 'jobs' });
      const receiver = channel.newReceiver();
      const controller = new AbortController();
      const reason = new Error('gave up');
      let caught: unknown = undefined;
      const received = receiver.receive({ signal: controller.signal });
      expect(received).toBeInstanceOf(Promise);
      void received.catch((error: unknown) => {
        caught = error;
      });
      flushMicrotasks();
      expect(abortListenerCount(controller.signal)).toBe(1);

      controller.abort(reason);
      flushMicrotasks();
      expect(caught).toBe(reason);
      expect(abortListenerCount(controller.signal)).toBe(0);

      // The aborted wait took nothing: the next message goes to the next receive().
      void channel.newSender().send(1);
      const next = track(receiver.receive());
      flushMicrotasks();
      expect(next.current()).toEqual({ state: 'fulfilled', value: 1 });
      void channel.close();
    }),
  );

  it(
    'releases a back-pressured send() on a full Anycast when a receive() makes room',
    inFakeAsync(() => {
      const channel = new Anycast<number>({ name: 'jobs', maxsize: 1 });
      const sender = channel.newSender();
      const receiver = channel.newReceiver();
      const first = track(sender.send(1));
      const blocked = sender.send(2);
      expect(blocked).toBeInstanceOf(Promise);
      const second = track(blocked);
      flushMicrotasks();
      expect(first.current()).toEqual({ state: 'fulfilled', value: undefined });
      expect(second.current()).toEqual({ state: 'pending' });

      const received = track(receiver.receive());
      flushMicrotasks();
      expect(received.current()).toEqual({ state: 'fulfilled', value: 1 });
      expect(second.current()).toEqual({ state: 'fulfilled', value: undefined });
      const next = track(receiver.receive());
      flushMicrotasks();
      expect(next.current()).toEqual({ state: 'fulfilled', value: 2 });
      void channel.close();
    }),
  );

  it(
    'completes a Bidirectional round trip: the client sends, the service replies',
    inFakeAsync(() => {
      const channel = new Bidirectional<string, number>('client', 'service');
      const { clientHandle, serviceHandle } = channel;
      // The service: receive one request, reply with its length.
      void serviceHandle.receive().then((request) => serviceHandle.send(request.length));
      const reply = track(clientHandle.receive());
      flushMicrotasks();
      expect(reply.current()).toEqual({ state: 'pending' });

      const sent = track(clientHandle.send('hello'));
      flushMicrotasks();
      expect(sent.current()).toEqual({ state: 'fulfilled', value: undefined });
      expect(reply.current()).toEqual({ state: 'fulfilled', value: 5 });
      const closed = track(channel.close());
      flushMicrotasks();
      expect(closed.current()).toEqual({ state: 'fulfilled', value: undefined });
    }),
  );

  it(
    'ticks a Timer on the default asyncScheduler under tick(ms), at the fake clock',
    inFakeAsync(() => {
      const start = Date.now();
      const timer = new Timer(100);
      // `finally`: a failing check must not leave the loop waiting on a real interval after
      // fakeAsync has returned (Jest would then never exit).
      try {
        const loop = iterate(timer);
        const elapsed = (): number[] => loop.messages.map((time) => time.getTime() - start);
        tick(99);
        expect(elapsed()).toEqual([]);
        tick(1);
        expect(elapsed()).toEqual([100]);
        tick(200);
        expect(elapsed()).toEqual([100, 200, 300]);

        // The loop waits for the next tick: the timer holds one zone.js timer until it stops.
        expect(pendingTimers()).toEqual({ timers: 0, periodic: 1 });
        timer.stop();
        flushMicrotasks();
        expect(loop.ended()).toBe(true);
        expect(pendingTimers()).toEqual({ timers: 0, periodic: 0 });
      } finally {
        timer.stop();
      }
    }),
  );

  it(
    'runs Timer.timeout() and reset() under tick(ms)',
    inFakeAsync(() => {
      const timer = Timer.timeout(100);
      try {
        const fired = track(timer.receive());
        tick(60);
        timer.reset();
        tick(60);
        expect(fired.current()).toEqual({ state: 'pending' });
        tick(40);
        expect(fired.current().state).toBe('fulfilled');
      } finally {
        timer.stop();
      }
    }),
  );

  it(
    'resumes a select() loop (its next() chain) waiting on two receivers, and ends it',
    inFakeAsync(() => {
      const numbers = new Anycast<number>({ name: 'numbers' });
      const words = new Anycast<string>({ name: 'words' });
      const numberReceiver = numbers.newReceiver();
      const wordReceiver = words.newReceiver();
      const seen: string[] = [];
      const iterator = select(numberReceiver, wordReceiver);
      const step = (result: IteratorResult<Selected<number | string>>): Promise<void> | undefined => {
        if (result.done === true) {
          seen.push('done');
          return undefined;
        }
        const selected = result.value;
        if (selectedFrom(selected, numberReceiver)) {
          seen.push(selected.wasStopped ? 'numbers stopped' : `number ${String(selected.inner)}`);
        } else if (selectedFrom(selected, wordReceiver)) {
          seen.push(selected.wasStopped ? 'words stopped' : `word ${String(selected.inner)}`);
        }
        return iterator.next().then(step);
      };
      const first = iterator.next();
      expect(first).toBeInstanceOf(Promise);
      void first.then(step);
      flushMicrotasks();
      expect(seen).toEqual([]);

      void words.newSender().send('hi');
      flushMicrotasks();
      expect(seen).toEqual(['word hi']);
      void numbers.newSender().send(4);
      flushMicrotasks();
      expect(seen).toEqual(['word hi', 'number 4']);

      void numbers.close();
      void words.close();
      flushMicrotasks();
      expect(seen).toEqual(['word hi', 'number 4', 'numbers stopped', 'words stopped', 'done']);
    }),
  );

  it(
    'resumes a waiting Merge receive() on a send to any source, and stop() settles',
    inFakeAsync(() => {
      const left = new Anycast<number>({ name: 'left' });
      const right = new Anycast<number>({ name: 'right' });
      const merged = new Merge(left.newReceiver(), right.newReceiver());
      const first = track(merged.receive());
      flushMicrotasks();
      expect(first.current()).toEqual({ state: 'pending' });

      void right.newSender().send(2);
      flushMicrotasks();
      expect(first.current()).toEqual({ state: 'fulfilled', value: 2 });

      const second = track(merged.receive());
      void left.newSender().send(1);
      flushMicrotasks();
      expect(second.current()).toEqual({ state: 'fulfilled', value: 1 });

      const waiting = track(merged.receive());
      const stopped = track(merged.stop());
      flushMicrotasks();
      expect(stopped.current()).toEqual({ state: 'fulfilled', value: undefined });
      expect(waiting.current().state).toBe('rejected');
      void left.close();
      void right.close();
    }),
  );

  it(
    'runs a Pipe: each message forwarded in the flush after its send, stop() settled in the next flush',
    inFakeAsync(() => {
      const source = new Anycast<number>({ name: 'source' });
      const target = new Broadcast<number>('target');
      const out = target.newReceiver();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      void source.newSender().send(1);
      void source.newSender().send(2);
      flushMicrotasks();
      expect([out.tryReceive(), out.tryReceive()]).toEqual([
        { ok: true, message: 1 },
        { ok: true, message: 2 },
      ]);
      const stopped = track(pipe.stop());
      flushMicrotasks();
      expect(stopped.current()).toEqual({ state: 'fulfilled', value: undefined });
    }),
  );

  it('would catch a native await: zone.js neither runs it in flushMicrotasks() nor lets a rejection pass', () => {
    // What makes the tests above able to fail. The native async function here stands for one in
    // lib/: its continuation is still pending when fakeAsync checks, so the check fails.
    let resumed = false;
    const nativeAwait = fakeAsync(
      () => {
        void (async () => {
          await Promise.resolve();
          resumed = true;
        })();
        flushMicrotasks();
        expect(resumed).toBe(true);
      },
      { flush: false },
    );
    expect(nativeAwait).toThrow();
    // And a rejection nobody handles inside the zone fails the test with its reason.
    const unhandled = fakeAsync(
      () => {
        void Promise.reject(new Error('nobody caught me'));
        flushMicrotasks();
      },
      { flush: false },
    );
    expect(unhandled).toThrow('nobody caught me');
  });

  it('sees a waiting Timer as pending work, and nothing once it is stopped', () => {
    // The check the tests above rely on can fail: a Timer someone waits on holds a timer, and
    // fakeAsync (without flush) reports it.
    const leftRunning = fakeAsync(
      () => {
        void new Timer(100).receive();
        tick(0);
      },
      { flush: false },
    );
    expect(leftRunning).toThrow('1 periodic timer(s) still in the queue');

    const stoppedInTime = fakeAsync(
      () => {
        const timer = new Timer(100);
        const waiting = track(timer.receive());
        tick(0);
        timer.stop();
        flushMicrotasks();
        expect(waiting.current().state).toBe('rejected');
        expect(pendingTimers()).toEqual({ timers: 0, periodic: 0 });
      },
      { flush: false },
    );
    expect(stoppedInTime).not.toThrow();
  });

  it('leaves the Node built-ins that other spec files share unpatched', () => {
    // Jest gives this file its own global object (its Promise, timers and `it` are zone.js's),
    // but the built-ins below are the same objects in every file of the worker.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const timers = require('node:timers') as object;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EventEmitter } = require('node:events') as { EventEmitter: { prototype: object } };
    const shared = [EventTarget.prototype, AbortSignal.prototype, Event.prototype, timers, EventEmitter.prototype];
    for (const target of shared) {
      expect(Reflect.ownKeys(target).filter((key) => String(key).includes('__zone_symbol__'))).toEqual([]);
    }
    expect(Promise).not.toBe((globalThis as Record<string, unknown>)[Zone.__symbol__('Promise')]);
  });
});
