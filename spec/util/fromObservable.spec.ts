import fc from 'fast-check';
import { expectTypeOf } from 'expect-type';
import {
  catchError,
  defer,
  finalize,
  from,
  of,
  range,
  Subject,
  take,
  tap,
  throwError,
  type Observable,
  type Subscribable,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ReceiverError, ReceiverStoppedError, type Receiver } from 'rx-channels';
import { fromObservable, type BufferOverflow, type ObservableReceiver } from 'rx-channels/util';
import { flushMicrotasks, reasonOf, settlementOf } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';
import { drain, receiveMany } from '../helpers/receivers';

/** `source`, counting its active subscriptions. */
function counted<T>(source: Observable<T>): { readonly source: Observable<T>; readonly active: () => number } {
  let active = 0;
  const wrapped = defer(() => {
    active++;
    return source.pipe(finalize(() => active--));
  });
  return { source: wrapped, active: () => active };
}

function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('fromObservable()', () => {
  let capture: ReturnType<typeof captureWarnings>;

  beforeEach(() => {
    capture = captureWarnings();
  });

  afterEach(() => {
    capture.restore();
  });

  describe('sources', () => {
    it('receives the values of an Observable in order, then stops', async () => {
      expect(await drain(fromObservable(of(1, 2, 3)))).toEqual([1, 2, 3]);
    });

    it('subscribes at once, before anyone receives', () => {
      const { source, active } = counted(new Subject<number>());
      fromObservable(source);
      expect(active()).toBe(1);
    });

    it('accepts a plain Subscribable', async () => {
      const subscribable: Subscribable<string> = {
        subscribe(observer) {
          observer.next?.('x');
          observer.complete?.();
          return { unsubscribe: () => undefined };
        },
      };
      expect(await drain(fromObservable(subscribable))).toEqual(['x']);
    });

    it('accepts an interop Observable', async () => {
      const interop = { [Symbol.observable ?? '@@observable']: () => of('y') };
      expect(await drain(fromObservable(interop as unknown as Observable<string>))).toEqual(['y']);
    });

    it('accepts another receiver as its source', async () => {
      expect(await drain(fromObservable(fromObservable(of(1, 2))))).toEqual([1, 2]);
    });

    it('delivers undefined and null as messages', async () => {
      expect(await drain(fromObservable(of(undefined, null)))).toEqual([undefined, null]);
    });

    it('wakes a pending ready() when the source emits', async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject);
      const received = receiver.receive();
      subject.next(7);
      expect(await received).toBe(7);
    });

    it('takes nothing when a pending ready() is aborted', async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject);
      const controller = new AbortController();
      const received = receiver.receive({ signal: controller.signal });
      controller.abort();
      expect(await reasonOf(received)).toBe(controller.signal.reason);
      subject.next(1);
      expect(await receiver.receive()).toBe(1);
    });
  });

  describe('completion and errors', () => {
    it('stops once the buffer has drained after the source completes', async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject);
      subject.next(1);
      subject.complete();
      expect(await receiver.receive()).toBe(1);
      expect(await receiver.ready()).toBe(false);
      expect(() => receiver.consume()).toThrow(ReceiverStoppedError);
    });

    it('delivers the buffered values, then a ReceiverError whose cause is the source error, once', async () => {
      const failure = new Error('boom');
      const subject = new Subject<number>();
      const receiver = fromObservable(subject);
      subject.next(1);
      subject.error(failure);
      expect(await receiver.receive()).toBe(1);
      const error = await reasonOf(receiver.receive());
      expect(error).toBeInstanceOf(ReceiverError);
      expect((error as ReceiverError).cause).toBe(failure);
      expect((error as ReceiverError).receiver).toBe(receiver);
      expect(await receiver.ready()).toBe(false);
    });

    it('ends a for await loop with the source error', async () => {
      const failure = new Error('boom');
      const receiver = fromObservable(throwError(() => failure));
      const error = await reasonOf(drain(receiver));
      expect((error as ReceiverError).cause).toBe(failure);
    });

    it('errors its Observable face with the ReceiverError', () => {
      const failure = new Error('boom');
      const errors: unknown[] = [];
      fromObservable(throwError(() => failure)).subscribe({ error: (error: unknown) => errors.push(error) });
      expect(errors).toHaveLength(1);
      expect((errors[0] as ReceiverError).cause).toBe(failure);
    });
  });

  describe('close()', () => {
    it('unsubscribes from the source', () => {
      const { source, active } = counted(new Subject<number>());
      const receiver = fromObservable(source);
      receiver.close();
      expect(active()).toBe(0);
    });

    it('still delivers what was buffered, then stops', async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject);
      subject.next(1);
      receiver.close();
      subject.next(2);
      expect(await drain(receiver)).toEqual([1]);
    });

    it('releases a pending ready() with false', async () => {
      const receiver = fromObservable(new Subject<number>());
      const ready = receiver.ready();
      receiver.close();
      expect(await ready).toBe(false);
    });

    it('is idempotent', () => {
      const receiver = fromObservable(new Subject<number>());
      receiver.close();
      expect(() => receiver.close()).not.toThrow();
    });

    it('leaves no subscription when the source completes', () => {
      const { source, active } = counted(of(1));
      fromObservable(source);
      expect(active()).toBe(0);
    });
  });

  describe('overflow', () => {
    it("defaults to 'error': keeps the buffer and the value that overflowed, stops the source mid-emission, then errors", async () => {
      let emitted = 0;
      const receiver = fromObservable(range(1, 60).pipe(tap(() => emitted++)), { name: 'numbers' });
      expect(emitted).toBe(51);
      expect(await receiveMany(receiver, 51)).toEqual(Array.from({ length: 51 }, (_, index) => index + 1));
      const error = await reasonOf(receiver.receive());
      expect(error).toBeInstanceOf(ReceiverError);
      expect((error as Error).message).toBe(
        'FromObservable:numbers: buffer full (maxsize 50); the source was unsubscribed',
      );
      expect(capture.warnings).toEqual([]);
    });

    it("'error' drops nothing: of(1, 2, 3) with maxsize 2 gives 1, 2, 3, then the error", async () => {
      const receiver = fromObservable(of(1, 2, 3), { maxsize: 2, overflow: 'error' });
      expect(await receiveMany(receiver, 3)).toEqual([1, 2, 3]);
      await expect(receiver.receive()).rejects.toThrow('buffer full (maxsize 2); the source was unsubscribed');
      await expect(receiver.ready()).resolves.toBe(false);
    });

    it("'error' unsubscribes from an asynchronous source", () => {
      const subject = new Subject<number>();
      const { source, active } = counted(subject);
      fromObservable(source, { maxsize: 1 });
      subject.next(1);
      subject.next(2);
      expect(active()).toBe(0);
    });

    it("'dropOldest' keeps the newest values and warns once per episode", async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject, { name: 'ticks', maxsize: 2, overflow: 'dropOldest' });
      [1, 2, 3, 4].forEach((value) => subject.next(value));
      expect(await receiveMany(receiver, 2)).toEqual([3, 4]);
      expect(capture.warnings).toEqual(['FromObservable:ticks: buffer full (maxsize 2), dropping the oldest messages']);
      [5, 6, 7].forEach((value) => subject.next(value));
      expect(capture.warnings).toHaveLength(2);
      expect(await receiveMany(receiver, 2)).toEqual([6, 7]);
    });

    it("'dropLatest' keeps the buffered values and warns", async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject, { name: 'clicks', maxsize: 2, overflow: 'dropLatest' });
      [1, 2, 3, 4].forEach((value) => subject.next(value));
      subject.complete();
      expect(await drain(receiver)).toEqual([1, 2]);
      expect(capture.warnings).toEqual([
        'FromObservable:clicks: buffer full (maxsize 2), dropping the newest messages',
      ]);
    });

    it('buffers without bound with maxsize Infinity', async () => {
      expect(await drain(fromObservable(range(0, 1000), { maxsize: Infinity }))).toHaveLength(1000);
    });
  });

  describe('size and dropped', () => {
    let capture: ReturnType<typeof captureWarnings>;
    beforeEach(() => {
      capture = captureWarnings();
    });
    afterEach(() => capture.restore());

    it('size counts the values buffered now, and dropped the values the policy dropped', () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject, { maxsize: 2, overflow: 'dropOldest' });
      expect([receiver.size, receiver.dropped]).toEqual([0, 0]);
      [1, 2, 3].forEach((value) => subject.next(value));
      expect([receiver.size, receiver.dropped]).toEqual([2, 1]);
      expect(receiver.tryReceive()).toEqual({ ok: true, message: 2 });
      expect([receiver.size, receiver.dropped]).toEqual([1, 1]);
    });

    it("dropped stays 0 with 'error', whose overflowing value is kept (size maxsize + 1)", () => {
      const receiver = fromObservable(of(1, 2, 3, 4), { maxsize: 2 });
      expect([receiver.size, receiver.dropped]).toEqual([3, 0]);
    });

    it('with a drop policy, the values received, dropped and buffered add up to the values emitted, at every step', () => {
      fc.assert(
        fc.property(
          fc.constantFrom<BufferOverflow>('dropOldest', 'dropLatest'),
          fc.integer({ min: 1, max: 4 }),
          fc.array(fc.boolean(), { maxLength: 40 }),
          (overflow, maxsize, steps) => {
            const subject = new Subject<number>();
            const receiver = fromObservable(subject, { maxsize, overflow });
            let emitted = 0;
            const received: number[] = [];
            for (const emit of steps) {
              if (emit) {
                subject.next(emitted++);
              } else {
                const result = receiver.tryReceive();
                if (result.ok) {
                  received.push(result.message);
                }
              }
              expect(received.length + receiver.dropped + receiver.size).toBe(emitted);
              expect(receiver.size).toBeLessThanOrEqual(maxsize);
            }
            // What was received is in emission order, each value once.
            expect(received).toEqual([...received].sort((a, b) => a - b));
            expect(new Set(received).size).toBe(received.length);
            receiver.close();
          },
        ),
      );
    });
  });

  describe('validation', () => {
    it('refuses a maxsize that is not a positive integer', () => {
      expect(() => fromObservable(of(1), { maxsize: 0 })).toThrow(RangeError);
      expect(() => fromObservable(of(1), { maxsize: 1.5 })).toThrow('`maxsize`');
    });

    it('refuses an unknown overflow policy', () => {
      const options = { overflow: 'suspend' } as unknown as { overflow: 'error' };
      expect(() => fromObservable(of(1), options)).toThrow(TypeError);
      expect(() => fromObservable(of(1), options)).toThrow('`overflow`');
    });

    it('refuses a source that is not observable', () => {
      expect(() => fromObservable(42 as unknown as Observable<number>)).toThrow('`source`');
    });

    it('refuses a name that is not a string', () => {
      expect(() => fromObservable(of(1), { name: 3 as unknown as string })).toThrow('`name`');
    });

    it('subscribes to nothing when the options are invalid', () => {
      const { source, active } = counted(new Subject<number>());
      expect(() => fromObservable(source, { maxsize: -1 })).toThrow(RangeError);
      expect(active()).toBe(0);
    });
  });

  describe('as an Observable', () => {
    it('re-emits the source in the same frames', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        expectObservable(fromObservable(cold('a-b-c|')).asObservable()).toBe('a-b-c|');
      });
    });

    it('surfaces the source error as a ReceiverError in its frame', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const failure = new Error('boom');
        const causes = fromObservable(cold('a-#', undefined, failure)).pipe(
          catchError((error: ReceiverError) => of(error.cause)),
        );
        expectObservable(causes).toBe('a-(e|)', { a: 'a', e: failure });
      });
    });

    it('loses nothing when a subscriber unsubscribes', async () => {
      const subject = new Subject<number>();
      const receiver = fromObservable(subject);
      const seen: number[] = [];
      receiver.pipe(take(1)).subscribe((value) => seen.push(value));
      [1, 2, 3].forEach((value) => subject.next(value));
      subject.complete();
      expect(seen).toEqual([1]);
      expect(await drain(receiver)).toEqual([2, 3]);
    });

    it('keeps its source subscription while its own subscribers come and go', async () => {
      const { source, active } = counted(new Subject<number>());
      const receiver = fromObservable(source);
      receiver.subscribe().unsubscribe();
      expect(active()).toBe(1);
      receiver.close();
      expect(active()).toBe(0);
      await flushMicrotasks();
    });

    it('works with from() and firstValueFrom-style consumers', async () => {
      const values: number[] = [];
      from(fromObservable(of(1, 2))).subscribe((value) => values.push(value));
      expect(values).toEqual([1, 2]);
      expect(await settlementOf(fromObservable(of(3)).receive())).toEqual({ state: 'fulfilled', value: 3 });
    });
  });

  describe('types', () => {
    it('is a Receiver of the source element type', () => {
      expectTypeOf(fromObservable(of(1))).toEqualTypeOf<ObservableReceiver<number>>();
      expectTypeOf(fromObservable(of(1))).toMatchTypeOf<Receiver<number>>();
      expectTypeOf(fromObservable(new Subject<'a' | 'b'>())).toEqualTypeOf<ObservableReceiver<'a' | 'b'>>();
      expectTypeOf(fromObservable(of(1)).size).toEqualTypeOf<number>();
      expectTypeOf(fromObservable(of(1)).dropped).toEqualTypeOf<number>();
    });
  });

  it('names itself in toString()', () => {
    expect(String(fromObservable(of(1), { name: 'clicks' }))).toBe('FromObservable:clicks');
  });
});
