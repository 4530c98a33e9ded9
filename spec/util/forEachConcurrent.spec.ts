import fc from 'fast-check';
import { Subject } from 'rxjs';
import { Anycast, fromObservable, ReceiverError, type Receiver } from 'rx-channels';
import { forEachConcurrent } from 'rx-channels/util';
import { abortListenerCount, flushMicrotasks, settlementOf, track } from '../helpers/async';
import { propertyParameters, propertyTimeout } from '../helpers/properties';

/** A promise settled from outside: a job that runs until the test lets it finish. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (reason: unknown) => void } {
  let resolve!: () => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Waits `ticks` microtask turns: a job's virtual duration. */
async function ticks(count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    await Promise.resolve();
  }
}

/** Every message still in the channel, taken by a new receiver until it stops (close the channel first). */
async function remaining<T>(channel: Anycast<T>): Promise<T[]> {
  const messages: T[] = [];
  for await (const message of channel.newReceiver()) {
    messages.push(message);
  }
  return messages;
}

/** Sends `messages` in order; resolves when the last one is placed. */
async function sendAll<T>(channel: Anycast<T>, messages: readonly T[]): Promise<void> {
  const sender = channel.newSender();
  for (const message of messages) {
    await sender.send(message);
  }
}

describe('forEachConcurrent()', () => {
  describe('processing', () => {
    it('handles every message once and resolves when the channel is closed and drained (graceful shutdown)', async () => {
      const channel = new Anycast<number>({ maxsize: 10 });
      const handled: number[] = [];
      const pool = forEachConcurrent(channel.newReceiver(), async (message) => {
        await ticks(3);
        handled.push(message);
      });
      await sendAll(channel, [1, 2, 3, 4]);
      await channel.close();
      await expect(pool).resolves.toBeUndefined();
      expect(handled).toEqual([1, 2, 3, 4]);
    });

    it('does not resolve while the receiver is open, even when idle', async () => {
      const channel = new Anycast<number>();
      const pool = forEachConcurrent(channel.newReceiver(), () => {});
      await sendAll(channel, [1]);
      expect((await settlementOf(pool)).state).toBe('pending');
      await channel.close();
      await expect(pool).resolves.toBeUndefined();
    });

    it('resolves at once for a receiver that has already stopped', async () => {
      const channel = new Anycast<number>();
      await channel.close();
      const handler = jest.fn();
      await expect(forEachConcurrent(channel.newReceiver(), handler)).resolves.toBeUndefined();
      expect(handler).not.toHaveBeenCalled();
    });

    it('runs one job at a time by default, in the receiver’s order', async () => {
      const channel = new Anycast<number>();
      const events: string[] = [];
      const pool = forEachConcurrent(channel.newReceiver(), async (message) => {
        events.push(`start ${message}`);
        await ticks(2);
        events.push(`end ${message}`);
      });
      await sendAll(channel, [1, 2]);
      await channel.close();
      await pool;
      expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    });

    it('a handler that returns synchronously works, and gets the message and a signal that is not aborted', async () => {
      const channel = new Anycast<string>();
      const calls: [string, boolean][] = [];
      const pool = forEachConcurrent(
        channel.newReceiver(),
        (message, { signal }) => {
          calls.push([message, signal.aborted]);
          return 'ignored';
        },
        { concurrency: 2 },
      );
      await sendAll(channel, ['a', 'b', 'c']);
      await channel.close();
      await pool;
      expect(calls).toEqual([
        ['a', false],
        ['b', false],
        ['c', false],
      ]);
    });

    it('a job that returns a thenable runs until it settles', async () => {
      const channel = new Anycast<number>();
      const gate = deferred();
      let running = 0;
      const pool = forEachConcurrent(channel.newReceiver(), () => {
        running++;
        return { then: (onFulfilled: () => void) => void gate.promise.then(onFulfilled) };
      });
      await sendAll(channel, [1, 2]);
      await flushMicrotasks();
      expect(running).toBe(1);
      gate.resolve();
      await channel.close();
      await pool;
      expect(running).toBe(2);
    });

    it('with concurrency Infinity, every message starts a job as soon as it arrives', async () => {
      const channel = new Anycast<number>({ maxsize: 100 });
      const gate = deferred();
      let running = 0;
      const pool = forEachConcurrent(
        channel.newReceiver(),
        async () => {
          running++;
          await gate.promise;
        },
        { concurrency: Infinity },
      );
      await sendAll(
        channel,
        Array.from({ length: 50 }, (_, index) => index),
      );
      await flushMicrotasks();
      expect(running).toBe(50);
      gate.resolve();
      await channel.close();
      await expect(pool).resolves.toBeUndefined();
    });

    it(
      'handles every message exactly once and never runs more than `concurrency` jobs (property)',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(Infinity)),
            fc.array(fc.nat({ max: 8 }), { maxLength: 30 }),
            fc.integer({ min: 1, max: 5 }),
            async (concurrency, durations, maxsize) => {
              const channel = new Anycast<number>({ maxsize });
              let running = 0;
              let maxRunning = 0;
              const handled: number[] = [];
              const pool = forEachConcurrent(
                channel.newReceiver(),
                async (index) => {
                  running++;
                  maxRunning = Math.max(maxRunning, running);
                  await ticks(durations[index] as number);
                  handled.push(index);
                  running--;
                },
                { concurrency },
              );
              await sendAll(
                channel,
                durations.map((_, index) => index),
              );
              await channel.close();
              await pool;
              expect([...handled].sort((a, b) => a - b)).toEqual(durations.map((_, index) => index));
              expect(maxRunning).toBeLessThanOrEqual(concurrency);
              if (concurrency === 1) {
                expect(handled).toEqual(durations.map((_, index) => index));
              }
            },
          ),
          propertyParameters(200),
        );
      },
      propertyTimeout(200),
    );
  });

  describe('back-pressure', () => {
    it('a saturated pool takes nothing more: an Anycast sender waits until a job finishes', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const jobs = new Map<number, ReturnType<typeof deferred>>();
      const pool = forEachConcurrent(
        channel.newReceiver(),
        (message) => {
          const job = deferred();
          jobs.set(message, job);
          return job.promise;
        },
        { concurrency: 2 },
      );
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      await flushMicrotasks();
      expect([...jobs.keys()]).toEqual([1, 2]);
      await sender.send(3); // buffered: the pool has no free slot
      const blocked = track(sender.send(4));
      await flushMicrotasks();
      expect(blocked.current().state).toBe('pending');
      expect([...jobs.keys()]).toEqual([1, 2]);
      jobs.get(1)?.resolve();
      await flushMicrotasks();
      expect([...jobs.keys()]).toEqual([1, 2, 3]);
      expect(blocked.current().state).toBe('fulfilled');
      for (const message of [2, 3]) {
        jobs.get(message)?.resolve();
      }
      await flushMicrotasks();
      jobs.get(4)?.resolve();
      await channel.close();
      await expect(pool).resolves.toBeUndefined();
    });

    it('a busy pool hoards nothing: another receiver of the channel gets the messages the pool cannot take', async () => {
      const channel = new Anycast<number>();
      const gate = deferred();
      const handled: number[] = [];
      const pool = forEachConcurrent(channel.newReceiver(), async (message) => {
        handled.push(message);
        await gate.promise;
      });
      const other = channel.newReceiver();
      await sendAll(channel, [1]);
      await flushMicrotasks();
      await sendAll(channel, [2, 3]);
      await expect(other.receive()).resolves.toBe(2);
      await expect(other.receive()).resolves.toBe(3);
      expect(handled).toEqual([1]);
      gate.resolve();
      await channel.close();
      await pool;
    });
  });

  describe('errors', () => {
    it('a handler that throws synchronously: no new message is taken, the running jobs settle, then the pool rejects with that error', async () => {
      const channel = new Anycast<number>({ maxsize: 10 });
      const slow = deferred();
      const started: number[] = [];
      const failure = new Error('job 2 failed');
      const pool = track(
        forEachConcurrent(
          channel.newReceiver(),
          (message) => {
            started.push(message);
            if (message === 2) {
              throw failure;
            }
            return slow.promise;
          },
          { concurrency: 3 },
        ),
      );
      await sendAll(channel, [1, 2, 3, 4, 5]);
      await flushMicrotasks();
      expect(started).toEqual([1, 2]);
      expect(pool.current().state).toBe('pending'); // job 1 still runs
      slow.resolve();
      await flushMicrotasks();
      expect(pool.current()).toEqual({ state: 'rejected', reason: failure });
      await channel.close();
      expect(await remaining(channel)).toEqual([3, 4, 5]);
    });

    it('a handler that rejects: the first error wins, later ones are dropped, nothing is logged', async () => {
      const channel = new Anycast<number>({ maxsize: 10 });
      const jobs = new Map<number, ReturnType<typeof deferred>>();
      const errorLog = jest.spyOn(console, 'error').mockImplementation(() => {});
      const warnLog = jest.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const pool = track(
          forEachConcurrent(
            channel.newReceiver(),
            (message) => {
              const job = deferred();
              jobs.set(message, job);
              return job.promise;
            },
            { concurrency: 2 },
          ),
        );
        await sendAll(channel, [1, 2, 3]);
        await flushMicrotasks();
        const first = new Error('first');
        jobs.get(2)?.reject(first);
        await flushMicrotasks();
        jobs.get(1)?.reject(new Error('second'));
        await flushMicrotasks();
        expect(pool.current()).toEqual({ state: 'rejected', reason: first });
        expect([...jobs.keys()]).toEqual([1, 2]);
        expect(errorLog).not.toHaveBeenCalled();
        expect(warnLog).not.toHaveBeenCalled();
        await channel.close();
        expect(await remaining(channel)).toEqual([3]);
      } finally {
        errorLog.mockRestore();
        warnLog.mockRestore();
      }
    });

    it('an error while the pool waits for a message cancels that wait: the pool settles without another message', async () => {
      const channel = new Anycast<number>({ maxsize: 10 });
      const job = deferred();
      const failure = new Error('late failure');
      const pool = forEachConcurrent(channel.newReceiver(), () => job.promise, { concurrency: 2 });
      await sendAll(channel, [1]);
      await flushMicrotasks();
      job.reject(failure);
      await expect(pool).rejects.toBe(failure);
      await sendAll(channel, [2]);
      await channel.close();
      expect(await remaining(channel)).toEqual([2]);
    });

    it('the receiver’s error (a fromObservable() source that errors) rejects the pool after the running jobs settle', async () => {
      const source = new Subject<number>();
      const job = deferred();
      const pool = track(forEachConcurrent(fromObservable(source), () => job.promise, { concurrency: 2 }));
      source.next(1);
      await flushMicrotasks();
      const cause = new Error('source failed');
      source.error(cause);
      await flushMicrotasks();
      expect(pool.current().state).toBe('pending');
      job.resolve();
      await flushMicrotasks();
      const settled = pool.current();
      expect(settled.state).toBe('rejected');
      const reason = settled.state === 'rejected' ? settled.reason : undefined;
      expect(reason).toBeInstanceOf(ReceiverError);
      expect((reason as ReceiverError<number>).cause).toBe(cause);
    });
  });

  describe('cancellation', () => {
    it('a signal already aborted rejects at once with its reason and takes nothing', async () => {
      const channel = new Anycast<number>();
      await sendAll(channel, [1]);
      const handler = jest.fn();
      const reason = new Error('cancelled');
      await expect(
        forEachConcurrent(channel.newReceiver(), handler, { signal: AbortSignal.abort(reason) }),
      ).rejects.toBe(reason);
      expect(handler).not.toHaveBeenCalled();
      await expect(channel.newReceiver().receive()).resolves.toBe(1);
    });

    it('an abort while idle cancels the pending take: the next message goes to another receiver', async () => {
      const channel = new Anycast<number>();
      const controller = new AbortController();
      const pool = forEachConcurrent(channel.newReceiver(), () => {}, { signal: controller.signal });
      await flushMicrotasks();
      controller.abort();
      await expect(pool).rejects.toMatchObject({ name: 'AbortError' });
      await sendAll(channel, [1]);
      await expect(channel.newReceiver().receive()).resolves.toBe(1);
      expect(abortListenerCount(controller.signal)).toBe(0);
    });

    it('an abort while jobs run: they see the signal aborted, the pool waits for them, then rejects with the reason', async () => {
      const channel = new Anycast<number>({ maxsize: 10 });
      const controller = new AbortController();
      const seen: boolean[] = [];
      const pool = track(
        forEachConcurrent(
          channel.newReceiver(),
          (_message, { signal }) =>
            new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                seen.push(signal.aborted);
                resolve();
              });
            }),
          { concurrency: 2, signal: controller.signal },
        ),
      );
      await sendAll(channel, [1, 2, 3]);
      await flushMicrotasks();
      const reason = new Error('shutdown');
      controller.abort(reason);
      await flushMicrotasks();
      expect(seen).toEqual([true, true]);
      expect(pool.current()).toEqual({ state: 'rejected', reason });
      await channel.close();
      expect(await remaining(channel)).toEqual([3]);
    });

    it(
      'an abort at any point loses no message and handles none twice (property)',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 4 }),
            fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 12 }),
            fc.nat({ max: 40 }),
            async (concurrency, durations, abortAfter) => {
              const channel = new Anycast<number>({ maxsize: durations.length });
              const controller = new AbortController();
              const handled: number[] = [];
              const pool = forEachConcurrent(
                channel.newReceiver(),
                async (index) => {
                  // A job that was started is finished even when aborted: it is not lost.
                  await ticks(durations[index] as number);
                  handled.push(index);
                },
                { concurrency, signal: controller.signal },
              );
              const settled = track(pool);
              await sendAll(
                channel,
                durations.map((_, index) => index),
              );
              await ticks(abortAfter);
              controller.abort();
              await flushMicrotasks();
              expect(settled.current().state).not.toBe('pending');
              await channel.close();
              const left = await remaining(channel);
              expect([...handled, ...left].sort((a, b) => a - b)).toEqual(durations.map((_, index) => index));
            },
          ),
          propertyParameters(200),
        );
      },
      propertyTimeout(200),
    );
  });

  describe('re-entrancy', () => {
    it('a handler that sends back to the same channel: every message, original or resent, is handled once', async () => {
      const channel = new Anycast<number>({ maxsize: 64 });
      const sender = channel.newSender();
      const handled: number[] = [];
      const expected = 2 ** 5 - 1; // a binary tree of depth 4: each n > 0 sends two n - 1
      const pool = forEachConcurrent(
        channel.newReceiver(),
        async (depth) => {
          handled.push(depth);
          if (depth > 0) {
            await sender.send(depth - 1);
            await sender.send(depth - 1);
          }
          if (handled.length === expected) {
            await channel.close();
          }
        },
        { concurrency: 3 },
      );
      await sender.send(4);
      await expect(pool).resolves.toBeUndefined();
      expect(handled).toHaveLength(expected);
      expect(handled.filter((depth) => depth === 0)).toHaveLength(16);
    });

    it('a handler that aborts the pool itself: the pool rejects with the reason once that job settles', async () => {
      const channel = new Anycast<number>();
      const controller = new AbortController();
      const reason = new Error('enough');
      const handled: number[] = [];
      const pool = forEachConcurrent(
        channel.newReceiver(),
        (message) => {
          handled.push(message);
          controller.abort(reason);
        },
        { signal: controller.signal },
      );
      await sendAll(channel, [1, 2]);
      await expect(pool).rejects.toBe(reason);
      expect(handled).toEqual([1]);
      await channel.close();
      expect(await remaining(channel)).toEqual([2]);
    });
  });

  describe('bad input', () => {
    const receiver = (): Receiver<number> => new Anycast<number>().newReceiver();

    it.each([
      ['a receiver that is not one', () => forEachConcurrent({} as Receiver<number>, () => {}), /`receiver`/],
      ['null for receiver', () => forEachConcurrent(null as unknown as Receiver<number>, () => {}), /`receiver`/],
      ['a handler that is not a function', () => forEachConcurrent(receiver(), 'x' as never), /`handler`/],
      ['options that are not an object', () => forEachConcurrent(receiver(), () => {}, 2 as never), /`options`/],
      ['a signal that is not one', () => forEachConcurrent(receiver(), () => {}, { signal: {} as never }), /`signal`/],
      [
        'a concurrency of the wrong type',
        () => forEachConcurrent(receiver(), () => {}, { concurrency: '2' as never }),
        /`concurrency`/,
      ],
    ])('%s is a TypeError, thrown at the call', (_case, call, message) => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });

    it.each([0, -1, 1.5, NaN, -Infinity])('a concurrency of %p is a RangeError naming `concurrency`', (concurrency) => {
      const call = () => forEachConcurrent(receiver(), () => {}, { concurrency });
      expect(call).toThrow(RangeError);
      expect(call).toThrow(/`concurrency`/);
    });

    it('takes nothing when the arguments are refused', async () => {
      const channel = new Anycast<number>();
      await sendAll(channel, [1]);
      const pooled = channel.newReceiver();
      expect(() => forEachConcurrent(pooled, () => {}, { concurrency: 0 })).toThrow(RangeError);
      await expect(pooled.receive()).resolves.toBe(1);
    });
  });
});
