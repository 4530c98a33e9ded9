import type { ChannelClosedError } from 'rx-channels';
import {
  Broadcast,
  BroadcastReceiver,
  Peekable,
  Receiver,
  ReceiverInvalidatedError,
  ReceiverStoppedError,
  SenderError,
  toChannel,
} from 'rx-channels';
import { config, firstValueFrom, lastValueFrom, of, Subscriber, toArray } from 'rxjs';
import { abortListenerCount, flushMicrotasks, reasonOf, settlementOf, thrownBy, track } from './helpers/async';
import { itLeavesNoAbortListeners } from './helpers/abortListeners';
import { canCollect, collectUntil } from './helpers/gc';
import { captureWarnings } from './helpers/logger';
import { drain, receiveMany } from './helpers/receivers';

/**
 * A Subscriber used as it is (RxJS wraps a plain observer, and would catch the error): its
 * `next` throws out of the delivery, as a hand-written Subscriber subclass can.
 */
function throwingSubscriber(error: Error): Subscriber<number> {
  return new Subscriber<number>({
    next: () => {
      throw error;
    },
    error: () => undefined,
    complete: () => undefined,
  });
}

/**
 * Sends 1 to a Broadcast whose first receiver's subscriber throws `error`; returns the second
 * receiver, which the delivery must still reach.
 */
async function sendPastThrowingSubscriber(error: Error): Promise<BroadcastReceiver<number>> {
  const channel = new Broadcast<number>('x');
  channel.newReceiver().subscribe(throwingSubscriber(error));
  const other = channel.newReceiver();
  await channel.newSender().send(1);
  return other;
}

/** Makes a receiver and drops it: nothing outside the channel refers to it afterwards. */
function makeAndDropReceiver(channel: Broadcast<number>): void {
  channel.newReceiver();
}

/** Makes a receiver, starts a ready() on it and keeps only the promise. */
function readyOfDroppedReceiver(channel: Broadcast<number>): Promise<boolean> {
  return channel.newReceiver().ready();
}

describe('Broadcast', () => {
  let capture: ReturnType<typeof captureWarnings>;
  beforeEach(() => {
    capture = captureWarnings();
  });
  afterEach(() => capture.restore());

  describe('constructor', () => {
    it('refuses a resendLatest that is not a boolean with a TypeError naming it', () => {
      expect(() => new Broadcast('b', { resendLatest: 'yes' as unknown as boolean })).toThrow(TypeError);
      expect(() => new Broadcast('b', { resendLatest: 'yes' as unknown as boolean })).toThrow('`resendLatest`');
    });

    it('takes a name and starts open, with no receivers', () => {
      const channel = new Broadcast<number>('x');
      expect(channel.name).toBe('x');
      expect(channel.isClosed).toBe(false);
      expect(channel.receiverCount).toBe(0);
    });

    it('refuses a name that is not a string with a TypeError naming `name`', () => {
      expect(() => new Broadcast(1 as unknown as string)).toThrow('`name`');
    });

    it('refuses options that are not an object, such as a positional resendLatest, with a TypeError', () => {
      expect(() => new Broadcast('x', true as unknown as object)).toThrow(TypeError);
      expect(() => new Broadcast('x').newReceiver(5 as unknown as object)).toThrow(TypeError);
    });
  });

  describe('delivery', () => {
    it('gives every receiver every message sent after it was created, in order', async () => {
      const channel = new Broadcast<number>('x');
      const sender = channel.newSender();
      const early = channel.newReceiver();
      await sender.send(1);
      const late = channel.newReceiver();
      await sender.send(2);
      await sender.send(3);
      await channel.close();
      expect(await drain(early)).toEqual([1, 2, 3]);
      expect(await drain(late)).toEqual([2, 3]);
    });

    it('newReceiver() returns a BroadcastReceiver, which is a Receiver', () => {
      const receiver = new Broadcast<number>('x').newReceiver();
      expect(receiver).toBeInstanceOf(BroadcastReceiver);
      expect(receiver).toBeInstanceOf(Receiver);
    });

    it('send() never waits, however full the receivers are', async () => {
      const channel = new Broadcast<number>('x');
      channel.newReceiver({ maxsize: 1, warnOnOverflow: false });
      const sender = channel.newSender();
      for (let n = 0; n < 100; n++) {
        expect((await settlementOf(sender.send(n))).state).toBe('fulfilled');
      }
    });

    it('a subscriber sees a message inside send(), before its promise is awaited', () => {
      const channel = new Broadcast<string>('x');
      const seen: string[] = [];
      channel.newReceiver().subscribe((message) => seen.push(message));
      void channel.newSender().send('now');
      expect(seen).toEqual(['now']);
    });

    it('toChannel() re-emits each value in the call stack that delivered it (a Broadcast never waits)', () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      const reEmitted: number[] = [];
      of(1, 2)
        .pipe(toChannel(channel.newSender()))
        .subscribe((n) => reEmitted.push(n));
      expect(reEmitted).toEqual([1, 2]);
      expect(receiver.size).toBe(2);
    });

    it('delivers undefined and null messages', async () => {
      const channel = new Broadcast<null | undefined>('x');
      const receiver = channel.newReceiver();
      await channel.newSender().send(undefined);
      await channel.newSender().send(null);
      expect(await receiveMany(receiver, 2)).toEqual([undefined, null]);
    });

    it('a send from inside a subscriber keeps every receiver in send order', async () => {
      const channel = new Broadcast<number>('x');
      const sender = channel.newSender();
      const first: number[] = [];
      const second: number[] = [];
      const third = channel.newReceiver();
      channel.newReceiver().subscribe((n) => {
        first.push(n);
        if (n === 1) {
          void sender.send(2);
        }
      });
      channel.newReceiver().subscribe((n) => second.push(n));
      await sender.send(1);
      expect(first).toEqual([1, 2]);
      expect(second).toEqual([1, 2]);
      expect(await receiveMany(third, 2)).toEqual([1, 2]);
    });
  });

  describe('receivers closed or failing during a delivery', () => {
    it("a receiver closed by an earlier receiver's subscriber does not get the message being delivered", async () => {
      const channel = new Broadcast<number>('x');
      const sender = channel.newSender();
      const first = channel.newReceiver();
      const second = channel.newReceiver();
      const third = channel.newReceiver();
      first.subscribe(() => second.close());
      await sender.send(1);
      expect(second.size).toBe(0);
      await expect(drain(second)).resolves.toEqual([]);
      expect(await third.receive()).toBe(1);
    });

    it('a subscriber that throws does not stop the delivery to the others; the error goes to config.onUnhandledError', async () => {
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push(error);
      try {
        const boom = new Error('boom');
        const other = await sendPastThrowingSubscriber(boom);
        expect(reported).toEqual([boom]);
        expect(await other.receive()).toBe(1);
      } finally {
        config.onUnhandledError = null;
      }
    });

    it('without config.onUnhandledError, that error is thrown from a timer, as RxJS does', async () => {
      jest.useFakeTimers();
      try {
        const boom = new Error('boom');
        const other = await sendPastThrowingSubscriber(boom);
        expect(other.size).toBe(1);
        expect(() => jest.runOnlyPendingTimers()).toThrow(boom);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('receivers made during a delivery', () => {
    it('a receiver made inside a subscriber does not get a message sent from there before it was made', async () => {
      const channel = new Broadcast<number>('x');
      const sender = channel.newSender();
      const late: BroadcastReceiver<number>[] = [];
      channel.newReceiver().subscribe((n) => {
        if (n === 1) {
          void sender.send(2);
          late.push(channel.newReceiver());
        }
      });
      await sender.send(1);
      await sender.send(3);
      await channel.close();
      expect(await drain(late[0] as BroadcastReceiver<number>)).toEqual([3]);
    });

    it('with resendLatest, such a receiver gets that latest message once', async () => {
      const channel = new Broadcast<number>('x', { resendLatest: true });
      const sender = channel.newSender();
      const late: BroadcastReceiver<number>[] = [];
      channel.newReceiver().subscribe((n) => {
        if (n === 1) {
          void sender.send(2);
          late.push(channel.newReceiver());
        }
      });
      await sender.send(1);
      await channel.close();
      expect(await drain(late[0] as BroadcastReceiver<number>)).toEqual([2]);
    });
  });

  describe('receiver buffers', () => {
    it('size counts the buffered messages', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      expect(receiver.size).toBe(0);
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      expect(receiver.size).toBe(2);
      await receiver.receive();
      expect(receiver.size).toBe(1);
    });

    it('the default maxsize is 50', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      const sender = channel.newSender();
      for (let n = 0; n < 51; n++) {
        await sender.send(n);
      }
      expect(receiver.size).toBe(50);
      expect(receiver.dropped).toBe(1);
    });

    it('a full receiver drops its oldest message, for itself alone, and counts it in `dropped`', async () => {
      const channel = new Broadcast<number>('x');
      const small = channel.newReceiver({ name: 'small', maxsize: 2 });
      const large = channel.newReceiver({ name: 'large', maxsize: 10 });
      const sender = channel.newSender();
      for (const n of [1, 2, 3, 4, 5]) {
        await sender.send(n);
      }
      expect(small.dropped).toBe(3);
      expect(small.size).toBe(2);
      expect(large.dropped).toBe(0);
      await channel.close();
      expect(await drain(small)).toEqual([4, 5]);
      expect(await drain(large)).toEqual([1, 2, 3, 4, 5]);
    });

    it('logs one warning per overflow episode through the replaceable logger', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver({ name: 'ui', maxsize: 1 });
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      await sender.send(3);
      expect(capture.warnings).toEqual(['BroadcastReceiver:ui: buffer full (maxsize 1), dropping the oldest messages']);
      await receiver.receive();
      await sender.send(4);
      await sender.send(5);
      expect(capture.warnings).toHaveLength(2);
      expect(receiver.dropped).toBe(3);
    });

    it('warnOnOverflow: false silences the warning but still counts `dropped`', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver({ maxsize: 1, warnOnOverflow: false });
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      expect(capture.warnings).toEqual([]);
      expect(receiver.dropped).toBe(1);
    });

    it.each([0, -1, 1.5, NaN, Infinity])(
      'newReceiver() refuses maxsize %p with a RangeError naming `maxsize`',
      (maxsize) => {
        expect(() => new Broadcast('x').newReceiver({ maxsize })).toThrow(RangeError);
        expect(() => new Broadcast('x').newReceiver({ maxsize })).toThrow('`maxsize`');
      },
    );

    it("newReceiver() refuses maxsize '3' with a TypeError, and a name that is not a string", () => {
      expect(() => new Broadcast('x').newReceiver({ maxsize: '3' as unknown as number })).toThrow(TypeError);
      expect(() => new Broadcast('x').newReceiver({ name: 3 as unknown as string })).toThrow('`name`');
    });
  });

  describe('resendLatest', () => {
    it('gives a new receiver the latest message sent before it was created, first', async () => {
      const channel = new Broadcast<number>('x', { resendLatest: true });
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      const receiver = channel.newReceiver();
      await sender.send(3);
      expect(await receiveMany(receiver, 2)).toEqual([2, 3]);
    });

    it('gives nothing extra when nothing was sent yet, and a latest undefined all the same', async () => {
      const channel = new Broadcast<number | undefined>('x', { resendLatest: true });
      expect(channel.newReceiver().size).toBe(0);
      await channel.newSender().send(undefined);
      const receiver = channel.newReceiver();
      expect(receiver.size).toBe(1);
      expect(await receiver.receive()).toBeUndefined();
    });

    it('is off by default', async () => {
      const channel = new Broadcast<number>('x');
      await channel.newSender().send(1);
      expect(channel.newReceiver().size).toBe(0);
    });
  });

  describe('peekables', () => {
    it('newPeekable().peek() is undefined before any message, then the latest message', async () => {
      const channel = new Broadcast<number>('x');
      const peekable = channel.newPeekable();
      expect(peekable).toBeInstanceOf(Peekable);
      expect(peekable.peek()).toBeUndefined();
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      expect(peekable.peek()).toBe(2);
      expect(peekable.peek()).toBe(2);
    });

    it('peek() is undefined after close()', async () => {
      const channel = new Broadcast<number>('x');
      const peekable = channel.newPeekable();
      await channel.newSender().send(1);
      await channel.close();
      expect(peekable.peek()).toBeUndefined();
      expect(channel.newPeekable().peek()).toBeUndefined();
    });

    it('a peekable does not count as a receiver', () => {
      const channel = new Broadcast<number>('x');
      channel.newPeekable();
      expect(channel.receiverCount).toBe(0);
    });

    it('intoPeekable() detaches the receiver, which delivers what it had, then throws ReceiverInvalidatedError', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver({ name: 'r' });
      await channel.newSender().send(1);
      const peekable = receiver.intoPeekable();
      expect(channel.receiverCount).toBe(0);
      await channel.newSender().send(2);
      expect(peekable.peek()).toBe(2);
      expect(receiver.size).toBe(1);
      expect(await receiver.receive()).toBe(1);
      const error = (await reasonOf(receiver.receive())) as ReceiverInvalidatedError<number>;
      expect(error).toBeInstanceOf(ReceiverInvalidatedError);
      expect(error.receiver).toBe(receiver);
      expect(error.message).toBe('BroadcastReceiver:r was turned into a peekable');
    });

    it('intoPeekable() wakes a pending ready(), after which consume() throws ReceiverInvalidatedError', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      const ready = receiver.ready();
      receiver.intoPeekable();
      await expect(ready).resolves.toBe(true);
      expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverInvalidatedError);
    });

    it('a subscriber of a receiver turned into a peekable gets the buffered messages, then the error', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      receiver.intoPeekable();
      const all = lastValueFrom(receiver.pipe(toArray()));
      await expect(all).rejects.toBeInstanceOf(ReceiverInvalidatedError);
    });
  });

  describe('receiverCount', () => {
    it('counts receivers as they are made', () => {
      const channel = new Broadcast<number>('x');
      channel.newReceiver();
      const kept = channel.newReceiver();
      expect(channel.receiverCount).toBe(2);
      kept.close();
    });

    it('falls when a receiver is closed, once however often it is closed', () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      const other = channel.newReceiver();
      receiver.close();
      receiver.close();
      expect(channel.receiverCount).toBe(1);
      other.intoPeekable();
      other.close();
      expect(channel.receiverCount).toBe(0);
    });

    it('falls to 0 when the channel is closed', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      await channel.close();
      expect(channel.receiverCount).toBe(0);
      receiver.close();
      expect(channel.receiverCount).toBe(0);
    });

    it('runs with --expose-gc', () => {
      expect(canCollect).toBe(true);
    });

    it('falls when a receiver is garbage-collected', async () => {
      const channel = new Broadcast<number>('x');
      makeAndDropReceiver(channel);
      expect(channel.receiverCount).toBe(1);
      expect(await collectUntil(() => channel.receiverCount === 0)).toBe(true);
      await expect(channel.newSender().send(1)).resolves.toBeUndefined();
    });

    it('does not collect a receiver with a pending ready(), which still resolves', async () => {
      const channel = new Broadcast<number>('x');
      const ready = track(readyOfDroppedReceiver(channel));
      expect(await collectUntil(() => channel.receiverCount === 0, 5)).toBe(false);
      await channel.newSender().send(1);
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
    });
  });

  describe('asObservable()', () => {
    it('is hot: a subscriber sees every message sent while subscribed, synchronously', async () => {
      const channel = new Broadcast<number>('x');
      const sender = channel.newSender();
      await sender.send(1);
      const seen: number[] = [];
      const subscription = channel.asObservable().subscribe((n) => seen.push(n));
      void sender.send(2);
      expect(seen).toEqual([2]);
      subscription.unsubscribe();
      await sender.send(3);
      expect(seen).toEqual([2]);
    });

    it('completes when the channel closes, and at once when subscribed after', async () => {
      const channel = new Broadcast<number>('x');
      const all = lastValueFrom(channel.asObservable().pipe(toArray()));
      await channel.newSender().send(1);
      await channel.close();
      await expect(all).resolves.toEqual([1]);
      await expect(lastValueFrom(channel.asObservable().pipe(toArray()))).resolves.toEqual([]);
    });

    it('is not a receiver and does not count as one', () => {
      const channel = new Broadcast<number>('x');
      const subscription = channel.asObservable().subscribe();
      expect(channel.receiverCount).toBe(0);
      expect(channel.asObservable()).not.toBeInstanceOf(Receiver);
      subscription.unsubscribe();
    });
  });

  describe('observe() (Guarantee: each subscription owns its receiver)', () => {
    it('makes one receiver per subscription and closes it on unsubscribe', async () => {
      const channel = new Broadcast<number>('prices');
      const prices = channel.observe();
      const first: number[] = [];
      const second: number[] = [];
      const a = prices.subscribe((n) => first.push(n));
      expect(channel.receiverCount).toBe(1);
      const b = prices.subscribe((n) => second.push(n));
      expect(channel.receiverCount).toBe(2);
      await channel.newSender().send(1);
      a.unsubscribe();
      expect(channel.receiverCount).toBe(1);
      await channel.newSender().send(2);
      b.unsubscribe();
      expect(channel.receiverCount).toBe(0);
      expect(first).toEqual([1]);
      expect(second).toEqual([1, 2]);
    });

    it('an unsubscribe from inside next (take(1)) detaches the receiver', async () => {
      const channel = new Broadcast<number>('prices', { resendLatest: true });
      await channel.newSender().send(7);
      await expect(firstValueFrom(channel.observe())).resolves.toBe(7);
      expect(channel.receiverCount).toBe(0);
    });

    it('emits each message as it is sent, in send order also for sends made from inside next', async () => {
      const channel = new Broadcast<number>('prices');
      const sender = channel.newSender();
      const seen: string[] = [];
      channel.observe().subscribe((n) => {
        seen.push(`a:${n}`);
        if (n === 1) {
          void sender.send(2);
          void sender.send(3);
        }
      });
      channel.observe().subscribe((n) => seen.push(`b:${n}`));
      await sender.send(1);
      expect(seen).toEqual(['a:1', 'b:1', 'a:2', 'b:2', 'a:3', 'b:3']);
      expect(capture.warnings).toEqual([]);
    });

    it('honours resendLatest for every subscription', async () => {
      const channel = new Broadcast<string>('state', { resendLatest: true });
      await channel.newSender().send('on');
      const seen: string[] = [];
      channel.observe().subscribe((s) => seen.push(`a:${s}`));
      channel.observe().subscribe((s) => seen.push(`b:${s}`));
      expect(seen).toEqual(['a:on', 'b:on']);
    });

    it('completes when the channel closes; a subscription after close completes at once', async () => {
      const channel = new Broadcast<number>('prices');
      const all = lastValueFrom(channel.observe().pipe(toArray()));
      await channel.newSender().send(1);
      await channel.close();
      await expect(all).resolves.toEqual([1]);
      await expect(lastValueFrom(channel.observe().pipe(toArray()))).resolves.toEqual([]);
      expect(channel.receiverCount).toBe(0);
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses maxsize %p at once with a RangeError naming `maxsize`', (maxsize) => {
      expect(() => new Broadcast('x').observe({ maxsize })).toThrow(RangeError);
      expect(() => new Broadcast('x').observe({ maxsize })).toThrow('`maxsize`');
    });

    it('refuses a name that is not a string and options that are not an object', () => {
      expect(() => new Broadcast('x').observe({ name: 3 as unknown as string })).toThrow(TypeError);
      expect(() => new Broadcast('x').observe(7 as unknown as object)).toThrow(TypeError);
    });
  });

  describe('receiver close()', () => {
    it('detaches the receiver: it delivers what it had buffered, then stops with no cause', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      receiver.close();
      await channel.newSender().send(2);
      expect(await receiver.receive()).toBe(1);
      await expect(receiver.ready()).resolves.toBe(false);
      const error = (await reasonOf(receiver.receive())) as ReceiverStoppedError<number>;
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect(error.cause).toBeUndefined();
    });

    it('settles a pending ready() with false', async () => {
      const receiver = new Broadcast<number>('x').newReceiver();
      const ready = receiver.ready();
      receiver.close();
      await expect(ready).resolves.toBe(false);
    });
  });

  describe('close()', () => {
    it('takes effect before it returns, and its promise resolves without waiting for receivers to drain', async () => {
      const channel = new Broadcast<number>('drain');
      const receiver = channel.newReceiver();
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      const closed = track(channel.close());
      expect(channel.isClosed).toBe(true);
      const late = track(sender.send(3));
      await flushMicrotasks();
      expect(closed.current()).toEqual({ state: 'fulfilled', value: undefined });
      expect(late.current().state).toBe('rejected');
      expect(receiver.size).toBe(2);
      expect(await drain(receiver)).toEqual([1, 2]);
    });

    it('is idempotent and sets isClosed', async () => {
      const channel = new Broadcast<number>('x');
      await expect(channel.close()).resolves.toBeUndefined();
      await expect(channel.close()).resolves.toBeUndefined();
      expect(channel.isClosed).toBe(true);
    });

    it('makes send() throw SenderError `The channel was closed`, caused by ChannelClosedError of the channel', async () => {
      const channel = new Broadcast<number>('x');
      const sender = channel.newSender();
      await channel.close();
      const error = (await reasonOf(sender.send(1))) as SenderError<number>;
      expect(error).toBeInstanceOf(SenderError);
      expect(error.message).toBe('The channel was closed');
      expect(error.sender).toBe(sender);
      expect((error.cause as ChannelClosedError).channel).toBe(channel);
      expect((error.cause as ChannelClosedError).message).toBe('Channel Broadcast:x was closed');
    });

    it('lets receivers drain, then stop with ReceiverStoppedError caused by ChannelClosedError', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      await channel.close();
      expect(await receiver.receive()).toBe(1);
      const error = (await reasonOf(receiver.receive())) as ReceiverStoppedError<number>;
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error.cause as ChannelClosedError).channel).toBe(channel);
    });

    it('settles waiting promises: ready() with false, receive() with ReceiverStoppedError, subscribers complete', async () => {
      const channel = new Broadcast<number>('x');
      const ready = track(channel.newReceiver().ready());
      const received = track(channel.newReceiver().receive());
      const observed = track(lastValueFrom(channel.newReceiver().pipe(toArray())));
      await channel.close();
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: false });
      expect(received.current().state).toBe('rejected');
      expect((received.current() as { reason: unknown }).reason).toBeInstanceOf(ReceiverStoppedError);
      expect(observed.current()).toEqual({ state: 'fulfilled', value: [] });
    });

    it('close() from inside a subscriber still delivers the message being sent to every receiver', async () => {
      const channel = new Broadcast<string>('x');
      const sender = channel.newSender();
      const first = channel.newReceiver();
      const second = channel.newReceiver();
      first.subscribe((message) => {
        if (message === 'quit') {
          void channel.close();
        }
      });
      await sender.send('quit');
      expect(channel.isClosed).toBe(true);
      expect(await drain(second)).toEqual(['quit']);
      await expect(sender.send('late')).rejects.toBeInstanceOf(SenderError);
    });

    it('close() from inside a subscriber still delivers the messages sent before it from there', async () => {
      const channel = new Broadcast<number>('x');
      const sender = channel.newSender();
      const first = channel.newReceiver();
      const second = channel.newReceiver();
      const observed = lastValueFrom(channel.asObservable().pipe(toArray()));
      first.subscribe((n) => {
        if (n === 1) {
          void sender.send(2);
          void channel.close();
        }
      });
      await sender.send(1);
      expect(await drain(second)).toEqual([1, 2]);
      await expect(observed).resolves.toEqual([1, 2]);
    });

    it('send() with an already-aborted signal on a closed channel rejects with the signal reason, like ready()', async () => {
      const channel = new Broadcast<number>('x');
      await channel.close();
      const reason = new Error('gave up');
      expect(await reasonOf(channel.newSender().send(1, { signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(await reasonOf(channel.newReceiver().ready({ signal: AbortSignal.abort(reason) }))).toBe(reason);
    });

    it('newReceiver() on a closed channel gives a receiver that is already stopped, and not counted', async () => {
      const channel = new Broadcast<number>('x', { resendLatest: true });
      await channel.newSender().send(1);
      await channel.close();
      const receiver = channel.newReceiver();
      expect(channel.receiverCount).toBe(0);
      await expect(receiver.ready()).resolves.toBe(false);
      expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverStoppedError);
    });

    it('newSender() on a closed channel gives a sender whose send() throws', async () => {
      const channel = new Broadcast<number>('x');
      await channel.close();
      await expect(channel.newSender().send(1)).rejects.toBeInstanceOf(SenderError);
    });
  });

  describe('cancellation', () => {
    it('send() with an already-aborted signal rejects with its reason and delivers nothing', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      const peekable = channel.newPeekable();
      const reason = new Error('gave up');
      expect(await reasonOf(channel.newSender().send(1, { signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(receiver.size).toBe(0);
      expect(peekable.peek()).toBeUndefined();
    });

    it('ready() with an already-aborted signal rejects at once, even with a message buffered, and takes nothing', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      await expect(receiver.ready({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      expect(receiver.size).toBe(1);
    });

    it('a pending receive() aborted while waiting rejects, takes nothing and leaves no listener', async () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      const controller = new AbortController();
      const received = receiver.receive({ signal: controller.signal });
      controller.abort();
      await expect(received).rejects.toMatchObject({ name: 'AbortError' });
      expect(abortListenerCount(controller.signal)).toBe(0);
      await channel.newSender().send(1);
      expect(receiver.size).toBe(1);
      expect(await receiver.receive()).toBe(1);
    });

    itLeavesNoAbortListeners(() => new Broadcast<number>('x'));

    it('a receiver stays uncollectable while one of several waits is still pending', async () => {
      const channel = new Broadcast<number>('x');
      const controller = new AbortController();
      const [aborted, kept] = twoReadiesOfDroppedReceiver(channel, controller.signal);
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      expect(await collectUntil(() => channel.receiverCount === 0, 5)).toBe(false);
      await channel.newSender().send(1);
      await expect(kept).resolves.toBe(true);
    });

    it('an aborted wait lets the receiver be collected again', async () => {
      const channel = new Broadcast<number>('x');
      const controller = new AbortController();
      const ready = abortableReadyOfDroppedReceiver(channel, controller.signal);
      controller.abort();
      await expect(ready).rejects.toMatchObject({ name: 'AbortError' });
      expect(await collectUntil(() => channel.receiverCount === 0)).toBe(true);
    });
  });
});

function abortableReadyOfDroppedReceiver(channel: Broadcast<number>, signal: AbortSignal): Promise<boolean> {
  return channel.newReceiver().ready({ signal });
}

function twoReadiesOfDroppedReceiver(
  channel: Broadcast<number>,
  signal: AbortSignal,
): [Promise<boolean>, Promise<boolean>] {
  const receiver = channel.newReceiver();
  return [receiver.ready({ signal }), receiver.ready()];
}
