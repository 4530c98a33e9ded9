import fc from 'fast-check';
import { config, queueScheduler, Subject } from 'rxjs';
import {
  Anycast,
  Broadcast,
  ChannelClosedError,
  fromObservable,
  ReceiverError,
  Sender,
  oneshot,
  SenderClosedError,
  SenderError,
  setLogger,
  Timer,
  type Receiver,
} from 'rx-channels';
import { Pipe } from 'rx-channels/util';
import { flushMicrotasks, settlementOf, track } from '../helpers/async';
import { canCollect, collectUntil } from '../helpers/gc';
import { captureWarnings } from '../helpers/logger';
import { ProbeReceiver } from '../helpers/probe';
import { propertyParameters } from '../helpers/properties';
import { receiveMany } from '../helpers/receivers';

/** Every message `receiver` has ready now, taken without waiting. */
function takeReady<T>(receiver: Receiver<T>): T[] {
  const taken: T[] = [];
  for (let result = receiver.tryReceive(); result.ok; result = receiver.tryReceive()) {
    taken.push(result.message);
  }
  return taken;
}

/** `count` numbers from 0. */
function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

describe('Pipe', () => {
  let capture: ReturnType<typeof captureWarnings>;
  beforeEach(() => {
    capture = captureWarnings();
  });
  afterEach(() => {
    capture.restore();
  });

  describe('forwarding', () => {
    it('forwards every message in order', async () => {
      const source = new Anycast<number>({ name: 'source', maxsize: 3 });
      const target = new Anycast<number>({ name: 'target', maxsize: 2 });
      const out = target.newReceiver();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      const sender = source.newSender();
      const sends = range(50).map((n) => sender.send(n));
      expect(await receiveMany(out, 50)).toEqual(range(50));
      await Promise.all(sends);
      await pipe.stop();
      expect(pipe.error).toBeUndefined();
      expect(capture.warnings).toEqual([]);
    });

    it('does not start on construction', async () => {
      const source = new Anycast<number>({ maxsize: 2 });
      const target = new Broadcast<number>('target');
      const out = target.newReceiver();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      await source.newSender().send(1);
      await flushMicrotasks();
      expect(out.tryReceive().ok).toBe(false);
      pipe.start();
      expect(await out.receive()).toBe(1);
      await pipe.stop();
    });

    it('closes neither end on stop()', async () => {
      const source = new Anycast<number>();
      const target = new Anycast<number>();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await pipe.stop();
      expect(source.isClosed).toBe(false);
      expect(target.isClosed).toBe(false);
      const sender = target.newSender();
      await sender.send(7);
      expect(await target.newReceiver().receive()).toBe(7);
    });

    it('forwards from a Broadcast receiver to a Broadcast', async () => {
      const source = new Broadcast<string>('source');
      const target = new Broadcast<string>('target');
      const out = target.newReceiver();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await source.newSender().send('a');
      await source.newSender().send('b');
      expect(await receiveMany(out, 2)).toEqual(['a', 'b']);
      await pipe.stop();
    });
  });

  describe('back-pressure', () => {
    it('takes at most one message beyond what a full Anycast(maxsize 1) downstream can place', async () => {
      const source = new Anycast<number>({ maxsize: 10 });
      const target = new Anycast<number>({ maxsize: 1 });
      const sender = source.newSender();
      for (const n of range(5)) {
        await sender.send(n);
      }
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await flushMicrotasks();
      // 0 is in the target, 1 is in flight (its send waits for room): 2, 3 and 4 are still upstream.
      const other = source.newReceiver();
      expect(takeReady(other)).toEqual([2, 3, 4]);
      const out = target.newReceiver();
      expect(await receiveMany(out, 2)).toEqual([0, 1]);
      await pipe.stop();
      expect(capture.warnings).toEqual([]);
    });

    it('start() is idempotent: a second call starts no second loop (still one message in flight)', async () => {
      const source = new Anycast<number>({ maxsize: 10 });
      const target = new Anycast<number>({ maxsize: 1 });
      const sender = source.newSender();
      for (const n of range(5)) {
        await sender.send(n);
      }
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      pipe.start();
      await flushMicrotasks();
      pipe.start();
      await flushMicrotasks();
      expect(takeReady(source.newReceiver())).toEqual([2, 3, 4]);
      const out = target.newReceiver();
      expect(await receiveMany(out, 2)).toEqual([0, 1]);
      await pipe.stop();
    });
  });

  describe('stop()', () => {
    it('while waiting on the receiver takes nothing: the Anycast keeps the message for its other receivers', async () => {
      const source = new Anycast<string>();
      const target = new Broadcast<string>('target');
      const out = target.newReceiver();
      const probe = new ProbeReceiver(source.newReceiver());
      const pipe = new Pipe(probe, target.newSender());
      pipe.start();
      await flushMicrotasks();
      await pipe.stop();
      expect(probe.parked).toBe(0);
      const other = source.newReceiver();
      await source.newSender().send('x');
      expect(await other.receive()).toBe('x');
      expect(probe.consumed).toBe(0);
      expect(out.tryReceive().ok).toBe(false);
      // The cancelled wait is the stop, not an error.
      expect(pipe.error).toBeUndefined();
      expect(capture.warnings).toEqual([]);
    });

    it('in the tick a message arrives loses nothing: the message is either forwarded or still upstream', async () => {
      const source = new Anycast<string>();
      const target = new Anycast<string>();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await flushMicrotasks();
      const sent = source.newSender().send('x');
      const stopped = pipe.stop();
      await sent;
      await stopped;
      const found = [...takeReady(target.newReceiver()), ...takeReady(source.newReceiver())];
      expect(found).toEqual(['x']);
    });

    it('lets the send in flight finish (nothing taken is lost), resolves after it, and takes no further message', async () => {
      const source = new Anycast<number>({ maxsize: 10 });
      const target = new Anycast<number>({ maxsize: 1 });
      const sender = source.newSender();
      for (const n of range(4)) {
        await sender.send(n);
      }
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await flushMicrotasks();
      const stopped = track(pipe.stop());
      await flushMicrotasks();
      expect(stopped.current().state).toBe('pending');
      const out = target.newReceiver();
      expect(await out.receive()).toBe(0);
      await flushMicrotasks();
      expect(stopped.current().state).toBe('fulfilled');
      expect(await out.receive()).toBe(1);
      expect(takeReady(source.newReceiver())).toEqual([2, 3]);
      expect(pipe.error).toBeUndefined();
    });

    it('is idempotent, resolves after the loop has ended, and never rejects', async () => {
      const source = new Anycast<number>();
      const pipe = new Pipe(source.newReceiver(), new Anycast<number>().newSender());
      pipe.start();
      const first = pipe.stop();
      const second = pipe.stop();
      await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
      await expect(pipe.stop()).resolves.toBeUndefined();
      await expect(pipe[Symbol.asyncDispose]()).resolves.toBeUndefined();
    });

    it('before start() resolves at once; start() after stop() does nothing', async () => {
      const source = new Anycast<number>();
      const target = new Broadcast<number>('target');
      const out = target.newReceiver();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      expect(await settlementOf(pipe.stop())).toEqual({ state: 'fulfilled', value: undefined });
      pipe.start();
      const other = source.newReceiver();
      await source.newSender().send(1);
      await flushMicrotasks();
      expect(out.tryReceive().ok).toBe(false);
      expect(await other.receive()).toBe(1);
    });

    it('start() after the pipe ended by itself does nothing', async () => {
      const source = new Anycast<number>();
      const probe = new ProbeReceiver(source.newReceiver());
      const pipe = new Pipe(probe, new Anycast<number>().newSender());
      pipe.start();
      await source.close();
      await pipe.stop();
      pipe.start();
      await flushMicrotasks();
      expect(probe.parked).toBe(0);
      expect(pipe.error).toBeUndefined();
    });

    it('await using stops the pipe at the end of the scope and closes neither end', async () => {
      const source = new Anycast<number>();
      const target = new Broadcast<number>('target');
      const out = target.newReceiver();
      const probe = new ProbeReceiver(source.newReceiver());
      {
        await using pipe = new Pipe(probe, target.newSender());
        pipe.start();
        await source.newSender().send(1);
        expect(await out.receive()).toBe(1);
      }
      expect(probe.parked).toBe(0);
      const other = source.newReceiver();
      await source.newSender().send(2);
      expect(await other.receive()).toBe(2);
      expect(source.isClosed).toBe(false);
      expect(target.isClosed).toBe(false);
    });
  });

  describe('the end of the receiver', () => {
    it('ends the pipe cleanly once the receiver has stopped, after forwarding what was buffered', async () => {
      const source = new Anycast<number>({ maxsize: 5 });
      const target = new Anycast<number>({ maxsize: 5 });
      const sender = source.newSender();
      for (const n of range(3)) {
        await sender.send(n);
      }
      await source.close();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await flushMicrotasks();
      expect(await settlementOf(pipe.stop())).toEqual({ state: 'fulfilled', value: undefined });
      expect(takeReady(target.newReceiver())).toEqual([0, 1, 2]);
      expect(pipe.error).toBeUndefined();
      expect(capture.warnings).toEqual([]);
    });

    it('ends the pipe cleanly on a Timer.once() on queueScheduler, which fires in the first look', async () => {
      const timer = Timer.once(0, { scheduler: queueScheduler });
      const target = new Anycast<Date>();
      const pipe = new Pipe(timer, target.newSender());
      pipe.start();
      expect(await target.newReceiver().receive()).toBeInstanceOf(Date);
      await flushMicrotasks();
      await pipe.stop();
      expect(pipe.error).toBeUndefined();
      expect(capture.warnings).toEqual([]);
    });

    it('a receiver error (not its stop) ends the pipe, is kept as error and logged once', async () => {
      const subject = new Subject<number>();
      const target = new Anycast<number>({ maxsize: 5 });
      const pipe = new Pipe(fromObservable(subject), target.newSender());
      pipe.start();
      subject.next(1);
      const boom = new Error('boom');
      subject.error(boom);
      await flushMicrotasks();
      await pipe.stop();
      expect(takeReady(target.newReceiver())).toEqual([1]);
      expect(pipe.error).toBeInstanceOf(ReceiverError);
      expect((pipe.error as ReceiverError<number>).cause).toBe(boom);
      expect(capture.warnings).toHaveLength(1);
      expect(capture.warnings[0]).toContain(String(pipe));
    });

    it('an error thrown by a map() function ends the pipe with that error', async () => {
      const source = new Anycast<number>({ maxsize: 5 });
      const target = new Anycast<number>({ maxsize: 5 });
      const boom = new Error('boom');
      const mapped = source.newReceiver().map((n) => {
        if (n === 2) {
          throw boom;
        }
        return n;
      });
      const pipe = new Pipe(mapped, target.newSender());
      pipe.start();
      const sender = source.newSender();
      for (const n of range(4)) {
        await sender.send(n);
      }
      await flushMicrotasks();
      await pipe.stop();
      expect(pipe.error).toBe(boom);
      expect(takeReady(target.newReceiver())).toEqual([0, 1]);
      expect(takeReady(source.newReceiver())).toEqual([3]);
      expect(capture.warnings).toHaveLength(1);
    });
  });

  describe('a failing send', () => {
    it('stops the pipe; the SenderError is kept as error and logged once; later messages stay upstream', async () => {
      const source = new Anycast<number>({ maxsize: 5 });
      const target = new Anycast<number>({ name: 'closed' });
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      await target.close();
      const sender = source.newSender();
      for (const n of range(3)) {
        await sender.send(n);
      }
      pipe.start();
      await flushMicrotasks();
      expect(pipe.error).toBeInstanceOf(SenderError);
      expect((pipe.error as SenderError<number>).cause).toBeInstanceOf(ChannelClosedError);
      expect(capture.warnings).toHaveLength(1);
      expect(capture.warnings[0]).toContain('Pipe:');
      expect(capture.warnings[0]).toContain('closed');
      await expect(pipe.stop()).resolves.toBeUndefined();
      // 0 was taken and lost with the failed send; 1 and 2 were never taken.
      expect(takeReady(source.newReceiver())).toEqual([1, 2]);
      expect(capture.warnings).toHaveLength(1);
    });

    it('while stop() waits for it still counts: stop() resolves, the error is kept and logged', async () => {
      const source = new Anycast<number>({ maxsize: 5 });
      const target = new Anycast<number>({ maxsize: 1 });
      const sender = source.newSender();
      await sender.send(0);
      await sender.send(1);
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await flushMicrotasks();
      const stopped = track(pipe.stop());
      await flushMicrotasks();
      expect(stopped.current().state).toBe('pending');
      await target.close();
      await flushMicrotasks();
      expect(stopped.current().state).toBe('fulfilled');
      expect(pipe.error).toBeInstanceOf(SenderError);
      expect(capture.warnings).toHaveLength(1);
    });

    it('a sender whose send() throws at once fails the pipe as one that rejects', async () => {
      const boom = new Error('sync boom');
      class ThrowingSender extends Sender<number> {
        send(): Promise<void> {
          throw boom;
        }
        override toString(): string {
          return 'ThrowingSender';
        }
      }
      const source = new Anycast<number>();
      const pipe = new Pipe(source.newReceiver(), new ThrowingSender());
      pipe.start();
      await source.newSender().send(1);
      await flushMicrotasks();
      await pipe.stop();
      expect(pipe.error).toBe(boom);
      expect(capture.warnings).toEqual([expect.stringContaining('ThrowingSender')]);
    });
  });

  describe('attacks', () => {
    afterEach(() => {
      config.onUnhandledError = null;
    });

    // Broken before warn() caught a throwing logger: the pipe's end never ran, so stop() never resolved.
    it('a logger that throws while the pipe reports its failed send: the pipe still ends and stop() resolves', async () => {
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push(error);
      setLogger({
        warn: () => {
          throw new Error('logger');
        },
      });
      const source = new Anycast<number>();
      const target = new Anycast<number>();
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      await target.close();
      await source.newSender().send(1);
      const stopped = track(pipe.stop());
      await flushMicrotasks();
      expect(stopped.current().state).toBe('fulfilled');
      expect(pipe.error).toBeInstanceOf(SenderError);
      expect(reported).toEqual([new Error('logger')]);
    });

    it('fast-check: stop() after any number of microtasks, with any buffer sizes, loses and duplicates nothing, and keeps order', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(0, 1, 3, Infinity),
          fc.constantFrom(1, 2, Infinity),
          fc.integer({ min: 0, max: 6 }),
          fc.integer({ min: 0, max: 12 }),
          fc.boolean(),
          async (sourceSize, targetSize, count, stopAfter, readTarget) => {
            const source = new Anycast<number>({ maxsize: sourceSize });
            const target = new Anycast<number>({ maxsize: targetSize });
            const out = target.newReceiver();
            const pipe = new Pipe(source.newReceiver(), target.newSender());
            pipe.start();
            const sender = source.newSender();
            const sends = Array.from({ length: count }, (_, n) => sender.send(n).catch(() => undefined));
            const forwarded: number[] = [];
            for (let turn = 0; turn < stopAfter; turn++) {
              await Promise.resolve();
              if (readTarget) forwarded.push(...takeReady(out));
            }
            // The target is read until stop() resolves: a send in flight needs room to settle.
            const stopped = track(pipe.stop());
            while (stopped.current().state === 'pending') {
              forwarded.push(...takeReady(out));
              await flushMicrotasks();
            }
            forwarded.push(...takeReady(out));
            const rest = source.newReceiver();
            const upstream: number[] = [];
            while (upstream.length + forwarded.length < count) {
              const r = rest.tryReceive();
              if (!r.ok) break;
              upstream.push(r.message);
            }
            await Promise.all(sends);
            expect(pipe.error).toBeUndefined();
            expect([...forwarded, ...upstream]).toEqual(Array.from({ length: count }, (_, n) => n));
          },
        ),
        propertyParameters(150),
      );
    });

    it('between rendezvous channels: forwards in order, one message in flight, and every send resolves', async () => {
      const source = new Anycast<number>({ maxsize: 0 });
      const target = new Anycast<number>({ maxsize: 0 });
      const pipe = new Pipe(source.newReceiver(), target.newSender());
      pipe.start();
      const sender = source.newSender();
      const sends = range(4).map((n) => track(sender.send(n)));
      await flushMicrotasks();
      // The pipe took 0 and waits for a taker downstream; 1 is not taken yet.
      expect(sends.map((sent) => sent.current().state)).toEqual(['fulfilled', 'pending', 'pending', 'pending']);
      const out = target.newReceiver();
      expect(await receiveMany(out, 4)).toEqual(range(4));
      await flushMicrotasks();
      expect(sends.every((sent) => sent.current().state === 'fulfilled')).toBe(true);
      await pipe.stop();
      expect(pipe.error).toBeUndefined();
    });

    it("the target sender closed while the pipe's send waits for room: the pipe ends with SenderClosedError, stop() resolves, nothing more is taken", async () => {
      const source = new Anycast<number>();
      const target = new Anycast<number>({ maxsize: 0 });
      const targetSender = target.newSender();
      const pipe = new Pipe(source.newReceiver(), targetSender);
      pipe.start();
      const sender = source.newSender();
      await sender.send(1);
      await sender.send(2);
      await flushMicrotasks();
      targetSender.close();
      await pipe.stop();
      expect(pipe.error).toBeInstanceOf(SenderClosedError);
      expect(capture.warnings).toHaveLength(1);
      expect(source.size).toBe(1);
    });

    it('a oneshot as its source: forwards the one message, then ends cleanly', async () => {
      const [reply, replies] = oneshot<string>();
      const target = new Anycast<string>();
      const pipe = new Pipe(replies, target.newSender());
      pipe.start();
      await reply.send('done');
      await flushMicrotasks();
      await pipe.stop();
      expect(pipe.error).toBeUndefined();
      expect(takeReady(target.newReceiver())).toEqual(['done']);
    });
  });

  describe('re-entrancy', () => {
    it('a map() function that sends to the pipe’s own source: every message forwarded once, in order', async () => {
      const source = new Anycast<number>({ maxsize: 5 });
      const target = new Anycast<number>({ maxsize: 5 });
      const sender = source.newSender();
      const mapped = source.newReceiver().map((n) => {
        if (n < 5) {
          void sender.send(n + 1);
        }
        return n;
      });
      const pipe = new Pipe(mapped, target.newSender());
      pipe.start();
      await sender.send(0);
      expect(await receiveMany(target.newReceiver(), 6)).toEqual(range(6));
      await pipe.stop();
    });

    it('a map() function that sends to the pipe’s own target: every message arrives once', async () => {
      const source = new Anycast<number>({ maxsize: 5 });
      const target = new Anycast<number>({ maxsize: 1 });
      const targetSender = target.newSender();
      const side: Promise<void>[] = [];
      const mapped = source.newReceiver().map((n) => {
        side.push(targetSender.send(-n));
        return n;
      });
      const pipe = new Pipe(mapped, target.newSender());
      pipe.start();
      const sender = source.newSender();
      for (const n of [1, 2, 3]) {
        await sender.send(n);
      }
      const got = await receiveMany(target.newReceiver(), 6);
      await Promise.all(side);
      expect([...got].sort((a, b) => a - b)).toEqual([-3, -2, -1, 1, 2, 3]);
      // Each message's side send comes before it: both go through the same full target in order.
      expect(got.filter((n) => n > 0)).toEqual([1, 2, 3]);
      await pipe.stop();
    });

    it('stop() called from inside a map() function still forwards the message it returns', async () => {
      const source = new Anycast<number>({ maxsize: 5 });
      const target = new Anycast<number>({ maxsize: 5 });
      const mapped = source.newReceiver().map((n) => {
        // Runs only once the pipe takes a message, after `pipe` is set.
        void pipe.stop();
        return n;
      });
      const pipe = new Pipe(mapped, target.newSender());
      pipe.start();
      const sender = source.newSender();
      await sender.send(1);
      await sender.send(2);
      await pipe.stop();
      expect(takeReady(target.newReceiver())).toEqual([1]);
      expect(takeReady(source.newReceiver())).toEqual([2]);
    });
  });

  describe('resources', () => {
    it('leaves no waker on the receiver after stop(), also after many messages', async () => {
      const source = new Anycast<number>({ maxsize: 4 });
      const target = new Anycast<number>({ maxsize: 4 });
      const probe = new ProbeReceiver(source.newReceiver());
      const pipe = new Pipe(probe, target.newSender());
      pipe.start();
      const out = target.newReceiver();
      const sender = source.newSender();
      for (const n of range(200)) {
        await sender.send(n);
        expect(await out.receive()).toBe(n);
      }
      await pipe.stop();
      expect(probe.parked).toBe(0);
    });

    (canCollect ? it : it.skip)('a stopped pipe can be collected while both channels live on', async () => {
      const source = new Anycast<number>();
      const target = new Anycast<number>();
      const receiver = source.newReceiver();
      const sender = target.newSender();
      // A finalizer, not a WeakRef: deref() would keep the pipe alive until the end of the job.
      let collected = false;
      const registry = new FinalizationRegistry(() => {
        collected = true;
      });
      await (async () => {
        const pipe = new Pipe(receiver, sender);
        registry.register(pipe, 0);
        pipe.start();
        await source.newSender().send(1);
        await flushMicrotasks();
        await pipe.stop();
      })();
      expect(await collectUntil(() => collected)).toBe(true);
      expect(await target.newReceiver().receive()).toBe(1);
      expect([source.isClosed, target.isClosed]).toEqual([false, false]);
    });
  });

  describe('arguments', () => {
    it.each([
      ['no receiver', () => new Pipe(undefined as unknown as Receiver<number>, new Anycast<number>().newSender())],
      [
        'a sender as receiver',
        () => new Pipe(new Anycast<number>().newSender() as never, new Anycast<number>().newSender()),
      ],
      [
        'a receiver as sender',
        () => new Pipe(new Anycast<number>().newReceiver(), new Anycast<number>().newReceiver() as never),
      ],
    ])('throws a TypeError for %s', (_, make) => {
      expect(make).toThrow(TypeError);
      expect(make).toThrow('`receiver` to be a Receiver and `sender` a Sender');
    });

    it('names both ends in toString()', () => {
      const pipe = new Pipe(
        new Anycast<number>({ name: 'in' }).newReceiver(),
        new Broadcast<number>('out').newSender(),
      );
      expect(String(pipe)).toMatch(/^Pipe:.*in.*->.*out/);
    });
  });
});
