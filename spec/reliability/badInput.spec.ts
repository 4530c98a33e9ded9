/**
 * Bad input: every public constructor and method given bad values gets a clear error of the
 * library's classes (or a TypeError / RangeError naming the option), never a hang and never an
 * unhandled rejection (Jest 30 fails a test on one).
 */
import {
  Anycast,
  Bidirectional,
  Broadcast,
  ChannelClosedError,
  ReceiverError,
  ReceiverInvalidatedError,
  ReceiverStoppedError,
  SenderError,
  setLogger,
  type BroadcastReceiver,
  type Receiver,
} from 'rx-channels';
import { Observable, of } from 'rxjs';
import {
  Event,
  fromObservable,
  Merge,
  MergeNamed,
  Select,
  select,
  SkipMissedAndDrift,
  Timer,
  toChannel,
  TriggerAllMissed,
} from 'rx-channels/util';
import { flushMicrotasks, NOT_REJECTED, reasonOf, settlementOf, thrownBy } from '../helpers/async';

/** What a call fails with, whether it throws at once or returns a rejected promise. */
async function failureOf(call: () => unknown): Promise<unknown> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return error;
  }
  return result instanceof Promise ? reasonOf(result) : NOT_REJECTED;
}

const NOT_A_SIGNAL = [5, 'signal', {}, { aborted: false }, null] as const;
const BAD_SIZES = [NaN, -1, 0, 1.5, Infinity, -Infinity] as const;
/** An Anycast takes 0 (rendezvous) and Infinity (unbounded) too. */
const BAD_ANYCAST_SIZES = [NaN, -1, 1.5, -Infinity] as const;
const NOT_NUMBERS = ['10', null, {}, true, 10n] as const;
const NOT_OPTIONS = [5, 'name', true, null, () => undefined] as const;

describe('bad input', () => {
  describe('constructors and factories', () => {
    it.each(BAD_ANYCAST_SIZES)('new Anycast({ maxsize: %p }) is a RangeError naming `maxsize`', (maxsize) => {
      expect(() => new Anycast({ maxsize })).toThrow(RangeError);
      expect(() => new Anycast({ maxsize })).toThrow(/`maxsize`/);
    });

    it.each(NOT_NUMBERS)('new Anycast({ maxsize: %p }) is a TypeError naming `maxsize`', (maxsize) => {
      expect(() => new Anycast({ maxsize: maxsize as unknown as number })).toThrow(TypeError);
      expect(() => new Anycast({ maxsize: maxsize as unknown as number })).toThrow(/`maxsize`/);
    });

    it.each([5, null, {}, Symbol('name')])('new Anycast({ name: %p }) is a TypeError naming `name`', (name) => {
      expect(() => new Anycast({ name: name as unknown as string })).toThrow(/`name`/);
      expect(thrownBy(() => new Anycast({ name: name as unknown as string }))).toBeInstanceOf(TypeError);
    });

    it.each(NOT_OPTIONS)('new Anycast(%p) is a TypeError naming `options`, not silently the defaults', (options) => {
      expect(() => new Anycast(options as unknown as object)).toThrow(TypeError);
      expect(() => new Anycast(options as unknown as object)).toThrow(/`options`/);
    });

    it.each([undefined, 5, null, {}, ['name']])('new Broadcast(%p) is a TypeError naming `name`', (name) => {
      expect(() => new Broadcast(name as string)).toThrow(TypeError);
      expect(() => new Broadcast(name as string)).toThrow(/`name`/);
    });

    it.each(NOT_OPTIONS)("new Broadcast('b', %p) is a TypeError naming `options`", (options) => {
      expect(() => new Broadcast('b', options as unknown as object)).toThrow(TypeError);
      expect(() => new Broadcast('b', options as unknown as object)).toThrow(/`options`/);
    });

    it.each(BAD_SIZES)('broadcast.newReceiver({ maxsize: %p }) is a RangeError and attaches nothing', (maxsize) => {
      const channel = new Broadcast<number>('b');
      expect(() => channel.newReceiver({ maxsize })).toThrow(RangeError);
      expect(channel.receiverCount).toBe(0);
    });

    it.each(NOT_NUMBERS)('broadcast.newReceiver({ maxsize: %p }) is a TypeError', (maxsize) => {
      expect(() => new Broadcast('b').newReceiver({ maxsize: maxsize as unknown as number })).toThrow(TypeError);
    });

    it('broadcast.newReceiver({ name: 5 }) is a TypeError naming `name` and attaches nothing', () => {
      const channel = new Broadcast<number>('b');
      expect(() => channel.newReceiver({ name: 5 as unknown as string })).toThrow(/`name`/);
      expect(channel.receiverCount).toBe(0);
    });

    it.each(NOT_OPTIONS)('broadcast.newReceiver(%p) is a TypeError naming `options`', (options) => {
      const channel = new Broadcast<number>('b');
      expect(() => channel.newReceiver(options as unknown as object)).toThrow(TypeError);
      expect(() => channel.newReceiver(options as unknown as object)).toThrow(/`options`/);
      expect(channel.receiverCount).toBe(0);
    });

    it.each([
      [5, 's'],
      ['c', null],
      [undefined, 's'],
    ])('new Bidirectional(%p, %p) is a TypeError', (clientId, serviceId) => {
      expect(() => new Bidirectional(clientId as string, serviceId as string)).toThrow(TypeError);
    });

    it.each([5, null, {}, { warn: 'no' }])(
      'setLogger(%p) is a TypeError naming `logger`, and keeps the logger',
      (logger) => {
        const warnings: string[] = [];
        setLogger({ warn: (message) => warnings.push(message) });
        try {
          expect(() => setLogger(logger as unknown as undefined)).toThrow(TypeError);
          expect(() => setLogger(logger as unknown as undefined)).toThrow(/`logger`/);
          const channel = new Broadcast<number>('b');
          channel.newReceiver({ maxsize: 1 });
          void channel.newSender().send(1);
          void channel.newSender().send(2);
          expect(warnings).toHaveLength(1);
        } finally {
          setLogger(undefined);
        }
      },
    );
  });

  describe('signals', () => {
    it.each(NOT_A_SIGNAL)(
      'ready/receive/send with { signal: %p } fail with a TypeError naming `signal`',
      async (signal) => {
        const channel = new Anycast<number>();
        const receiver = channel.newReceiver();
        const options = { signal: signal as unknown as AbortSignal };
        for (const call of [
          () => receiver.ready(options),
          () => receiver.receive(options),
          () => channel.newSender().send(1, options),
        ]) {
          const failure = await failureOf(call);
          expect(failure).toBeInstanceOf(TypeError);
          expect(String(failure)).toMatch(/`signal`/);
        }
        // The bad send placed nothing, the bad receives took nothing.
        await channel.newSender().send(2);
        expect(await receiver.receive()).toBe(2);
      },
    );

    it('a signal that is already aborted rejects ready() with its reason even with a message ready, which stays', async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      const reason = new Error('give up');
      expect(await reasonOf(receiver.ready({ signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(await reasonOf(receiver.receive({ signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(await receiver.receive()).toBe(1);
    });
  });

  describe('use after close', () => {
    it('Anycast: send, new senders and blocked senders fail with SenderError, receivers drain then stop', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const sender = channel.newSender();
      const receiver = channel.newReceiver();
      await sender.send(1);
      const blocked = sender.send(2);
      await channel.close();
      await channel.close();
      for (const failure of [
        await reasonOf(blocked),
        await reasonOf(sender.send(3)),
        await reasonOf(channel.newSender().send(4)),
      ]) {
        expect(failure).toBeInstanceOf(SenderError);
        expect((failure as SenderError).cause).toBeInstanceOf(ChannelClosedError);
      }
      expect(await receiver.receive()).toBe(1);
      expect(await reasonOf(receiver.receive())).toBeInstanceOf(ReceiverStoppedError);
      expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverStoppedError);
      expect(await channel.newReceiver().ready()).toBe(false);
    });

    it('Broadcast: send fails, receivers made after close are stopped, peek() is undefined', async () => {
      const channel = new Broadcast<number>('b', { resendLatest: true });
      const peekable = channel.newPeekable();
      await channel.newSender().send(1);
      await channel.close();
      expect(await reasonOf(channel.newSender().send(2))).toBeInstanceOf(SenderError);
      const late = channel.newReceiver();
      expect(await late.ready()).toBe(false);
      expect(await reasonOf(late.receive())).toBeInstanceOf(ReceiverStoppedError);
      expect(peekable.peek()).toBeUndefined();
      expect(channel.receiverCount).toBe(0);
    });

    it('a closed receiver: ready() is false, receive() and consume() throw ReceiverStoppedError; close() is idempotent', async () => {
      for (const receiver of [new Anycast<number>().newReceiver(), new Broadcast<number>('b').newReceiver()]) {
        receiver.close();
        receiver.close();
        expect(await receiver.ready()).toBe(false);
        expect(await reasonOf(receiver.receive())).toBeInstanceOf(ReceiverStoppedError);
        expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverStoppedError);
      }
    });

    it('a Broadcast receiver turned into a peekable throws ReceiverInvalidatedError, twice and after close', async () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      receiver.intoPeekable();
      receiver.intoPeekable();
      receiver.close();
      expect(await reasonOf(receiver.receive())).toBeInstanceOf(ReceiverInvalidatedError);
      expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverInvalidatedError);
    });

    it('intoPeekable() on an Anycast receiver is a ReceiverError', () => {
      const receiver = new Anycast<number>().newReceiver();
      expect(thrownBy(() => receiver.intoPeekable())).toBeInstanceOf(ReceiverError);
    });
  });

  describe('consume() out of turn', () => {
    const kinds: [string, () => [Receiver<number>, (message: number) => Promise<void>]][] = [
      ['Anycast', () => anycastPair()],
      ['Broadcast', () => broadcastPair()],
      ['map()', () => mapped(anycastPair())],
      ['filter()', () => filtered(anycastPair())],
    ];

    it.each(kinds)(
      '%s: consume() before ready() is a ReceiverError (not stopped), also with a message waiting',
      async (_kind, make) => {
        const [receiver, send] = make();
        expectNotReady(thrownBy(() => receiver.consume()));
        await send(1);
        expectNotReady(thrownBy(() => receiver.consume()));
        expect(await receiver.receive()).toBe(1);
      },
    );

    it.each(kinds)(
      '%s: a second consume() after one ready() is a ReceiverError and loses nothing',
      async (_kind, make) => {
        const [receiver, send] = make();
        await send(1);
        await send(2);
        expect(await receiver.ready()).toBe(true);
        expect(receiver.consume()).toBe(1);
        expectNotReady(thrownBy(() => receiver.consume()));
        expect(await receiver.receive()).toBe(2);
      },
    );
  });

  describe('reentrant calls', () => {
    it('a map() function that consumes the receiver it wraps fails that receive with a ReceiverError, and the receiver goes on', async () => {
      const channel = new Anycast<number>();
      const inner = channel.newReceiver();
      const doubled = inner.map((message) => {
        if (message === 1) {
          inner.consume();
        }
        return message * 2;
      });
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      expect(await reasonOf(doubled.receive())).toBeInstanceOf(ReceiverError);
      expect(await doubled.receive()).toBe(4);
    });

    it('a map() function that throws fails that receive with its error; the next message is received', async () => {
      const channel = new Anycast<number>();
      const failure = new Error('bad message');
      const receiver = channel.newReceiver().map((message) => {
        if (message === 1) {
          throw failure;
        }
        return message;
      });
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      expect(await reasonOf(receiver.receive())).toBe(failure);
      expect(await receiver.receive()).toBe(2);
    });

    it('a map() function that closes the channel still returns its message; the receiver then stops', async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver().map((message) => {
        void channel.close();
        return message;
      });
      await channel.newSender().send(1);
      expect(await receiver.receive()).toBe(1);
      expect(await receiver.ready()).toBe(false);
    });

    it('a map() function that waits on its own receiver does not deadlock: the nested receive gets the next message', async () => {
      const channel = new Anycast<number>();
      const nested: Promise<number>[] = [];
      const receiver: Receiver<number> = channel.newReceiver().map((message) => {
        if (message === 1) {
          nested.push(receiver.receive());
        }
        return message;
      });
      const sender = channel.newSender();
      await sender.send(1);
      expect(await receiver.receive()).toBe(1);
      await sender.send(2);
      expect(await nested[0]).toBe(2);
    });

    it('a subscriber that sends into its own Anycast channel from next() gets every message in order, without deep recursion', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const sender = channel.newSender();
      const seen: number[] = [];
      channel.newReceiver().subscribe((message) => {
        seen.push(message);
        if (message < 20_000) {
          void sender.send(message + 1);
        }
      });
      await sender.send(0);
      expect(seen).toHaveLength(20_001);
      expect(seen.every((message, index) => message === index)).toBe(true);
    });

    it('a Broadcast subscriber that sends from next() keeps send order for every receiver', async () => {
      const channel = new Broadcast<string>('b');
      const sender = channel.newSender();
      const first: string[] = [];
      const second = channel.newReceiver();
      channel.newReceiver().subscribe((message) => {
        first.push(message);
        if (message === 'a') {
          void sender.send('b');
        }
      });
      const third = channel.newReceiver();
      await sender.send('a');
      await sender.send('c');
      expect(first).toEqual(['a', 'b', 'c']);
      expect([await takeBuffered(second), await takeBuffered(third)]).toEqual([
        ['a', 'b', 'c'],
        ['a', 'b', 'c'],
      ]);
    });

    it('a subscriber that closes its receiver from next() completes; the other messages go to the next receiver', async () => {
      const channel = new Anycast<number>();
      const sender = channel.newSender();
      for (const message of [1, 2, 3]) {
        await sender.send(message);
      }
      const receiver = channel.newReceiver();
      const seen: number[] = [];
      let completed = false;
      receiver.subscribe({
        next: (message) => {
          seen.push(message);
          receiver.close();
        },
        complete: () => {
          completed = true;
        },
      });
      expect({ seen, completed }).toEqual({ seen: [1], completed: true });
      const next = channel.newReceiver();
      expect([await next.receive(), await next.receive()]).toEqual([2, 3]);
    });

    it('a subscriber that closes the channel from next() drains the buffer, then completes', async () => {
      const channel = new Anycast<number>();
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      const seen: number[] = [];
      let completed = false;
      channel.newReceiver().subscribe({
        next: (message) => {
          seen.push(message);
          void channel.close();
        },
        complete: () => {
          completed = true;
        },
      });
      expect({ seen, completed }).toEqual({ seen: [1, 2], completed: true });
    });

    it("a subscriber that aborts another receiver's pending receive() from next() rejects it, and it took nothing", async () => {
      const channel = new Broadcast<number>('b');
      const waiting = channel.newReceiver();
      const controller = new AbortController();
      const pending = waiting.receive({ signal: controller.signal });
      channel.newReceiver().subscribe(() => controller.abort());
      const settled = settlementOf(pending);
      await channel.newSender().send(1);
      // The abort ran inside the same send(), after `waiting` was handed the message or before.
      const settlement = await settled;
      if (settlement.state === 'rejected') {
        expect(settlement.reason).toBe(controller.signal.reason);
        expect(await waiting.receive()).toBe(1);
      } else {
        expect(settlement).toEqual({ state: 'fulfilled', value: 1 });
      }
    });

    it.each([
      ['Anycast', () => anycastPair()],
      ['Broadcast', () => broadcastPair()],
    ] as const)(
      '%s: of two concurrent ready() calls, aborting one leaves the other waiting for the next message',
      async (_kind, make) => {
        const [receiver, send] = make();
        const controller = new AbortController();
        const aborted = receiver.ready({ signal: controller.signal });
        const waiting = receiver.ready();
        controller.abort();
        expect(await reasonOf(aborted)).toBe(controller.signal.reason);
        await send(1);
        expect(await settlementOf(waiting)).toEqual({ state: 'fulfilled', value: true });
        expect(receiver.consume()).toBe(1);
      },
    );

    it('two concurrent receive() calls on one receiver both settle: one message each, or a ReceiverError; none hangs', async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      const first = receiver.receive();
      const second = receiver.receive();
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      await flushMicrotasks();
      const outcomes = [await settlementOf(first), await settlementOf(second)];
      const values = outcomes.flatMap((outcome) => (outcome.state === 'fulfilled' ? [outcome.value] : []));
      for (const outcome of outcomes) {
        if (outcome.state === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(ReceiverError);
        }
      }
      expect(outcomes.map((outcome) => outcome.state)).not.toContain('pending');
      // Whatever a rejected receive() did not take is still there.
      const rest = [];
      await channel.close();
      for await (const message of receiver) {
        rest.push(message);
      }
      expect([...values, ...rest].sort()).toEqual([1, 2]);
    });
  });

  describe('utilities', () => {
    const receiver = (): Receiver<number> => new Anycast<number>().newReceiver();

    it.each([NaN, 0, -1, Infinity, -Infinity])('new Timer(%p) is a RangeError naming `intervalMs`', (interval) => {
      expect(() => new Timer(interval, { autoStart: false })).toThrow(RangeError);
      expect(() => new Timer(interval, { autoStart: false })).toThrow(/`intervalMs`/);
      expect(() => Timer.periodic(interval, { autoStart: false })).toThrow(RangeError);
      expect(() => Timer.timeout(interval, { autoStart: false })).toThrow(RangeError);
    });

    it.each(['10', null, undefined, {}])('new Timer(%p) is a TypeError naming `intervalMs`', (interval) => {
      expect(() => new Timer(interval as number, { autoStart: false })).toThrow(TypeError);
      expect(() => new Timer(interval as number, { autoStart: false })).toThrow(/`intervalMs`/);
    });

    it.each([-1, NaN, Infinity])(
      'a Timer startDelayMs of %p is a RangeError, in the constructor and in reset()',
      (delay) => {
        expect(() => new Timer(10, { startDelayMs: delay })).toThrow(RangeError);
        const timer = new Timer(10, { autoStart: false });
        expect(() => timer.reset({ startDelayMs: delay })).toThrow(RangeError);
        expect(timer.isRunning).toBe(false);
      },
    );

    it('a Timer startDelayMs with autoStart: false is a RangeError', () => {
      expect(() => new Timer(10, { startDelayMs: 5, autoStart: false })).toThrow(RangeError);
    });

    it('wrong option types of a Timer are TypeErrors naming the option', () => {
      const cases: [object, RegExp][] = [
        [{ autoStart: 'no' }, /`autoStart`/],
        [{ missedTickPolicy: {} }, /`missedTickPolicy`/],
        [{ scheduler: {} }, /`scheduler`/],
        [{ startDelayMs: '5' }, /`startDelayMs`/],
      ];
      for (const [options, named] of cases) {
        expect(() => new Timer(10, options)).toThrow(TypeError);
        expect(() => new Timer(10, options)).toThrow(named);
      }
    });

    it.each([-1, NaN, '1', null])(
      'new SkipMissedAndDrift({ delayToleranceMs: %p }) fails naming `delayToleranceMs`',
      (tolerance) => {
        const error = thrownBy(() => new SkipMissedAndDrift({ delayToleranceMs: tolerance as number }));
        expect(error instanceof RangeError || error instanceof TypeError).toBe(true);
        expect(String(error)).toMatch(/`delayToleranceMs`/);
      },
    );

    it("a missed-tick policy passed where the options go (the seed's positional argument) is a TypeError", () => {
      expect(() => new Timer(10, new TriggerAllMissed() as unknown as object)).toThrow(TypeError);
      expect(() => new Timer(10, new TriggerAllMissed() as unknown as object)).toThrow(/missedTickPolicy/);
    });

    it.each(NOT_OPTIONS)(
      'utility options of %p are TypeErrors naming `options`, not silently the defaults',
      (options) => {
        const bad = options as unknown as object;
        const sender = new Anycast<number>().newSender();
        const calls: (() => unknown)[] = [
          () => new Timer(10, bad),
          () => Timer.periodic(10, bad),
          () => Timer.timeout(10, bad),
          () => new Timer(10, { autoStart: false }).reset(bad),
          () => new SkipMissedAndDrift(bad),
          () => fromObservable(of(1), bad),
          () => toChannel(sender, bad),
          () => new Event(bad),
        ];
        for (const call of calls) {
          const error = thrownBy(call);
          expect(error).toBeInstanceOf(TypeError);
          expect(String(error)).toMatch(/`options`/);
        }
      },
    );

    it('Merge, MergeNamed, Select and select() refuse no receivers and non-receivers with TypeErrors', () => {
      const calls: (() => unknown)[] = [
        () => new Merge(),
        () => new Merge(5 as unknown as Receiver<number>),
        () => new Merge(receiver(), of(1) as unknown as Receiver<number>),
        () => new MergeNamed({}),
        () => new MergeNamed(null as unknown as Record<string, Receiver<number>>),
        () => new MergeNamed({ a: 5 as unknown as Receiver<number> }),
        () => new Select({}),
        () => new Select({ a: 'a' as unknown as Receiver<number> }),
        // @ts-expect-error: `ready` is a reserved name, refused at compile time too.
        () => new Select({ ready: receiver() }),
        () => select(),
        () => select(null as unknown as Receiver<number>),
      ];
      for (const call of calls) {
        expect(thrownBy(call)).toBeInstanceOf(TypeError);
      }
    });

    it('select.get() of an unknown name is a TypeError, and takes nothing', async () => {
      const channel = new Anycast<number>();
      const selector = new Select({ a: channel.newReceiver() });
      await channel.newSender().send(1);
      expect(await selector.ready()).toBe(true);
      expect(thrownBy(() => selector.get('b' as 'a'))).toBeInstanceOf(TypeError);
      expect(selector.get('a')?.inner).toBe(1);
      await selector.stop();
    });

    it.each([0, -1, 1.5, NaN])('fromObservable() with maxsize %p is a RangeError and does not subscribe', (maxsize) => {
      let subscribed = false;
      const source = new Observable<number>(() => {
        subscribed = true;
      });
      expect(() => fromObservable(source, { maxsize })).toThrow(RangeError);
      expect(subscribed).toBe(false);
    });

    it.each([5, null, {}])('fromObservable(%p) and an unknown overflow policy are TypeErrors', (source) => {
      expect(() => fromObservable(source as unknown as Observable<number>)).toThrow(TypeError);
      expect(() => fromObservable(of(1), { overflow: 'dropNewest' as 'dropLatest' })).toThrow(TypeError);
    });

    it.each([-1, 1.5, NaN, '1'])(
      'toChannel() with maxPending %p fails, and toChannel() of a non-sender is a TypeError',
      (maxPending) => {
        const sender = new Anycast<number>().newSender();
        const error = thrownBy(() => toChannel(sender, { maxPending: maxPending as number }));
        expect(error instanceof RangeError || error instanceof TypeError).toBe(true);
        expect(() => toChannel(null as unknown as typeof sender)).toThrow(TypeError);
      },
    );

    it('a stopped Merge, Select, select() loop and Timer report the stop instead of hanging', async () => {
      const merge = new Merge(receiver());
      await merge.stop();
      expect(await reasonOf(merge.receive())).toBeInstanceOf(ReceiverStoppedError);
      expect(thrownBy(() => merge.consume())).toBeInstanceOf(ReceiverStoppedError);
      const selector = new Select({ a: receiver() });
      await selector.stop();
      expect(await selector.ready()).toBe(false);
      const loop = select(receiver());
      await loop.return?.();
      expect((await loop.next()).done).toBe(true);
      const timer = new Timer(10);
      timer.stop();
      expect(await reasonOf(timer.receive())).toBeInstanceOf(ReceiverStoppedError);
    });

    it('Merge consume() before ready() is a ReceiverError, not a stop', () => {
      const merge = new Merge(receiver());
      expectNotReady(thrownBy(() => merge.consume()));
      merge.close();
    });

    it('a Merge whose map() function stops the Merge still returns that message; the Merge then stops', async () => {
      const channel = new Anycast<number>();
      const merge = new Merge(channel.newReceiver());
      const mapped = merge.map((message) => {
        void merge.stop();
        return message;
      });
      await channel.newSender().send(1);
      expect(await mapped.receive()).toBe(1);
      expect(await mapped.ready()).toBe(false);
    });

    it('an Observable subscriber of a Timer that stops the timer from next() completes, with no tick after', async () => {
      const timer = new Timer(1);
      const ticks = await new Promise<number>((resolve) => {
        let count = 0;
        timer.subscribe({
          next: () => {
            count++;
            timer.stop();
          },
          complete: () => resolve(count),
        });
      });
      expect(ticks).toBe(1);
    });
  });

  describe('unusual messages', () => {
    it.each([undefined, null, 0, '', NaN, false])(
      '%p passes through Anycast and Broadcast as it is',
      async (message) => {
        const anycast = new Anycast<unknown>();
        const receiver = anycast.newReceiver();
        await anycast.newSender().send(message);
        expect(await receiver.receive()).toBe(message);
        const broadcast = new Broadcast<unknown>('b');
        const listener = broadcast.newReceiver();
        await broadcast.newSender().send(message);
        expect(await listener.ready()).toBe(true);
        expect(listener.consume()).toBe(message);
      },
    );

    it('a thenable message is delivered as it is by ready() + consume()', async () => {
      const channel = new Anycast<PromiseLike<number>>();
      const receiver = channel.newReceiver();
      const thenable: PromiseLike<number> = { then: (resolve) => Promise.resolve(7).then(resolve) };
      await channel.newSender().send(thenable);
      expect(await receiver.ready()).toBe(true);
      expect(receiver.consume()).toBe(thenable);
    });
  });
});

/** Every message a Broadcast receiver has buffered now. */
async function takeBuffered<T>(receiver: BroadcastReceiver<T>): Promise<T[]> {
  const messages: T[] = [];
  while (receiver.size > 0) {
    messages.push(await receiver.receive());
  }
  return messages;
}

function expectNotReady(error: unknown): void {
  expect(error).toBeInstanceOf(ReceiverError);
  expect(error).not.toBeInstanceOf(ReceiverStoppedError);
}

function anycastPair(): [Receiver<number>, (message: number) => Promise<void>] {
  const channel = new Anycast<number>();
  const sender = channel.newSender();
  return [channel.newReceiver(), (message) => sender.send(message)];
}

function broadcastPair(): [Receiver<number>, (message: number) => Promise<void>] {
  const channel = new Broadcast<number>('b');
  const sender = channel.newSender();
  return [channel.newReceiver(), (message) => sender.send(message)];
}

function mapped([receiver, send]: [Receiver<number>, (message: number) => Promise<void>]): [
  Receiver<number>,
  (message: number) => Promise<void>,
] {
  return [receiver.map((message) => message), send];
}

function filtered([receiver, send]: [Receiver<number>, (message: number) => Promise<void>]): [
  Receiver<number>,
  (message: number) => Promise<void>,
] {
  return [receiver.filter(() => true), send];
}
