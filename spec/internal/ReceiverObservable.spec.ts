import { Anycast, Broadcast, ReceiverError, ReceiverStoppedError, type AbortOptions } from 'rx-channels';
import { observeReceiver } from '../../lib/internal/ReceiverObservable';
import type { Subscriber } from 'rxjs';
import { config, from, Observable, take, type Subscription } from 'rxjs';
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

describe('the Observable face is shared (Guarantee: every subscriber attached gets each message)', () => {
  function record<T>(observable: Observable<T>, label: string, into: string[]) {
    return observable.subscribe({
      next: (value) => into.push(`${label}:${String(value)}`),
      error: (error: unknown) => into.push(`${label}:error:${(error as Error).message}`),
      complete: () => into.push(`${label}:complete`),
    });
  }

  it('two subscribers on one receiver both get every message (two async pipes)', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const seen: string[] = [];
    record(receiver, 'a', seen);
    record(receiver, 'b', seen);
    await channel.newSender().send(1);
    await channel.newSender().send(2);
    expect(seen).toEqual(['a:1', 'b:1', 'a:2', 'b:2']);
  });

  it('asObservable(), Symbol.observable and the receiver share one face', async () => {
    const channel = new Broadcast<number>('prices');
    const receiver = channel.newReceiver();
    const seen: string[] = [];
    record(receiver, 'a', seen);
    record(receiver.asObservable(), 'b', seen);
    record(from(receiver), 'c', seen);
    await channel.newSender().send(7);
    expect(seen).toEqual(['a:7', 'b:7', 'c:7']);
    expect(receiver.size).toBe(0);
  });

  it('the receiver stays one consumer of an Anycast: another receiver gets the rest', async () => {
    const channel = new Anycast<number>({ maxsize: 10 });
    const shared = channel.newReceiver();
    const other = channel.newReceiver();
    const seen: string[] = [];
    const a = record(shared, 'a', seen);
    const b = record(shared, 'b', seen);
    const sender = channel.newSender();
    await sender.send(1);
    a.unsubscribe();
    b.unsubscribe();
    await sender.send(2);
    expect(seen).toEqual(['a:1', 'b:1']);
    expect(await other.receive()).toBe(2);
  });

  it('a late subscriber gets only what is taken after it joins, as with share()', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const seen: string[] = [];
    record(receiver, 'a', seen);
    await sender.send(1);
    record(receiver, 'b', seen);
    await sender.send(2);
    expect(seen).toEqual(['a:1', 'a:2', 'b:2']);
  });

  it('a subscriber added from inside next gets the messages after the current one', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    await sender.send(1);
    await sender.send(2);
    const seen: string[] = [];
    let joined = false;
    receiver.subscribe((value) => {
      seen.push(`a:${value}`);
      if (!joined) {
        joined = true;
        record(receiver, 'b', seen);
      }
    });
    expect(seen).toEqual(['a:1', 'a:2', 'b:2']);
  });

  it('one subscriber leaving from inside next does not stop the others', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const seen: string[] = [];
    receiver.pipe(take(1)).subscribe((value) => seen.push(`a:${value}`));
    record(receiver, 'b', seen);
    await sender.send(1);
    await sender.send(2);
    expect(seen).toEqual(['a:1', 'b:1', 'b:2']);
  });

  it('when the last subscriber leaves from inside next, nothing more is taken', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const seen: string[] = [];
    const subscriptions: Subscription[] = [];
    subscriptions.push(
      receiver.subscribe(() => {
        for (const subscription of subscriptions) subscription.unsubscribe();
      }),
    );
    subscriptions.push(record(receiver, 'b', seen));
    await sender.send(1);
    await sender.send(2);
    await sender.send(3);
    // b left while 1 was being emitted, before its turn: like a Subject, it does not get it.
    expect(seen).toEqual([]);
    expect(await receiver.receive()).toBe(2);
    expect(await receiver.receive()).toBe(3);
  });

  it('a subscriber that leaves and comes back within one next keeps the face running once', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const seen: number[] = [];
    let subscription = receiver.subscribe(function onNext(value) {
      seen.push(value);
      if (value === 1) {
        subscription.unsubscribe();
        subscription = receiver.subscribe(onNext);
      }
    });
    await sender.send(1);
    await sender.send(2);
    await sender.send(3);
    expect(seen).toEqual([1, 2, 3]);
    subscription.unsubscribe();
    await sender.send(4);
    expect(await receiver.receive()).toBe(4);
  });

  it('completes every subscriber when the receiver stops; a later subscriber completes at once', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const seen: string[] = [];
    record(receiver, 'a', seen);
    record(receiver, 'b', seen);
    await channel.newSender().send(1);
    await channel.close();
    record(receiver, 'c', seen);
    expect(seen).toEqual(['a:1', 'b:1', 'a:complete', 'b:complete', 'c:complete']);
  });

  it('errors every subscriber with the receiver error', async () => {
    const channel = new Anycast<number>();
    const failing = channel.newReceiver().map((n): number => {
      throw new Error(`bad ${n}`);
    });
    const seen: string[] = [];
    record(failing, 'a', seen);
    record(failing, 'b', seen);
    await channel.newSender().send(1);
    expect(seen).toEqual(['a:error:bad 1', 'b:error:bad 1']);
  });

  it('a subscriber whose next throws does not keep the others from the message', async () => {
    const reported: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      const seen: string[] = [];
      receiver.subscribe(() => {
        throw new Error('subscriber bug');
      });
      record(receiver, 'b', seen);
      await channel.newSender().send(1);
      await channel.newSender().send(2);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(seen).toEqual(['b:1', 'b:2']);
      expect(reported).toHaveLength(2);
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('a send made from inside next is emitted after the current message, to all', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const seen: string[] = [];
    receiver.subscribe((value) => {
      seen.push(`a:${value}`);
      if (value < 3) {
        void sender.send(value + 1);
      }
    });
    record(receiver, 'b', seen);
    await sender.send(1);
    await flushMicrotasks();
    expect(seen).toEqual(['a:1', 'b:1', 'a:2', 'b:2', 'a:3', 'b:3']);
  });

  it('is shared over a receiver written outside the library too', async () => {
    const receiver = new ListReceiver<number>();
    receiver.push(1, 2);
    receiver.end();
    const seen: string[] = [];
    record(receiver, 'a', seen);
    record(receiver, 'b', seen);
    await flushMicrotasks();
    expect(seen).toEqual(['a:1', 'b:1', 'a:2', 'b:2', 'a:complete', 'b:complete']);
  });
});
