import { Anycast, Broadcast, ReceiverError, ReceiverStoppedError, type AbortOptions } from 'rx-channels';
import { observeReceiver } from '../../lib/internal/ReceiverObservable';
import type { Subscriber } from 'rxjs';
import { Observable, take } from 'rxjs';
import { flushMicrotasks } from '../helpers/async';
import { ListReceiver } from '../helpers/receivers';

/** A receiver written outside the library whose ready() does not listen to its signal. */
class DeafListReceiver<T> extends ListReceiver<T> {
  override ready(_options?: AbortOptions): Promise<boolean> {
    return super.ready();
  }
}

/** Subscribes to `receiver` through observeReceiver() directly, recording what it emits. */
function observe<T>(receiver: Parameters<typeof observeReceiver<T>>[0]) {
  const events: string[] = [];
  const values: T[] = [];
  const subscription = new Observable<T>((subscriber: Subscriber<T>) =>
    observeReceiver(receiver, subscriber),
  ).subscribe({
    next: (value) => {
      values.push(value);
      events.push('next');
    },
    error: (error: unknown) => events.push(`error:${(error as Error).name}`),
    complete: () => events.push('complete'),
  });
  return { events, values, subscription };
}

describe('observeReceiver()', () => {
  describe('on a built-in (pollable) receiver', () => {
    it('emits what is buffered at once, during subscribe()', async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      const { values } = observe(receiver);
      expect(values).toEqual([1, 2]);
    });

    it('emits inside send(), before its promise is awaited', () => {
      const channel = new Anycast<number>();
      const { values } = observe(channel.newReceiver());
      void channel.newSender().send(7);
      expect(values).toEqual([7]);
    });

    it('completes when the receiver stops', async () => {
      const channel = new Anycast<number>();
      const { events } = observe(channel.newReceiver());
      await channel.close();
      expect(events).toEqual(['complete']);
    });

    it('errors with the error consume() throws, other than a stop', async () => {
      const channel = new Anycast<number>();
      const failing = channel.newReceiver().map(() => {
        throw new ReceiverError('bad message', channel.newReceiver());
      });
      const { events } = observe(failing);
      await channel.newSender().send(1);
      expect(events).toEqual(['error:ReceiverError']);
    });

    it('takes nothing more once unsubscribed, even from inside next', async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      await sender.send(3);
      const values: number[] = [];
      // take(1) unsubscribes from the source inside the first next().
      new Observable<number>((subscriber) => observeReceiver(receiver, subscriber))
        .pipe(take(1))
        .subscribe((value) => values.push(value));
      expect(values).toEqual([1]);
      expect(await receiver.receive()).toBe(2);
      expect(await receiver.receive()).toBe(3);
    });

    it('completes, not errors, when consume() throws a ReceiverStoppedError', async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      const stopping = receiver.map((): number => {
        throw new ReceiverStoppedError(receiver);
      });
      const { events } = observe(stopping);
      await channel.newSender().send(1);
      expect(events).toEqual(['complete']);
    });

    it('unparks on unsubscribe, so a later message stays in the channel', async () => {
      const channel = new Broadcast<number>('b');
      const receiver = channel.newReceiver();
      const { values, subscription } = observe(receiver);
      subscription.unsubscribe();
      await channel.newSender().send(1);
      expect(values).toEqual([]);
      expect(receiver.size).toBe(1);
    });
  });

  describe('on a receiver with only ready() and consume()', () => {
    it('emits every message, then completes when the receiver stops', async () => {
      const receiver = new ListReceiver<number>();
      const { values, events } = observe(receiver);
      receiver.push(1, 2);
      await flushMicrotasks();
      receiver.push(3);
      receiver.end();
      await flushMicrotasks();
      expect(values).toEqual([1, 2, 3]);
      expect(events.at(-1)).toBe('complete');
    });

    it('aborts its pending ready() on unsubscribe and takes nothing after', async () => {
      const receiver = new ListReceiver<number>();
      const { values, subscription } = observe(receiver);
      await flushMicrotasks();
      expect(receiver.pendingReadyCalls).toBe(1);
      subscription.unsubscribe();
      await flushMicrotasks();
      expect(receiver.pendingReadyCalls).toBe(0);
      receiver.push(1);
      await flushMicrotasks();
      expect(values).toEqual([]);
      expect(receiver.size).toBe(1);
    });

    it('takes nothing after unsubscribe even when ready() ignores the signal', async () => {
      const receiver = new DeafListReceiver<number>();
      const { values, subscription } = observe(receiver);
      await flushMicrotasks();
      subscription.unsubscribe();
      receiver.push(1);
      await flushMicrotasks();
      expect(values).toEqual([]);
      expect(receiver.size).toBe(1);
    });

    it('errors with what consume() throws', async () => {
      const receiver = new ListReceiver<number>();
      const failing = receiver.map((): number => {
        throw new Error('bad');
      });
      const { events } = observe(failing);
      receiver.push(1);
      await flushMicrotasks();
      expect(events).toEqual(['error:Error']);
    });
  });
});
