import fc from 'fast-check';
import { expectTypeOf } from 'expect-type';
import {
  Anycast,
  Broadcast,
  ChannelClosedError,
  ReceiverError,
  ReceiverInvalidatedError,
  Receiver,
  ReceiverStoppedError,
  Bidirectional,
  BidirectionalHandle,
  BroadcastReceiver,
  Merge,
  select,
  UnhandledSelectedError,
  type Selected,
} from 'rx-channels';
import { Event, fromObservable, Timer } from 'rx-channels/util';
import {
  firstValueFrom,
  from,
  lastValueFrom,
  map as rxMap,
  Observable,
  observable as symbolObservable,
  take,
  Subject,
  toArray,
  VirtualTimeScheduler,
  Subscription,
  type SchedulerLike,
} from 'rxjs';
import { flushMicrotasks, reasonOf, settlementOf, thrownBy, track } from './helpers/async';
import { drain, ListReceiver, receiveMany } from './helpers/receivers';
import { propertyParameters } from './helpers/properties';

function anycastPair<T>(maxsize = 10) {
  const channel = new Anycast<T>({ name: 'jobs', maxsize });
  return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
}

/**
 * A hang guard: `promise`, or a rejection after `ms` of real time. Generous on purpose: what it
 * guards settles within a few microtask turns, and only a hang (the old code) reaches it.
 */
async function within<T>(promise: Promise<T>, ms = 2000): Promise<T> {
  let timeout: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timeout = setTimeout(() => reject(new Error(`hang guard: not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timeout);
  }
}

/** A receiver of each kind, with a way to give it one message and the message it then holds. */
interface ReceiverUnderTest {
  readonly receiver: Receiver<unknown>;
  produce(): Promise<void> | void;
  readonly expected: unknown;
}

function anycastReceiver(): { receiver: Receiver<number>; produce: () => Promise<void> } {
  const channel = new Anycast<number>();
  const sender = channel.newSender();
  return { receiver: channel.newReceiver(), produce: () => sender.send(1) };
}

const receiverKinds: ReadonlyArray<[string, () => ReceiverUnderTest]> = [
  ['an Anycast receiver', () => ({ ...anycastReceiver(), expected: 1 })],
  [
    'a Broadcast receiver',
    () => {
      const channel = new Broadcast<number>('b');
      const sender = channel.newSender();
      return { receiver: channel.newReceiver(), produce: () => sender.send(1), expected: 1 };
    },
  ],
  [
    'a Timer',
    () => {
      const scheduler = new VirtualTimeScheduler();
      const receiver = Timer.periodic(1000, { scheduler });
      return { receiver, produce: () => void (scheduler.frame = 1000), expected: new Date(1000) };
    },
  ],
  [
    'an Event',
    () => {
      const receiver = new Event();
      return { receiver, produce: () => receiver.set(), expected: undefined };
    },
  ],
  [
    'a Merge',
    () => {
      const { receiver, produce } = anycastReceiver();
      return { receiver: new Merge(receiver), produce, expected: 1 };
    },
  ],
  [
    'a map() result',
    () => {
      const { receiver, produce } = anycastReceiver();
      return { receiver: receiver.map((message) => message * 10), produce, expected: 10 };
    },
  ],
  [
    'a filter() result',
    () => {
      const { receiver, produce } = anycastReceiver();
      return { receiver: receiver.filter(() => true), produce, expected: 1 };
    },
  ],
  [
    'a fromObservable() receiver',
    () => {
      const subject = new Subject<number>();
      return { receiver: fromObservable(subject), produce: () => subject.next(1), expected: 1 };
    },
  ],
  [
    'a Bidirectional handle',
    () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      return { receiver: channel.clientHandle, produce: () => channel.serviceHandle.send(1), expected: 1 };
    },
  ],
];

describe('Receiver', () => {
  describe('ready() and consume()', () => {
    it('ready() resolves true when a message is ready, and stays ready until consume()', async () => {
      const { sender, receiver } = anycastPair<number>();
      await sender.send(1);
      await expect(receiver.ready()).resolves.toBe(true);
      await expect(receiver.ready()).resolves.toBe(true);
      expect(receiver.consume()).toBe(1);
      expect((await settlementOf(receiver.ready())).state).toBe('pending');
    });

    it('a pending ready() resolves true when a message is sent', async () => {
      const { sender, receiver } = anycastPair<number>();
      const ready = track(receiver.ready());
      await flushMicrotasks();
      expect(ready.current().state).toBe('pending');
      await sender.send(1);
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(receiver.consume()).toBe(1);
    });

    it('ready() resolves false once the receiver has stopped', async () => {
      const { channel, receiver } = anycastPair<number>();
      const ready = receiver.ready();
      await channel.close();
      await expect(ready).resolves.toBe(false);
      await expect(receiver.ready()).resolves.toBe(false);
    });

    it('concurrent ready() calls all resolve when a message is ready, and consume() hands it to one', async () => {
      const { sender, receiver } = anycastPair<number>();
      const first = receiver.ready();
      const second = receiver.ready();
      await sender.send(1);
      await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
      expect(receiver.consume()).toBe(1);
      expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverError);
    });

    it('consume() before ready() throws a ReceiverError that says so, and takes nothing', async () => {
      const { sender, receiver } = anycastPair<number>();
      await sender.send(1);
      const error = thrownBy(() => receiver.consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverError).message).toMatch(/: consume\(\) was called before ready\(\) resolved true$/);
      expect((error as ReceiverError).receiver).toBe(receiver);
      expect(await receiver.receive()).toBe(1);
    });

    it('consume() before ready() on a Broadcast receiver throws the same ReceiverError', async () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      expect((thrownBy(() => receiver.consume()) as Error).message).toMatch(
        /: consume\(\) was called before ready\(\) resolved true$/,
      );
      expect(await receiver.receive()).toBe(1);
    });

    it('consume() on a stopped receiver throws ReceiverStoppedError', async () => {
      const { channel, receiver } = anycastPair<number>();
      await channel.close();
      expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverStoppedError);
    });
  });

  describe('receive()', () => {
    it('waits for the next message and takes it', async () => {
      const { sender, receiver } = anycastPair<string>();
      const received = receiver.receive();
      await sender.send('a');
      await expect(received).resolves.toBe('a');
    });

    it('rejects with ReceiverStoppedError once the receiver has stopped', async () => {
      const { channel, receiver } = anycastPair<string>();
      const received = receiver.receive();
      await channel.close();
      await expect(received).rejects.toBeInstanceOf(ReceiverStoppedError);
      await expect(receiver.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
    });

    it('takes a message that is ready within the call, synchronously', async () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      expect(receiver.size).toBe(1);
      const received = receiver.receive();
      expect(receiver.size).toBe(0);
      await expect(received).resolves.toBe(1);
    });

    it('delivers undefined and null as messages', async () => {
      const { sender, receiver } = anycastPair<number | null | undefined>();
      await sender.send(undefined);
      await sender.send(null);
      await sender.send(0);
      expect(await receiveMany(receiver, 3)).toEqual([undefined, null, 0]);
    });

    it.each([
      ['Anycast', () => anycastPair<number>()],
      [
        'Broadcast',
        () => {
          const channel = new Broadcast<number>('b');
          return { channel, receiver: channel.newReceiver(), sender: channel.newSender() };
        },
      ],
    ])('concurrent receive() calls on one %s receiver each take a message of their own', async (_kind, make) => {
      const { sender, receiver } = make();
      const first = receiver.receive();
      const second = receiver.receive();
      await sender.send(1);
      await flushMicrotasks();
      await sender.send(2);
      await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    });

    it('a concurrent receive() that lost the message to another consumer stays abortable', async () => {
      const { sender, receiver } = anycastPair<number>();
      const controller = new AbortController();
      const first = receiver.receive();
      const second = track(receiver.receive({ signal: controller.signal }));
      await sender.send(1);
      await expect(first).resolves.toBe(1);
      await flushMicrotasks();
      expect(second.current().state).toBe('pending');
      controller.abort(new Error('gave up'));
      await flushMicrotasks();
      expect(second.current()).toEqual({ state: 'rejected', reason: new Error('gave up') });
      await sender.send(2);
      expect(await receiver.receive()).toBe(2);
    });

    it('a concurrent receive() that lost the message rejects with ReceiverStoppedError when the channel closes', async () => {
      const { channel, sender, receiver } = anycastPair<number>();
      const first = receiver.receive();
      const second = receiver.receive();
      await sender.send(1);
      await expect(first).resolves.toBe(1);
      await channel.close();
      await expect(second).rejects.toBeInstanceOf(ReceiverStoppedError);
    });

    it('throws a TypeError for a signal that is not an AbortSignal', () => {
      const { receiver } = anycastPair<number>();
      expect(() => receiver.receive({ signal: {} as AbortSignal })).toThrow(TypeError);
      expect(() => receiver.ready({ signal: 'x' as unknown as AbortSignal })).toThrow(TypeError);
    });
  });

  describe('the receive() slot (protocol invariant 5): a lone receive() waits in the receiver', () => {
    const channels = {
      Anycast: () => {
        const channel = new Anycast<number>({ name: 'slot', maxsize: 4 });
        return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
      },
      Broadcast: () => {
        const channel = new Broadcast<number>('slot');
        return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
      },
    };

    for (const [kind, make] of Object.entries(channels)) {
      describe(kind, () => {
        it('is first in line: a ready() and a receive() made after it wait for the next messages', async () => {
          const { sender, receiver } = make();
          const first = track(receiver.receive());
          const ready = track(receiver.ready());
          const second = track(receiver.receive());
          await sender.send(1);
          await flushMicrotasks();
          expect(first.current()).toEqual({ state: 'fulfilled', value: 1 });
          expect(second.current()).toEqual({ state: 'pending' });
          await sender.send(2);
          await flushMicrotasks();
          // ready() and the second receive() were both woken by 2; receive() took it.
          expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
          expect(second.current()).toEqual({ state: 'fulfilled', value: 2 });
        });

        it('a receive() made while a ready() waits queues behind it, and the slot is free again after', async () => {
          const { sender, receiver } = make();
          const ready = track(receiver.ready());
          const received = track(receiver.receive());
          await sender.send(1);
          await flushMicrotasks();
          expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
          expect(received.current()).toEqual({ state: 'fulfilled', value: 1 });
          const next = receiver.receive();
          await sender.send(2);
          await expect(next).resolves.toBe(2);
        });

        it('a receive() made from inside the delivery of the slot (a map() function) gets the next message', async () => {
          const { sender, receiver } = make();
          const seen: number[] = [];
          let inner: Promise<number> | undefined;
          const mapped = receiver.map((message) => {
            seen.push(message);
            inner ??= mapped.receive();
            return message;
          });
          const outer = mapped.receive();
          await sender.send(1);
          await sender.send(2);
          await expect(outer).resolves.toBe(1);
          await expect(inner).resolves.toBe(2);
          expect(seen).toEqual([1, 2]);
        });

        it('a receive() in the slot stops with the receiver on close(), and the next one rejects at once', async () => {
          const { receiver } = make();
          const received = receiver.receive();
          receiver.close();
          await expect(received).rejects.toBeInstanceOf(ReceiverStoppedError);
          await expect(receiver.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
        });

        it('a receive() in the slot stops when the channel closes, with the ChannelClosedError as its cause', async () => {
          const { channel, receiver } = make();
          const received = receiver.receive();
          await channel.close();
          const reason = await reasonOf(received);
          expect(reason).toBeInstanceOf(ReceiverStoppedError);
          expect((reason as Error).cause).toBeInstanceOf(ChannelClosedError);
        });
      });
    }

    it('one receiver, calls of every kind (the slot, a signal, a map(), one subscriber taking one): first come first served, each message once (model check)', async () => {
      type Op =
        | { readonly kind: 'wait'; readonly how: 'slot' | 'signal' | 'mapped' | 'subscriber' }
        | { readonly kind: 'send' }
        | { readonly kind: 'abort' };
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({
          kind: fc.constant('wait' as const),
          how: fc.constantFrom('slot', 'signal', 'mapped', 'subscriber'),
        }),
        fc.record({ kind: fc.constant('send' as const) }),
        fc.record({ kind: fc.constant('abort' as const) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.boolean(), fc.array(op, { maxLength: 30 }), async (anycast, ops) => {
          const { channel, sender, receiver } = anycast ? channels.Anycast() : channels.Broadcast();
          const mapped = receiver.map((message) => message);
          interface Call {
            readonly controller: AbortController | undefined;
            readonly subscriber: boolean;
            readonly got: () => { state: string; value?: number };
          }
          const line: Call[] = [];
          const buffer: number[] = [];
          let next = 0;
          for (const step of ops) {
            if (step.kind === 'wait') {
              let call: Call;
              if (step.how === 'subscriber') {
                // The Observable face is shared (every subscriber attached gets each message):
                // one subscriber at a time, so that each is a consumer of its own.
                if (line.some((waiting) => waiting.subscriber)) {
                  continue;
                }
                let value: number | undefined;
                receiver.pipe(take(1)).subscribe((message) => {
                  value = message;
                });
                call = {
                  controller: undefined,
                  subscriber: true,
                  got: () => (value === undefined ? { state: 'pending' } : { state: 'fulfilled', value }),
                };
              } else {
                const controller = step.how === 'signal' ? new AbortController() : undefined;
                const tracked = track(
                  step.how === 'mapped'
                    ? mapped.receive()
                    : controller === undefined
                      ? receiver.receive()
                      : receiver.receive({ signal: controller.signal }),
                );
                call = { controller, subscriber: false, got: () => tracked.current() };
              }
              await flushMicrotasks();
              if (buffer.length > 0) {
                expect(call.got()).toEqual({ state: 'fulfilled', value: buffer.shift() });
              } else {
                line.push(call);
              }
            } else if (step.kind === 'send') {
              if (buffer.length === 4) {
                // The Anycast's maxsize: a send would wait for room.
                continue;
              }
              const message = next++;
              await sender.send(message);
              await flushMicrotasks();
              const served = line.shift();
              if (served === undefined) {
                buffer.push(message);
              } else {
                expect(served.got()).toEqual({ state: 'fulfilled', value: message });
              }
            } else {
              const aborted = line.find((call) => call.controller !== undefined);
              if (aborted === undefined) {
                continue;
              }
              aborted.controller?.abort();
              await flushMicrotasks();
              expect(aborted.got().state).toBe('rejected');
              line.splice(line.indexOf(aborted), 1);
            }
            for (const call of line) {
              expect(call.got()).toEqual({ state: 'pending' });
            }
          }
          await channel.close();
          expect(await drain(receiver)).toEqual(buffer);
        }),
        propertyParameters(200),
      );
    });

    it('a timer whose action runs inside the registration of the slot settles each receive() once, with its tick', async () => {
      // A scheduler that runs an action at once, moving its clock to the action's time: the
      // tick fires from inside the slot's registration hook (the timer arming its alarm).
      let nowMs = 0;
      const jumping = {
        now: () => nowMs,
        schedule: (work: () => void, delayMs = 0) => {
          nowMs += delayMs;
          work();
          return new Subscription();
        },
      } as unknown as SchedulerLike;
      const timer = Timer.timeout(10, { scheduler: jumping });
      await expect(within(timer.receive())).resolves.toEqual(new Date(10));
      await expect(within(timer.receive())).resolves.toEqual(new Date(20));
      const ticks = [track(timer.receive()), track(timer.ready())];
      await flushMicrotasks();
      // The ready() made after it waits for the next tick (which its own arming fires at once).
      expect(ticks.map((tick) => tick.current())).toEqual([
        { state: 'fulfilled', value: new Date(30) },
        { state: 'fulfilled', value: true },
      ]);
      expect(timer.consume()).toEqual(new Date(40));
      timer.stop();
    });

    it('a Broadcast receiver whose buffer is not empty buffers in order instead of handing a message to the slot', async () => {
      const channel = new Broadcast<number>('slot');
      const sender = channel.newSender();
      const receiver = channel.newReceiver();
      const mapped = receiver.map((message) => {
        if (message === 1) {
          // A send from inside the delivery of 1: the receive() made next must get 2, then 3.
          void sender.send(2);
          void sender.send(3);
        }
        return message;
      });
      const first = mapped.receive();
      await sender.send(1);
      await expect(first).resolves.toBe(1);
      await expect(mapped.receive()).resolves.toBe(2);
      await expect(mapped.receive()).resolves.toBe(3);
    });
  });

  describe('for await', () => {
    it('yields every message in order and ends cleanly when the receiver stops', async () => {
      const { channel, sender, receiver } = anycastPair<number>();
      const loop = drain(receiver);
      await sender.send(1);
      await sender.send(2);
      await channel.close();
      await expect(loop).resolves.toEqual([1, 2]);
    });

    it('ends at once on a receiver that is already stopped', async () => {
      const { channel, receiver } = anycastPair<number>();
      await channel.close();
      await expect(drain(receiver)).resolves.toEqual([]);
    });

    it('ends cleanly when the receiver is closed while the loop waits', async () => {
      const { receiver } = anycastPair<number>();
      const loop = drain(receiver);
      await flushMicrotasks();
      receiver.close();
      await expect(loop).resolves.toEqual([]);
    });

    it('ends when consume() throws a ReceiverStoppedError', async () => {
      const { sender, receiver } = anycastPair<number>();
      const stopping = receiver.map((): number => {
        throw new ReceiverStoppedError(receiver);
      });
      const loop = drain(stopping);
      await sender.send(1);
      await expect(loop).resolves.toEqual([]);
    });

    it('next() takes a message that is ready within the call, synchronously', async () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      const next = receiver[Symbol.asyncIterator]().next();
      expect(receiver.size).toBe(0);
      await expect(next).resolves.toEqual({ value: 1, done: false });
    });

    it('leaving the loop early does not close the receiver', async () => {
      const { sender, receiver } = anycastPair<number>();
      await sender.send(1);
      await sender.send(2);
      for await (const message of receiver) {
        expect(message).toBe(1);
        break;
      }
      expect(await receiver.receive()).toBe(2);
    });

    it('two loops over one receiver share its messages, none lost or repeated', async () => {
      const { channel, sender, receiver } = anycastPair<number>(1);
      const loops = Promise.all([drain(receiver), drain(receiver)]);
      for (let message = 0; message < 20; message++) {
        await sender.send(message);
      }
      await channel.close();
      const [left, right] = await loops;
      expect([...left, ...right].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(left.length).toBeGreaterThan(0);
      expect(right.length).toBeGreaterThan(0);
    });

    it('throws an error that is not a stop out of the loop', async () => {
      const { sender, receiver } = anycastPair<number>();
      const failing = receiver.map((): number => {
        throw new Error('bad message');
      });
      await sender.send(1);
      await expect(drain(failing)).rejects.toThrow('bad message');
    });
    describe('return() on the iterator of every receiver kind', () => {
      // issue 11 #3: return() did not cancel a pending next(), which later took a message meant for someone else; next() after return() waited.
      it.each(receiverKinds)(
        '%s: return() resolves a pending next() as done without taking anything, and every later next() is done at once',
        async (_kind, make) => {
          const { receiver, produce, expected } = make();
          const iterator = receiver[Symbol.asyncIterator]();
          const pending = iterator.next();
          await flushMicrotasks();
          await iterator.return?.();
          await expect(within(pending)).resolves.toEqual({ done: true, value: undefined });
          await expect(within(iterator.next())).resolves.toEqual({ done: true, value: undefined });
          await produce();
          await flushMicrotasks();
          await expect(within(receiver.receive())).resolves.toEqual(expected);
          receiver.close();
        },
      );
    });
  });

  describe('receivers only a channel hands out', () => {
    // issue 11 §3: their constructors are private; called anyway, they fail at once and say how to get one.
    it('new BroadcastReceiver() throws a TypeError pointing to broadcast.newReceiver()', () => {
      const construct = () => new (BroadcastReceiver as unknown as new () => unknown)();
      expect(construct).toThrow(TypeError);
      expect(construct).toThrow('use broadcast.newReceiver()');
    });

    // issue 11 §3
    it("new BidirectionalHandle() throws a TypeError pointing to a Bidirectional's handles", () => {
      const construct = () => new (BidirectionalHandle as unknown as new () => unknown)();
      expect(construct).toThrow(TypeError);
      expect(construct).toThrow("use a Bidirectional's clientHandle or serviceHandle");
    });
  });

  describe('map()', () => {
    it('gives fn(message) for every message, in order', async () => {
      const { sender, receiver } = anycastPair<string>();
      const lengths = receiver.map((text) => text.length);
      expectTypeOf(lengths).toEqualTypeOf<Receiver<number>>();
      await sender.send('a');
      await sender.send('abc');
      expect(await receiveMany(lengths, 2)).toEqual([1, 3]);
    });

    it('runs fn in consume(), which throws what fn throws', async () => {
      const { sender, receiver } = anycastPair<number>();
      const failing = receiver.map(() => {
        throw new Error('bad');
      });
      await sender.send(1);
      await expect(failing.ready()).resolves.toBe(true);
      expect(() => failing.consume()).toThrow('bad');
    });

    it('stops when the receiver it wraps stops', async () => {
      const { channel, receiver } = anycastPair<number>();
      const doubled = receiver.map((n) => n * 2);
      await channel.close();
      await expect(doubled.ready()).resolves.toBe(false);
      await expect(doubled.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
    });

    it('close() closes the receiver it wraps', async () => {
      const { receiver } = anycastPair<number>();
      receiver.map(String).close();
      await expect(receiver.ready()).resolves.toBe(false);
    });

    it('throws a TypeError naming `fn` for a non-function', () => {
      const { receiver } = anycastPair<number>();
      expect(() => receiver.map(1 as unknown as (n: number) => number)).toThrow('`fn`');
    });
  });

  describe('waits on map() and filter() results', () => {
    it.each([
      ['map()', (receiver: Receiver<number>) => receiver.map((message) => message)],
      ['filter()', (receiver: Receiver<number>) => receiver.filter(() => true)],
    ])('an aborted ready() on a %s result leaves the wrapped receiver out of the waiting line', async (_name, wrap) => {
      const channel = new Anycast<number>();
      const wrapped = wrap(channel.newReceiver());
      const controller = new AbortController();
      const aborted = wrapped.ready({ signal: controller.signal });
      controller.abort();
      await expect(aborted).rejects.toBe(controller.signal.reason);
      const other = channel.newReceiver().receive();
      await channel.newSender().send(1);
      await expect(other).resolves.toBe(1);
    });

    it('consume() on a filter() result before ready() says so', () => {
      const filtered = new Anycast<number>().newReceiver().filter(() => true);
      expect(() => filtered.consume()).toThrow(
        new ReceiverError(`${String(filtered)}: consume() was called before ready() resolved true`, filtered),
      );
    });

    it('consume() on a filter() result names the filter, before any wait and while one is pending', async () => {
      const filtered = new Anycast<number>().newReceiver().filter(() => true);
      expect((thrownBy(() => filtered.consume()) as ReceiverError).receiver).toBe(filtered);
      const ready = track(filtered.ready());
      await flushMicrotasks();
      expect(ready.current().state).toBe('pending');
      expect((thrownBy(() => filtered.consume()) as ReceiverError).receiver).toBe(filtered);
      filtered.close();
    });
  });

  describe('filter()', () => {
    it('gives the messages for which the predicate holds, in order', async () => {
      const { sender, receiver } = anycastPair<number>();
      const even = receiver.filter((n) => n % 2 === 0);
      expectTypeOf(even).toEqualTypeOf<Receiver<number>>();
      for (const n of [1, 2, 3, 4, 5, 6]) {
        await sender.send(n);
      }
      expect(await receiveMany(even, 3)).toEqual([2, 4, 6]);
    });

    it('narrows the element type with a type guard', async () => {
      const { sender, receiver } = anycastPair<string | number>();
      const numbers = receiver.filter((value): value is number => typeof value === 'number');
      expectTypeOf(numbers).toEqualTypeOf<Receiver<number>>();
      await sender.send('a');
      await sender.send(2);
      const received = await numbers.receive();
      expectTypeOf(received).toEqualTypeOf<number>();
      expect(received).toBe(2);
    });

    it('stays ready until consume()', async () => {
      const { sender, receiver } = anycastPair<number>();
      const positive = receiver.filter((n) => n > 0);
      await sender.send(-1);
      await sender.send(1);
      await expect(positive.ready()).resolves.toBe(true);
      await expect(positive.ready()).resolves.toBe(true);
      expect(positive.consume()).toBe(1);
    });

    it('consume() before ready() throws a ReceiverError', async () => {
      const { sender, receiver } = anycastPair<number>();
      await sender.send(1);
      const error = thrownBy(() => receiver.filter(() => true).consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
    });

    it('throws from consume() what the predicate throws', async () => {
      const { sender, receiver } = anycastPair<number>();
      const failing = receiver.filter(() => {
        throw new Error('bad predicate');
      });
      await sender.send(1);
      await expect(failing.receive()).rejects.toThrow('bad predicate');
    });

    it('concurrent ready() calls all resolve and the message is consumed once, none lost', async () => {
      const { sender, receiver } = anycastPair<number>();
      const all = receiver.filter(() => true);
      const first = all.ready();
      const second = all.ready();
      await sender.send(1);
      await sender.send(2);
      await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
      expect(all.consume()).toBe(1);
      expect(await all.receive()).toBe(2);
    });

    it('stops with ReceiverStoppedError when the receiver it wraps stops', async () => {
      const { channel, sender, receiver } = anycastPair<number>();
      const even = receiver.filter((n) => n % 2 === 0);
      await sender.send(1);
      await channel.close();
      await expect(even.ready()).resolves.toBe(false);
      await expect(even.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
      await expect(drain(even)).resolves.toEqual([]);
    });

    it('its stop error keeps the cause: the ChannelClosedError of a closed channel', async () => {
      const { channel, receiver } = anycastPair<number>();
      const even = receiver.filter((n) => n % 2 === 0);
      await channel.close();
      const error = await reasonOf(even.receive());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverStoppedError).cause).toBeInstanceOf(ChannelClosedError);
      expect(((error as ReceiverStoppedError).cause as ChannelClosedError).channel).toBe(channel);
    });

    it('an already-aborted signal rejects at once even with a message held, and the message stays', async () => {
      const { sender, receiver } = anycastPair<number>();
      const all = receiver.filter(() => true);
      await sender.send(1);
      await expect(all.ready()).resolves.toBe(true);
      const reason = new Error('gave up');
      expect(await reasonOf(all.ready({ signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(all.consume()).toBe(1);
    });

    it('an abort while pending takes nothing', async () => {
      const { sender, receiver } = anycastPair<number>();
      const all = receiver.filter(() => true);
      const controller = new AbortController();
      const received = all.receive({ signal: controller.signal });
      controller.abort();
      await expect(received).rejects.toMatchObject({ name: 'AbortError' });
      await sender.send(1);
      expect(await receiver.receive()).toBe(1);
    });

    it('close() closes the receiver it wraps', async () => {
      const { receiver } = anycastPair<number>();
      receiver.filter(() => true).close();
      await expect(receiver.ready()).resolves.toBe(false);
    });

    it('throws a TypeError naming `predicate` for a non-function', () => {
      const { receiver } = anycastPair<number>();
      expect(() => receiver.filter(undefined as unknown as () => boolean)).toThrow('`predicate`');
    });
  });

  describe('intoPeekable()', () => {
    it('throws a ReceiverError on receivers that cannot become peekables, as the seed does', () => {
      const { receiver } = anycastPair<number>();
      expect(thrownBy(() => receiver.intoPeekable())).toBeInstanceOf(ReceiverError);
      expect(thrownBy(() => receiver.map(String).intoPeekable())).toBeInstanceOf(ReceiverError);
    });

    it('on a Broadcast receiver, delivers the buffered messages, then ReceiverInvalidatedError', async () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      const peekable = receiver.intoPeekable();
      await sender.send(3);
      expect(peekable.peek()).toBe(3);
      expect(await receiveMany(receiver, 2)).toEqual([1, 2]);
      await expect(receiver.ready()).resolves.toBe(true);
      expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverInvalidatedError);
      await expect(receiver.receive()).rejects.toBeInstanceOf(ReceiverInvalidatedError);
      await expect(drain(receiver)).rejects.toBeInstanceOf(ReceiverInvalidatedError);
    });
  });

  describe('close()', () => {
    it('is idempotent', async () => {
      const { sender, receiver } = anycastPair<number>();
      receiver.close();
      receiver.close();
      await expect(receiver.ready()).resolves.toBe(false);
      await sender.send(1);
      const other = anycastPair<number>();
      expect(other.receiver.close()).toBeUndefined();
    });

    it('stops a pending ready() with false', async () => {
      const { receiver } = anycastPair<number>();
      const ready = receiver.ready();
      receiver.close();
      await expect(ready).resolves.toBe(false);
    });
  });

  describe('as an Observable', () => {
    it('works with from(), firstValueFrom() and lastValueFrom()', async () => {
      const { channel, sender, receiver } = anycastPair<number>();
      await sender.send(1);
      await sender.send(2);
      await expect(firstValueFrom(receiver)).resolves.toBe(1);
      const last = lastValueFrom(from(receiver));
      await sender.send(3);
      await channel.close();
      await expect(last).resolves.toBe(3);
    });

    it('pipes through RxJS operators', async () => {
      const { sender, receiver } = anycastPair<number>();
      const doubled = lastValueFrom(
        receiver.pipe(
          rxMap((n) => n * 2),
          take(3),
          toArray(),
        ),
      );
      for (const n of [1, 2, 3, 4]) {
        await sender.send(n);
      }
      await expect(doubled).resolves.toEqual([2, 4, 6]);
      expect(await receiver.receive()).toBe(4);
    });

    it('emits inside send(), before its promise is awaited', () => {
      const { sender, receiver } = anycastPair<number>();
      const seen: number[] = [];
      receiver.subscribe((n) => seen.push(n));
      void sender.send(1);
      expect(seen).toEqual([1]);
    });

    it('completes when the receiver stops and errors with the receiver error', async () => {
      const { channel, sender, receiver } = anycastPair<number>();
      const events: string[] = [];
      receiver.subscribe({ complete: () => events.push('complete') });
      const failing = anycastPair<number>();
      failing.receiver
        .map(() => {
          throw new Error('bad');
        })
        .subscribe({ error: (error: Error) => events.push(error.message) });
      await failing.sender.send(1);
      await sender.send(1);
      await channel.close();
      expect(events).toEqual(['bad', 'complete']);
    });

    it('unsubscribing loses no message', async () => {
      const { sender, receiver } = anycastPair<number>();
      const seen: number[] = [];
      const subscription = receiver.subscribe((n) => seen.push(n));
      await sender.send(1);
      subscription.unsubscribe();
      await sender.send(2);
      await sender.send(3);
      expect(seen).toEqual([1]);
      expect(await receiveMany(receiver, 2)).toEqual([2, 3]);
    });

    it('asObservable() is a plain Observable of the same messages', async () => {
      const { sender, receiver } = anycastPair<number>();
      const observable = receiver.asObservable();
      expect(observable).toBeInstanceOf(Observable);
      expect('receive' in observable).toBe(false);
      const first = firstValueFrom(observable);
      await sender.send(5);
      await expect(first).resolves.toBe(5);
    });

    it('is reachable through Symbol.observable / "@@observable"', () => {
      const { receiver } = anycastPair<number>();
      const interop = receiver as unknown as Record<string | symbol, () => unknown>;
      expect(interop[symbolObservable]?.()).toBe(receiver);
    });
  });

  describe('a subclass written outside the library, with only ready() and consume()', () => {
    it('works with receive()', async () => {
      const receiver = new ListReceiver<number>();
      const received = receiver.receive();
      receiver.push(1);
      await expect(received).resolves.toBe(1);
    });

    it('works with for await, which ends when it stops', async () => {
      const receiver = new ListReceiver<number>();
      receiver.push(1, 2);
      receiver.end();
      await expect(drain(receiver)).resolves.toEqual([1, 2]);
    });

    it('for await ends when ready() resolves false, without calling consume()', async () => {
      const receiver = new ListReceiver<number>();
      receiver.push(1);
      receiver.end();
      const consume = jest.spyOn(receiver, 'consume');
      await expect(drain(receiver)).resolves.toEqual([1]);
      expect(consume).toHaveBeenCalledTimes(1);
    });

    it('works with map() and filter()', async () => {
      const receiver = new ListReceiver<number>();
      const tens = receiver.filter((n) => n % 2 === 0).map((n) => n * 10);
      receiver.push(1, 2, 3, 4);
      receiver.end();
      await expect(drain(tens)).resolves.toEqual([20, 40]);
    });

    it('filter() on it stays correct under concurrent ready() calls', async () => {
      const receiver = new ListReceiver<number>();
      const all = receiver.filter(() => true);
      const first = all.ready();
      const second = all.ready();
      receiver.push(1, 2);
      await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
      expect(all.consume()).toBe(1);
      expect(await all.receive()).toBe(2);
    });

    it('works with subscribe(), through the promise-based path', async () => {
      const receiver = new ListReceiver<number>();
      const all = lastValueFrom(receiver.pipe(toArray()));
      receiver.push(1, 2);
      await flushMicrotasks();
      receiver.push(3);
      receiver.end();
      await expect(all).resolves.toEqual([1, 2, 3]);
    });

    it('works with firstValueFrom(), which leaves the other messages', async () => {
      const receiver = new ListReceiver<number>();
      const first = firstValueFrom(receiver);
      receiver.push(1, 2);
      await expect(first).resolves.toBe(1);
      await flushMicrotasks();
      expect(receiver.size).toBe(1);
      expect(await receiver.receive()).toBe(2);
    });

    it('its error surfaces to the subscriber', async () => {
      const receiver = new ListReceiver<number>();
      receiver.push(1);
      const failing = receiver.map((): number => {
        throw new Error('bad');
      });
      await expect(firstValueFrom(failing)).rejects.toThrow('bad');
    });

    it('its toString() is its class name unless it says otherwise, so error messages stay readable', () => {
      class Silent extends Receiver<number> {
        ready(): Promise<boolean> {
          return Promise.resolve(false);
        }

        consume(): number {
          throw new ReceiverStoppedError(this);
        }
      }
      const receiver = new Silent();
      expect(String(receiver)).toBe('Silent');
      expect((thrownBy(() => receiver.consume()) as Error).message).toBe('Receiver Silent was stopped');
      expect((thrownBy(() => receiver.intoPeekable()) as Error).message).toBe(
        'Silent cannot be turned into a peekable',
      );
    });

    it('its close() does nothing by default', () => {
      const receiver = new ListReceiver<number>();
      expect(() => receiver.close()).not.toThrow();
    });

    it('filter() on it honours an aborted signal, before and while waiting', async () => {
      const receiver = new ListReceiver<number>();
      const all = receiver.filter(() => true);
      const reason = new Error('stop');
      expect(await reasonOf(all.ready({ signal: AbortSignal.abort(reason) }))).toBe(reason);
      const controller = new AbortController();
      const ready = all.ready({ signal: controller.signal });
      controller.abort(reason);
      expect(await reasonOf(ready)).toBe(reason);
      receiver.push(1);
      expect(await all.receive()).toBe(1);
    });

    it('filter() on it stops when it ends, with its stop error', async () => {
      const receiver = new ListReceiver<number>();
      const all = receiver.filter(() => true);
      receiver.end();
      await expect(all.ready()).resolves.toBe(false);
      expect(thrownBy(() => all.consume())).toBeInstanceOf(ReceiverStoppedError);
    });

    it('receive() with an aborted signal rejects with the reason', async () => {
      const receiver = new ListReceiver<number>();
      receiver.push(1);
      const reason = new Error('stop');
      expect(await reasonOf(receiver.receive({ signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(receiver.size).toBe(1);
    });
  });
});

describe('receiver.triggered() (the method form of selectedFrom)', () => {
  it('tells the items of select() apart, narrows like selectedFrom, and marks them handled', async () => {
    const a = new Anycast<number>();
    const b = new Anycast<number>();
    const words = new Anycast<string>();
    const ra = a.newReceiver();
    const rb = b.newReceiver();
    const rw = words.newReceiver();
    await a.newSender().send(1);
    await b.newSender().send(2);
    await words.newSender().send('w');
    await Promise.all([a.close(), b.close(), words.close()]);
    const seen: string[] = [];
    for await (const selected of select(ra, rb, rw)) {
      if (selected.wasStopped || selected.exception !== undefined) {
        expect([ra, rb, rw].some((receiver) => receiver.triggered(selected))).toBe(true);
        continue;
      }
      if (ra.triggered(selected)) {
        expectTypeOf(selected.message).toEqualTypeOf<number>();
        seen.push(`a:${selected.message}`);
      } else if (rb.triggered(selected)) {
        // Same message type as ra: the else branch still keeps the item (not never).
        expectTypeOf(selected.message).toEqualTypeOf<number>();
        seen.push(`b:${selected.message}`);
      } else if (rw.triggered(selected)) {
        expectTypeOf(selected.message).toEqualTypeOf<string>();
        seen.push(`w:${selected.message}`);
      }
    }
    expect(seen.sort()).toEqual(['a:1', 'b:2', 'w:w']);
  });

  it('an item claimed by triggered() needs no selectedFrom; one claimed by neither throws', async () => {
    const a = new Anycast<number>();
    const ra = a.newReceiver();
    await a.newSender().send(1);
    await a.newSender().send(2);
    await a.close();
    const loop = select(ra);
    const first = await loop.next();
    expect(first.done).toBe(false);
    expect(ra.triggered(first.value as Selected<number>)).toBe(true);
    await loop.next(); // claimed: no UnhandledSelectedError
    await expect(loop.next()).rejects.toBeInstanceOf(UnhandledSelectedError);
    expect(new Anycast<number>().newReceiver().triggered(first.value as Selected<number>)).toBe(false);
  });
});
