import { expectTypeOf } from 'expect-type';
import { defer, finalize, from, lastValueFrom, Observable, of, range, Subject, tap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Anycast, Broadcast, ChannelClosedError, Sender, SenderError, type AbortOptions } from 'rx-channels';
import { toChannel } from 'rx-channels/util';
import { flushMicrotasks, reasonOf } from '../helpers/async';
import { drain, receiveMany } from '../helpers/receivers';

/** A sender written outside the library: only send(), which records and resolves later. */
class RecordingSender extends Sender<number> {
  readonly sent: number[] = [];

  async send(message: number, _options?: AbortOptions): Promise<void> {
    await Promise.resolve();
    this.sent.push(message);
  }
}

/** `source`, counting its active subscriptions. */
function counted<T>(source: Observable<T>): { readonly source: Observable<T>; readonly active: () => number } {
  let active = 0;
  const wrapped = defer(() => {
    active++;
    return source.pipe(finalize(() => active--));
  });
  return { source: wrapped, active: () => active };
}

describe('toChannel()', () => {
  describe('sending', () => {
    it('places each value in the channel synchronously while it has room, and re-emits it', () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      const emitted: number[] = [];
      of(1, 2, 3)
        .pipe(toChannel(channel.newSender()))
        .subscribe((value) => emitted.push(value));
      expect(receiver.size).toBe(3);
      expect(emitted).toEqual([1, 2, 3]);
    });

    it('keeps values that wait for room in order, and re-emits each once the channel took it', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      const emitted: number[] = [];
      of(1, 2, 3)
        .pipe(toChannel(channel.newSender()))
        .subscribe((value) => emitted.push(value));
      expect(emitted).toEqual([1]);
      expect(await receiveMany(receiver, 3)).toEqual([1, 2, 3]);
      await flushMicrotasks();
      expect(emitted).toEqual([1, 2, 3]);
    });

    it('sends through send(), one at a time and in order, to a sender written outside the library', async () => {
      const sender = new RecordingSender();
      const emitted = await lastValueFrom(of(1, 2, 3).pipe(toChannel(sender), toArray()));
      expect(sender.sent).toEqual([1, 2, 3]);
      expect(emitted).toEqual([1, 2, 3]);
    });
  });

  describe('completion', () => {
    it('does not complete when a value that waited is placed while the source is still open', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      const source = new Subject<number>();
      const events: string[] = [];
      source.pipe(toChannel(channel.newSender())).subscribe({
        next: (value) => events.push(`next ${value}`),
        complete: () => events.push('complete'),
      });
      source.next(1);
      source.next(2);
      expect(await receiver.receive()).toBe(1);
      await flushMicrotasks();
      expect(events).toEqual(['next 1', 'next 2']);
      source.complete();
      expect(events).toEqual(['next 1', 'next 2', 'complete']);
    });

    it('completes once every value is in the channel, leaving the channel open by default', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      const done = lastValueFrom(of(1, 2).pipe(toChannel(channel.newSender())));
      expect(await receiveMany(receiver, 2)).toEqual([1, 2]);
      expect(await done).toBe(2);
      expect(channel.isClosed).toBe(false);
    });

    it('with closeOnComplete, closes the channel after the last value is in', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      of(1, 2, 3)
        .pipe(toChannel(channel.newSender(), { closeOnComplete: true }))
        .subscribe();
      expect(channel.isClosed).toBe(false);
      expect(await drain(receiver)).toEqual([1, 2, 3]);
      expect(channel.isClosed).toBe(true);
    });
  });

  describe('source errors', () => {
    it('sends the values before the error, then errors with the source error; the channel stays open', async () => {
      const failure = new Error('boom');
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      const source = new Observable<number>((subscriber) => {
        subscriber.next(1);
        subscriber.error(failure);
      });
      expect(await reasonOf(lastValueFrom(source.pipe(toChannel(channel.newSender()))))).toBe(failure);
      expect(await receiver.receive()).toBe(1);
      expect(channel.isClosed).toBe(false);
    });

    it('with closeOnError, closes the channel once the values before the error are in', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      const source = new Observable<number>((subscriber) => {
        subscriber.next(1);
        subscriber.next(2);
        subscriber.error(new Error('boom'));
      });
      source.pipe(toChannel(channel.newSender(), { closeOnError: true })).subscribe({ error: () => undefined });
      expect(channel.isClosed).toBe(false);
      expect(await drain(receiver)).toEqual([1, 2]);
      expect(channel.isClosed).toBe(true);
    });

    it('with closeOnError only, leaves the channel open when the source completes', () => {
      const channel = new Broadcast<number>('b');
      of(1)
        .pipe(toChannel(channel.newSender(), { closeOnError: true }))
        .subscribe();
      expect(channel.isClosed).toBe(false);
    });
  });

  describe('maxPending', () => {
    it('errors with a SenderError past maxPending, stops the source at once and withdraws the waiting values', async () => {
      const channel = new Anycast<number>({ name: 'jobs', maxsize: 1 });
      let emitted = 0;
      const result = lastValueFrom(
        range(1, 10).pipe(
          tap(() => emitted++),
          toChannel(channel.newSender(), { maxPending: 2 }),
        ),
      );
      const error = await reasonOf(result);
      expect(error).toBeInstanceOf(SenderError);
      expect((error as Error).message).toBe(
        'AnycastSender:jobs: more than 2 value(s) waiting for room in the channel (`maxPending`)',
      );
      expect(emitted).toBe(4);
      await flushMicrotasks();
      const receiver = channel.newReceiver();
      expect(await receiver.receive()).toBe(1);
      await channel.newSender().send(99);
      expect(await receiver.receive()).toBe(99);
    });

    it('with maxPending 0, accepts values the channel takes at once and errors on the first that would wait', async () => {
      const channel = new Anycast<number>({ maxsize: 2 });
      const result = lastValueFrom(of(1, 2, 3).pipe(toChannel(channel.newSender(), { maxPending: 0 }), toArray()));
      expect(await reasonOf(result)).toBeInstanceOf(SenderError);
      expect(await receiveMany(channel.newReceiver(), 2)).toEqual([1, 2]);
    });

    it('accepts any number of waiting values by default', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      range(0, 500)
        .pipe(toChannel(channel.newSender(), { closeOnComplete: true }))
        .subscribe();
      expect(await drain(receiver)).toHaveLength(500);
    });
  });

  describe('closed channel', () => {
    it('errors with the SenderError of the failed send, whose cause is a ChannelClosedError', async () => {
      const channel = new Anycast<number>();
      await channel.close();
      const error = await reasonOf(lastValueFrom(of(1).pipe(toChannel(channel.newSender()))));
      expect(error).toBeInstanceOf(SenderError);
      expect((error as SenderError).cause).toBeInstanceOf(ChannelClosedError);
    });

    it('errors when the channel closes under values that wait, and unsubscribes the source', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const subject = new Subject<number>();
      const { source, active } = counted(subject);
      const errors: unknown[] = [];
      source.pipe(toChannel(channel.newSender())).subscribe({ error: (error: unknown) => errors.push(error) });
      subject.next(1);
      subject.next(2);
      await channel.close();
      await flushMicrotasks();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(SenderError);
      expect(active()).toBe(0);
    });
  });

  describe('unsubscribing', () => {
    it('unsubscribes the source, withdraws the waiting values and leaves the channel open', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const subject = new Subject<number>();
      const { source, active } = counted(subject);
      const subscription = source.pipe(toChannel(channel.newSender())).subscribe();
      subject.next(1);
      subject.next(2);
      subscription.unsubscribe();
      expect(active()).toBe(0);
      await flushMicrotasks();
      const receiver = channel.newReceiver();
      expect(await receiver.receive()).toBe(1);
      await channel.close();
      expect(await drain(receiver)).toEqual([]);
    });

    it('feeds the channel again on each subscription (it is cold)', () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      const feeding = of(1).pipe(toChannel(channel.newSender()));
      feeding.subscribe();
      feeding.subscribe();
      expect(receiver.size).toBe(2);
    });
  });

  describe('validation', () => {
    it('refuses a maxPending that is not an integer from 0 and up', () => {
      const sender = new Broadcast<number>('b').newSender();
      expect(() => toChannel(sender, { maxPending: -1 })).toThrow(RangeError);
      expect(() => toChannel(sender, { maxPending: 0.5 })).toThrow('`maxPending`');
      expect(() => toChannel(sender, { maxPending: '1' as unknown as number })).toThrow(TypeError);
    });

    it('refuses something that is not a sender', () => {
      expect(() => toChannel({} as Sender<number>)).toThrow('`sender`');
    });
  });

  describe('virtual time', () => {
    it('feeds an Anycast in the frames of the source', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
        const channel = new Anycast<string>();
        const receiver = channel.newReceiver();
        expectObservable(cold('a-b-c|').pipe(toChannel(channel.newSender(), { closeOnComplete: true }))).toBe('a-b-c|');
        expectObservable(receiver.asObservable()).toBe('a-b-c|');
      });
    });
  });

  it('keeps the element type', () => {
    const sender = new Broadcast<number>('b').newSender();
    expectTypeOf(from([1, 2]).pipe(toChannel(sender))).toEqualTypeOf<Observable<number>>();
  });
});
