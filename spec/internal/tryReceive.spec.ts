import { expectTypeOf } from 'expect-type';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import {
  Anycast,
  Bidirectional,
  Broadcast,
  Merge,
  ReceiverError,
  ReceiverInvalidatedError,
  type Receiver,
  type TryReceiveResult,
} from 'rx-channels';
import { Event, fromObservable, Timer } from 'rx-channels/util';
import { flushMicrotasks, settlementOf, thrownBy, track } from '../helpers/async';
import { ListReceiver } from '../helpers/receivers';

const NOTHING = { ok: false, stopped: false };
const STOPPED = { ok: false, stopped: true };

/** A receiver of each kind, a way to make one message ready, the message, and a way to stop it. */
interface Kind {
  readonly receiver: Receiver<unknown>;
  produce(): unknown;
  readonly expected: unknown;
  stop(): unknown;
}

function anycastKind(): { receiver: Receiver<number>; produce: () => unknown; stop: () => unknown } {
  const channel = new Anycast<number>();
  const sender = channel.newSender();
  return { receiver: channel.newReceiver(), produce: () => sender.send(1), stop: () => channel.close() };
}

const kinds: ReadonlyArray<[string, () => Kind]> = [
  ['an Anycast receiver', () => ({ ...anycastKind(), expected: 1 })],
  [
    'a Broadcast receiver',
    () => {
      const channel = new Broadcast<number>('b');
      const sender = channel.newSender();
      return {
        receiver: channel.newReceiver(),
        produce: () => sender.send(1),
        expected: 1,
        stop: () => channel.close(),
      };
    },
  ],
  [
    'a Timer',
    () => {
      const scheduler = new VirtualTimeScheduler();
      const receiver = Timer.periodic(1000, { scheduler });
      return {
        receiver,
        produce: () => void (scheduler.frame = 1000),
        expected: new Date(1000),
        stop: () => receiver.stop(),
      };
    },
  ],
  [
    'an Event',
    () => {
      const receiver = new Event();
      return { receiver, produce: () => receiver.set(), expected: undefined, stop: () => receiver.stop() };
    },
  ],
  [
    'a Merge',
    () => {
      const { receiver, produce, stop } = anycastKind();
      return { receiver: new Merge(receiver), produce, expected: 1, stop };
    },
  ],
  [
    'a map() result',
    () => {
      const { receiver, produce, stop } = anycastKind();
      return { receiver: receiver.map((message) => message * 10), produce, expected: 10, stop };
    },
  ],
  [
    'a filter() result',
    () => {
      const { receiver, produce, stop } = anycastKind();
      return { receiver: receiver.filter(() => true), produce, expected: 1, stop };
    },
  ],
  [
    'a fromObservable() receiver',
    () => {
      const subject = new Subject<number>();
      return {
        receiver: fromObservable(subject),
        produce: () => subject.next(1),
        expected: 1,
        stop: () => subject.complete(),
      };
    },
  ],
  [
    'a Bidirectional handle',
    () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      return {
        receiver: channel.clientHandle,
        produce: () => channel.serviceHandle.send(1),
        expected: 1,
        stop: () => channel.close(),
      };
    },
  ],
];

describe('Receiver.tryReceive()', () => {
  describe.each(kinds)('on %s', (_name, make) => {
    it('answers nothing-ready, then the message once, then nothing-ready again', async () => {
      const { receiver, produce, expected } = make();
      expect(receiver.tryReceive()).toEqual(NOTHING);
      await produce();
      expect(receiver.tryReceive()).toEqual({ ok: true, message: expected });
      expect(receiver.tryReceive()).toEqual(NOTHING);
    });

    it('answers stopped once the receiver has stopped', async () => {
      const { receiver, stop } = make();
      await stop();
      await flushMicrotasks();
      expect(receiver.tryReceive()).toEqual(STOPPED);
      expect(receiver.tryReceive()).toEqual(STOPPED);
    });

    it('leaves a pending receive() pending, and does not take the message it waits for', async () => {
      const { receiver, produce, expected } = make();
      const pending = track(receiver.receive());
      expect(receiver.tryReceive()).toEqual(NOTHING);
      await flushMicrotasks();
      expect(pending.current()).toEqual({ state: 'pending' });
      await produce();
      // The waiting receive() took the message in the call stack that made it ready (for a
      // Timer, in the poll of this very call, which tells those already waiting first).
      expect(receiver.tryReceive()).toEqual(NOTHING);
      await flushMicrotasks();
      expect(pending.current()).toEqual({ state: 'fulfilled', value: expected });
    });
  });

  it('delivers undefined messages in the result object', async () => {
    const channel = new Anycast<undefined>();
    const receiver = channel.newReceiver();
    await channel.newSender().send(undefined);
    const result = receiver.tryReceive();
    expect(result).toEqual({ ok: true, message: undefined });
    expect(Object.keys(result)).toContain('message');
  });

  it('drains what a closed Anycast had buffered, then answers stopped', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    await channel.newSender().send(1);
    await channel.close();
    expect(receiver.tryReceive()).toEqual({ ok: true, message: 1 });
    expect(receiver.tryReceive()).toEqual(STOPPED);
  });

  it('takes a message a closed Anycast receiver had reserved and gave back', async () => {
    const channel = new Anycast<number>();
    const first = channel.newReceiver();
    const second = channel.newReceiver();
    await channel.newSender().send(1);
    await expect(first.ready()).resolves.toBe(true);
    expect(second.tryReceive()).toEqual(NOTHING);
    first.close();
    expect(second.tryReceive()).toEqual({ ok: true, message: 1 });
    expect(first.tryReceive()).toEqual(STOPPED);
  });

  it('takes a message a closed filter() held, after the channel itself was closed', async () => {
    const channel = new Anycast<number>();
    const filtered = channel.newReceiver().filter(() => true);
    const other = channel.newReceiver();
    await channel.newSender().send(1);
    await expect(filtered.ready()).resolves.toBe(true);
    await channel.close();
    filtered.close();
    expect(other.tryReceive()).toEqual({ ok: true, message: 1 });
    expect(other.tryReceive()).toEqual(STOPPED);
  });

  it('drains a Broadcast receiver turned into a peekable, then throws ReceiverInvalidatedError as consume() does', async () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    await channel.newSender().send(1);
    receiver.intoPeekable();
    expect(receiver.tryReceive()).toEqual({ ok: true, message: 1 });
    expect(thrownBy(() => receiver.tryReceive())).toBeInstanceOf(ReceiverInvalidatedError);
  });

  it("throws fromObservable()'s source error once, as consume() does, then answers stopped", () => {
    const subject = new Subject<number>();
    const receiver = fromObservable(subject);
    const cause = new Error('source failed');
    subject.next(1);
    subject.error(cause);
    expect(receiver.tryReceive()).toEqual({ ok: true, message: 1 });
    const error = thrownBy(() => receiver.tryReceive());
    expect(error).toBeInstanceOf(ReceiverError);
    expect((error as ReceiverError<number>).cause).toBe(cause);
    expect(receiver.tryReceive()).toEqual(STOPPED);
  });

  it('throws what a map() function throws, and goes on with the next message', async () => {
    const channel = new Anycast<number>();
    const mapped = channel.newReceiver().map((message) => {
      if (message === 1) {
        throw new Error('bad one');
      }
      return message;
    });
    const sender = channel.newSender();
    await sender.send(1);
    await sender.send(2);
    expect(thrownBy(() => mapped.tryReceive())).toEqual(new Error('bad one'));
    expect(mapped.tryReceive()).toEqual({ ok: true, message: 2 });
  });

  it('on a filter() drops the failing ready messages and keeps polling until one passes', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const even = receiver.filter((message) => message % 2 === 0);
    const sender = channel.newSender();
    for (const message of [1, 3, 4, 5]) {
      await sender.send(message);
    }
    expect(even.tryReceive()).toEqual({ ok: true, message: 4 });
    expect(even.tryReceive()).toEqual(NOTHING);
    expect(channel.size).toBe(0);
  });

  it('on a Merge takes from every source that has a message ready, in turn', async () => {
    const a = new Anycast<string>();
    const b = new Anycast<string>();
    const merged = new Merge(a.newReceiver(), b.newReceiver());
    await a.newSender().send('a1');
    await b.newSender().send('b1');
    const taken = [merged.tryReceive(), merged.tryReceive(), merged.tryReceive()];
    expect(
      taken
        .slice(0, 2)
        .map((result) => (result.ok ? result.message : undefined))
        .sort(),
    ).toEqual(['a1', 'b1']);
    expect(taken[2]).toEqual(NOTHING);
  });

  it('on an Event makes one message of several set() calls', () => {
    const event = new Event();
    event.set();
    event.set();
    expect(event.tryReceive()).toEqual({ ok: true, message: undefined });
    expect(event.tryReceive()).toEqual(NOTHING);
  });

  describe('re-entrant calls', () => {
    it('from inside a map() function run by a waiting receive(): every message goes to exactly one taker', async () => {
      const channel = new Anycast<number>();
      const sender = channel.newSender();
      const inner: TryReceiveResult<number>[] = [];
      const mapped: Receiver<number> = channel.newReceiver().map((message) => {
        if (message === 1) {
          inner.push(mapped.tryReceive());
        }
        return message;
      });
      const first = mapped.receive();
      const second = mapped.receive();
      await sender.send(1);
      await sender.send(2);
      await sender.send(3);
      const results = await Promise.all([first, second]);
      // The nested call ran while 2 was not yet sent: it found nothing, and 2 went to the line.
      expect(inner).toEqual([NOTHING]);
      expect(results).toEqual([1, 2]);
      expect(mapped.tryReceive()).toEqual({ ok: true, message: 3 });
    });

    it('from inside a map() function with more messages ready: it may take one a waiting receive() would have had', async () => {
      const channel = new Anycast<number>();
      const sender = channel.newSender();
      for (const message of [1, 2, 3]) {
        await sender.send(message);
      }
      const inner: TryReceiveResult<number>[] = [];
      const mapped: Receiver<number> = channel.newReceiver().map((message) => {
        if (message === 1) {
          inner.push(mapped.tryReceive());
        }
        return message;
      });
      const received = await Promise.all([mapped.receive(), mapped.receive()]);
      expect(inner).toEqual([{ ok: true, message: 2 }]);
      expect(received).toEqual([1, 3]);
      expect(mapped.tryReceive()).toEqual(NOTHING);
    });

    it("from inside a subscriber's next: each message is emitted or taken exactly once, in order", async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      const emitted: number[] = [];
      const taken: number[] = [];
      const subscription = receiver.subscribe((message) => {
        emitted.push(message);
        const result = receiver.tryReceive();
        if (result.ok) {
          taken.push(result.message);
        }
      });
      const sender = channel.newSender();
      for (let message = 1; message <= 6; message++) {
        await sender.send(message);
      }
      subscription.unsubscribe();
      expect([...emitted, ...taken].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(emitted).toEqual([...emitted].sort((a, b) => a - b));
    });

    it('from inside a filter() predicate on the same filter: nothing is lost or taken twice', async () => {
      const channel = new Anycast<number>();
      const sender = channel.newSender();
      for (const message of [1, 2, 3, 4]) {
        await sender.send(message);
      }
      const nested: TryReceiveResult<number>[] = [];
      const filtered: Receiver<number> = channel.newReceiver().filter((message) => {
        if (message === 1) {
          nested.push(filtered.tryReceive());
        }
        return true;
      });
      const outer = filtered.tryReceive();
      const rest = [filtered.tryReceive(), filtered.tryReceive(), filtered.tryReceive(), filtered.tryReceive()];
      const all = [outer, ...nested, ...rest].flatMap((result) => (result.ok ? [result.message] : []));
      expect(all.sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    });
  });

  it('sees a message from a receiver written outside the library only when the library already waits on it', async () => {
    const receiver = new ListReceiver<number>();
    receiver.push(1);
    // Its ready() is a promise: nothing can be known synchronously, and nothing is taken.
    expect(receiver.tryReceive()).toEqual(NOTHING);
    expect(receiver.size).toBe(1);
    expect(await settlementOf(receiver.receive())).toEqual({ state: 'fulfilled', value: 1 });
    receiver.end();
  });

  it('types its result as a union that narrows on ok, then on stopped', () => {
    const result = new Anycast<number>().newReceiver().tryReceive();
    expectTypeOf(result).toEqualTypeOf<TryReceiveResult<number>>();
    if (result.ok) {
      expectTypeOf(result.message).toEqualTypeOf<number>();
    } else {
      expectTypeOf(result.stopped).toEqualTypeOf<boolean>();
      // @ts-expect-error -- no message without ok
      void result.message;
    }
  });
});
