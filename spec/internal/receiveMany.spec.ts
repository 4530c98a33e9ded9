import { expectTypeOf } from 'expect-type';
import fc from 'fast-check';
import { of, Subject, concat, throwError } from 'rxjs';
import { Anycast, Broadcast, Merge, ReceiverError, ReceiverInvalidatedError, type Receiver } from 'rx-channels';
import { Event, fromObservable } from 'rx-channels/util';
import { abortListenerCount, flushMicrotasks, reasonOf, settlementOf, thrownBy, track } from '../helpers/async';
import { ListReceiver } from '../helpers/receivers';

function anycast<T>(maxsize = 10) {
  const channel = new Anycast<T>({ name: 'jobs', maxsize });
  return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
}

async function sendAll<T>(sender: { send(message: T): Promise<void> }, messages: readonly T[]): Promise<void> {
  for (const message of messages) {
    await sender.send(message);
  }
}

describe('Receiver.receiveMany()', () => {
  it('takes up to max of the messages ready now, in order', async () => {
    const { sender, receiver } = anycast<number>();
    await sendAll(sender, [1, 2, 3, 4, 5]);
    await expect(receiver.receiveMany(3)).resolves.toEqual([1, 2, 3]);
    await expect(receiver.receiveMany(Infinity)).resolves.toEqual([4, 5]);
  });

  it('waits until one message is ready, then takes it without waiting for more', async () => {
    const { sender, receiver } = anycast<number>();
    const batch = track(receiver.receiveMany(10));
    await flushMicrotasks();
    expect(batch.current()).toEqual({ state: 'pending' });
    // The waiting call takes 1 in the call stack of this send(); 2 is sent after it.
    void sender.send(1);
    void sender.send(2);
    await flushMicrotasks();
    expect(batch.current()).toEqual({ state: 'fulfilled', value: [1] });
    expect(receiver.tryReceive()).toEqual({ ok: true, message: 2 });
  });

  it('lets blocked senders in as it makes room, and takes what they placed too', async () => {
    const { sender, receiver } = anycast<number>(2);
    const sends = [1, 2, 3, 4].map((message) => sender.send(message));
    await expect(receiver.receiveMany(10)).resolves.toEqual([1, 2, 3, 4]);
    await Promise.all(sends);
  });

  it('delivers undefined messages', async () => {
    const { sender, receiver } = anycast<undefined>();
    await sendAll(sender, [undefined, undefined]);
    await expect(receiver.receiveMany(5)).resolves.toEqual([undefined, undefined]);
  });

  it('resolves [] once the receiver has stopped, after the buffered messages', async () => {
    const { channel, sender, receiver } = anycast<number>();
    await sendAll(sender, [1, 2]);
    await channel.close();
    await expect(receiver.receiveMany(10)).resolves.toEqual([1, 2]);
    await expect(receiver.receiveMany(10)).resolves.toEqual([]);
  });

  it('releases a waiting call with [] when the channel closes', async () => {
    const { channel, receiver } = anycast<number>();
    const batch = receiver.receiveMany(10);
    await channel.close();
    await expect(batch).resolves.toEqual([]);
  });

  it('works on Broadcast receivers, Events and Merges', async () => {
    const broadcast = new Broadcast<number>('b');
    const receiver = broadcast.newReceiver();
    await sendAll(broadcast.newSender(), [1, 2, 3]);
    await expect(receiver.receiveMany(2)).resolves.toEqual([1, 2]);
    const event = new Event();
    event.set();
    await expect(event.receiveMany(10)).resolves.toEqual([undefined]);
    const a = anycast<string>();
    const b = anycast<string>();
    await a.sender.send('a');
    await b.sender.send('b');
    const merged = await new Merge(a.receiver, b.receiver).receiveMany(10);
    expect(merged.sort()).toEqual(['a', 'b']);
  });

  describe('with a filter() that drops messages', () => {
    it('counts only the messages that pass, and discards the others', async () => {
      const { channel, sender, receiver } = anycast<number>();
      await sendAll(sender, [1, 2, 3, 4, 5, 6, 7]);
      const even = receiver.filter((message) => message % 2 === 0);
      await expect(even.receiveMany(2)).resolves.toEqual([2, 4]);
      await expect(even.receiveMany(10)).resolves.toEqual([6]);
      expect(channel.size).toBe(0);
    });

    it('keeps waiting while every ready message fails, and never resolves [] before it stops', async () => {
      const { sender, receiver } = anycast<number>();
      const even = receiver.filter((message) => message % 2 === 0);
      const batch = track(even.receiveMany(10));
      await sendAll(sender, [1, 3, 5]);
      await flushMicrotasks();
      expect(batch.current()).toEqual({ state: 'pending' });
      await sender.send(8);
      await flushMicrotasks();
      expect(batch.current()).toEqual({ state: 'fulfilled', value: [8] });
    });
  });

  describe('max', () => {
    it.each([0, -1, 1.5, NaN, -Infinity])(
      'refuses %p with a RangeError naming `max`, and takes nothing',
      async (max) => {
        const { sender, receiver } = anycast<number>();
        await sender.send(1);
        expect(thrownBy(() => receiver.receiveMany(max))).toEqual(
          new RangeError(`Expected \`max\` to be an integer from 1 and up, or Infinity, got ${max}`),
        );
        expect(receiver.tryReceive()).toEqual({ ok: true, message: 1 });
      },
    );

    it('refuses a value that is not a number with a TypeError', () => {
      const { receiver } = anycast<number>();
      expect(() => receiver.receiveMany('3' as unknown as number)).toThrow(TypeError);
      expect(() => receiver.receiveMany(undefined as unknown as number)).toThrow('`max`');
    });

    it('refuses a signal that is not an AbortSignal', () => {
      const { receiver } = anycast<number>();
      expect(() => receiver.receiveMany(1, { signal: {} as AbortSignal })).toThrow(TypeError);
    });
  });

  describe('cancellation', () => {
    it('an already-aborted signal rejects with its reason and takes nothing, even with messages ready', async () => {
      const { sender, receiver } = anycast<number>();
      await sender.send(1);
      const reason = new Error('stop');
      expect(await reasonOf(receiver.receiveMany(5, { signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(receiver.tryReceive()).toEqual({ ok: true, message: 1 });
    });

    it('an abort while waiting rejects with the reason; the next message stays for the next call', async () => {
      const { sender, receiver } = anycast<number>();
      const controller = new AbortController();
      const batch = receiver.receiveMany(5, { signal: controller.signal });
      controller.abort();
      expect(await reasonOf(batch)).toBeInstanceOf(DOMException);
      await sender.send(1);
      await expect(receiver.receiveMany(5)).resolves.toEqual([1]);
    });

    it('an abort after it took its messages changes nothing', async () => {
      const { sender, receiver } = anycast<number>();
      const controller = new AbortController();
      const batch = receiver.receiveMany(5, { signal: controller.signal });
      await sender.send(1);
      controller.abort();
      await expect(batch).resolves.toEqual([1]);
    });

    it('many calls on one long-lived signal leave no abort listener behind, however they settle', async () => {
      const { channel, sender, receiver } = anycast<number>();
      const controller = new AbortController();
      const options = { signal: controller.signal };
      for (let n = 0; n < 20; n++) {
        const batch = receiver.receiveMany(3, options);
        await sender.send(n);
        await expect(batch).resolves.toEqual([n]);
      }
      await sender.send(20);
      await expect(receiver.receiveMany(3, options)).resolves.toEqual([20]);
      const released = receiver.receiveMany(3, options);
      expect(abortListenerCount(controller.signal)).toBe(1);
      await channel.close();
      await expect(released).resolves.toEqual([]);
      expect(abortListenerCount(controller.signal)).toBe(0);
    });

    it('aborted at any turn, each message is taken exactly once, by the batch or by the next call', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(6),
          fc.nat(6),
          fc.array(fc.integer(), { minLength: 1, maxLength: 4 }),
          async (abortTurn, sendTurn, messages) => {
            const { channel, sender, receiver } = anycast<number>();
            const controller = new AbortController();
            const batch = settlementOf(receiver.receiveMany(3, { signal: controller.signal }));
            for (let turn = 0; turn <= Math.max(abortTurn, sendTurn); turn++) {
              if (turn === sendTurn) {
                messages.forEach((message) => void sender.send(message));
              }
              if (turn === abortTurn) {
                controller.abort();
              }
              await Promise.resolve();
            }
            const settled = await batch;
            const taken = settled.state === 'fulfilled' ? settled.value : [];
            if (settled.state === 'rejected') {
              expect(settled.reason).toBeInstanceOf(DOMException);
            }
            await channel.close();
            const rest = await receiver.receiveMany(Infinity);
            expect([...taken, ...rest]).toEqual(messages);
            expect(taken.length).toBeLessThanOrEqual(3);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('errors', () => {
    it('rejects with an error that comes before any message, as receive() would', async () => {
      const receiver = fromObservable(throwError(() => new Error('at once')));
      const error = await reasonOf(receiver.receiveMany(5));
      expect(error).toBeInstanceOf(ReceiverError);
      expect((error as Error).cause).toEqual(new Error('at once'));
      await expect(receiver.receiveMany(5)).resolves.toEqual([]);
    });

    it('ends the batch before an error that follows messages, and the next call throws it once', async () => {
      const cause = new Error('late');
      const receiver = fromObservable(
        concat(
          of(1, 2),
          throwError(() => cause),
        ),
      );
      await expect(receiver.receiveMany(10)).resolves.toEqual([1, 2]);
      const error = await reasonOf(receiver.receiveMany(10));
      expect(error).toBeInstanceOf(ReceiverError);
      expect((error as Error).cause).toBe(cause);
      await expect(receiver.receiveMany(10)).resolves.toEqual([]);
    });

    it('the kept error is thrown by the next tryReceive() or receive() too', async () => {
      const make = () =>
        fromObservable(
          concat(
            of(1),
            throwError(() => new Error('late')),
          ),
        );
      const viaTry = make();
      await expect(viaTry.receiveMany(10)).resolves.toEqual([1]);
      expect(thrownBy(() => viaTry.tryReceive())).toBeInstanceOf(ReceiverError);
      expect(viaTry.tryReceive()).toEqual({ ok: false, stopped: true });
      const viaReceive = make();
      await expect(viaReceive.receiveMany(10)).resolves.toEqual([1]);
      expect(await reasonOf(viaReceive.receive())).toBeInstanceOf(ReceiverError);
      const reason = new Error('aborted first');
      const again = make();
      await again.receiveMany(10);
      expect(await reasonOf(again.receive({ signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(await reasonOf(again.receive({ signal: new AbortController().signal }))).toBeInstanceOf(ReceiverError);
    });

    it('ends the batch before what a map() function throws, and keeps the error for the next call', async () => {
      const { sender, receiver } = anycast<number>();
      await sendAll(sender, [1, 2, 3]);
      const mapped = receiver.map((message) => {
        if (message === 2) {
          throw new Error('two');
        }
        return message;
      });
      await expect(mapped.receiveMany(10)).resolves.toEqual([1]);
      expect(await reasonOf(mapped.receiveMany(10))).toEqual(new Error('two'));
      await expect(mapped.receiveMany(10)).resolves.toEqual([3]);
    });

    it('on a Broadcast receiver turned into a peekable: the buffered messages, then ReceiverInvalidatedError', async () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      await sendAll(channel.newSender(), [1, 2]);
      receiver.intoPeekable();
      await expect(receiver.receiveMany(10)).resolves.toEqual([1, 2]);
      expect(await reasonOf(receiver.receiveMany(10))).toBeInstanceOf(ReceiverInvalidatedError);
      expect(await reasonOf(receiver.receiveMany(10))).toBeInstanceOf(ReceiverInvalidatedError);
    });
  });

  describe('concurrent and re-entrant calls', () => {
    it('a receive() that waited first gets the first message, the batch the next', async () => {
      const { sender, receiver } = anycast<number>();
      const single = receiver.receive();
      const batch = receiver.receiveMany(10);
      await sender.send(1);
      await sender.send(2);
      await expect(single).resolves.toBe(1);
      await expect(batch).resolves.toEqual([2]);
    });

    it('from inside a map() function: every message is taken exactly once', async () => {
      const { sender, receiver } = anycast<number>();
      await sendAll(sender, [1, 2, 3, 4]);
      const nested: Promise<number[]>[] = [];
      const mapped: Receiver<number> = receiver.map((message) => {
        if (message === 1) {
          nested.push(mapped.receiveMany(2));
        }
        return message;
      });
      const outer = await mapped.receiveMany(10);
      const inner = (await Promise.all(nested)).flat();
      expect([...outer, ...inner].sort()).toEqual([1, 2, 3, 4]);
      expect(inner).toEqual([2, 3]);
    });

    it('from inside a subscriber: nothing is lost or emitted twice', async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject);
      const emitted: number[] = [];
      const batches: Promise<number[]>[] = [];
      const subscription = receiver.subscribe((message) => {
        emitted.push(message);
        batches.push(receiver.receiveMany(10));
      });
      for (let message = 1; message <= 4; message++) {
        subject.next(message);
      }
      subscription.unsubscribe();
      subject.next(5);
      await flushMicrotasks();
      const batched = (await Promise.all(batches.map((batch) => settlementOf(batch)))).flatMap((settled) =>
        settled.state === 'fulfilled' ? settled.value : [],
      );
      const rest = receiver.tryReceive();
      const all = [...emitted, ...batched, ...(rest.ok ? [rest.message] : [])];
      expect(all.sort()).toEqual([1, 2, 3, 4, 5]);
    });
  });

  it('takes one message per call from a receiver written outside the library', async () => {
    const receiver = new ListReceiver<number>();
    receiver.push(1, 2);
    await expect(receiver.receiveMany(10)).resolves.toEqual([1]);
    receiver.end();
    await expect(receiver.receiveMany(10)).resolves.toEqual([2]);
    await expect(receiver.receiveMany(10)).resolves.toEqual([]);
  });

  it('is typed as a promise of an array of the message type', () => {
    expectTypeOf(new Anycast<number>().newReceiver().receiveMany(2)).toEqualTypeOf<Promise<number[]>>();
  });
});
