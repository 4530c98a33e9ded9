import { interval, lastValueFrom, take, toArray, VirtualTimeScheduler } from 'rxjs';
import { Anycast, ChannelsError, ReceiverStoppedError, Timer } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { flushMicrotasks, reasonOf } from '../helpers/async';

/** A loop written with `await`: records the virtual time of each of `count` ticks. */
async function recordTicks(timer: Timer, clock: VirtualClock, count: number): Promise<number[]> {
  const times: number[] = [];
  while (times.length < count) {
    await timer.receive();
    times.push(clock.now());
  }
  timer.stop();
  return times;
}

describe('VirtualClock', () => {
  describe('runUntil()', () => {
    it('runs an hour of 1 s ticks of an async loop in virtual time', async () => {
      const clock = new VirtualClock();
      const timer = Timer.periodic(1000, { scheduler: clock.scheduler });
      let ticks = 0;
      let lastTick: Date | undefined;
      const loop = (async () => {
        for await (const tick of timer) {
          lastTick = tick;
          if (++ticks === 3600) {
            timer.stop();
          }
        }
      })();
      await clock.runUntil(loop);
      expect(ticks).toBe(3600);
      expect(lastTick?.getTime()).toBe(3_600_000);
      expect(clock.now()).toBe(3_600_000);
    });

    it('runs a producer and a consumer loop joined by a channel, deterministically', async () => {
      const clock = new VirtualClock();
      const timer = Timer.periodic(1000, { scheduler: clock.scheduler });
      const jobs = new Anycast<number>({ maxsize: 1 });
      const producer = (async () => {
        const sender = jobs.newSender();
        for (let job = 1; job <= 3; job++) {
          await timer.receive();
          await sender.send(job);
        }
        await jobs.close();
      })();
      const consumer = (async () => {
        const received: [number, number][] = [];
        for await (const job of jobs.newReceiver()) {
          received.push([job, clock.now()]);
        }
        return received;
      })();
      expect(await clock.runUntil(consumer)).toEqual([
        [1, 1000],
        [2, 2000],
        [3, 3000],
      ]);
      await producer;
    });

    it('settles with the value of the promise', async () => {
      const clock = new VirtualClock();
      const values = lastValueFrom(interval(500, clock.scheduler).pipe(take(3), toArray()));
      expect(await clock.runUntil(values)).toEqual([0, 1, 2]);
      expect(clock.now()).toBe(1500);
    });

    it('rejects with the rejection of the promise', async () => {
      const clock = new VirtualClock();
      const failure = new Error('boom');
      const timer = Timer.timeout(100, { scheduler: clock.scheduler });
      const failing = timer.receive().then(() => {
        throw failure;
      });
      expect(await reasonOf(clock.runUntil(failing))).toBe(failure);
      expect(clock.now()).toBe(100);
    });

    it('rejects with a ChannelsError when the promise is pending and nothing is scheduled', async () => {
      const clock = new VirtualClock();
      const never = new Anycast<number>().newReceiver().receive();
      const error = await reasonOf(clock.runUntil(never));
      expect(error).toBeInstanceOf(ChannelsError);
      expect((error as Error).message).toContain('nothing is scheduled');
    });

    it('gives up after timeoutMs of virtual time, with the clock at the deadline', async () => {
      const clock = new VirtualClock();
      const timer = Timer.periodic(1000, { scheduler: clock.scheduler });
      const never = recordTicks(timer, clock, Infinity);
      const error = await reasonOf(clock.runUntil(never, { timeoutMs: 5500 }));
      expect((error as Error).message).toBe('runUntil(): the promise was still pending after 5500 ms of virtual time');
      expect(clock.now()).toBe(5500);
      timer.stop();
    });

    it('refuses a timeoutMs that is negative or not a number', async () => {
      const clock = new VirtualClock();
      expect(await reasonOf(clock.runUntil(Promise.resolve(), { timeoutMs: -1 }))).toBeInstanceOf(RangeError);
      expect(await reasonOf(clock.runUntil(Promise.resolve(), { timeoutMs: Number.NaN }))).toBeInstanceOf(RangeError);
    });
  });

  describe('advanceBy()', () => {
    it('runs the actions due in the window one at a time, letting await code run after each', async () => {
      const clock = new VirtualClock();
      const timer = Timer.periodic(1000, { scheduler: clock.scheduler });
      const times = recordTicks(timer, clock, 3);
      await clock.advanceBy(3000);
      expect(await times).toEqual([1000, 2000, 3000]);
    });

    it('is needed: after one synchronous flush the await loop has seen one tick and waits forever', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const receivedAt: number[] = [];
      const loop = (async () => {
        while (receivedAt.length < 3) {
          await timer.receive();
          receivedAt.push(scheduler.now());
        }
      })();
      scheduler.maxFrames = 3000;
      scheduler.flush();
      await flushMicrotasks();
      // The tick at 1000 woke the loop only after the flush had returned; its next wait was
      // scheduled for 2000, which nothing will ever run.
      expect(receivedAt).toEqual([1000]);
      expect(scheduler.actions.map((action) => action.delay)).toEqual([2000]);
      timer.stop();
      expect(await reasonOf(loop)).toBeInstanceOf(ReceiverStoppedError);
    });

    it('ends with the clock exactly at now + ms, leaving later actions scheduled', async () => {
      const clock = new VirtualClock();
      const timer = Timer.periodic(1000, { scheduler: clock.scheduler });
      const times = recordTicks(timer, clock, 2);
      await clock.advanceBy(1500);
      expect(clock.now()).toBe(1500);
      expect(clock.pendingActions).toBe(1);
      await clock.advanceBy(500);
      expect(await times).toEqual([1000, 2000]);
      expect(clock.pendingActions).toBe(0);
    });

    it('rejects with the error of an action that throws', async () => {
      const clock = new VirtualClock();
      const failure = new Error('action failed');
      clock.scheduler.schedule(() => {
        throw failure;
      }, 10);
      expect(await reasonOf(clock.advanceBy(20))).toBe(failure);
    });

    it('refuses a negative or non-finite duration', async () => {
      const clock = new VirtualClock();
      expect(await reasonOf(clock.advanceBy(-1))).toBeInstanceOf(RangeError);
      expect(await reasonOf(clock.advanceBy(Infinity))).toBeInstanceOf(RangeError);
      expect(await reasonOf(clock.advanceBy('1' as unknown as number))).toBeInstanceOf(TypeError);
    });
  });

  describe('advanceTo()', () => {
    it('moves to an absolute time', async () => {
      const clock = new VirtualClock();
      await clock.advanceTo(250);
      expect(clock.now()).toBe(250);
    });

    it('refuses a time before now', async () => {
      const clock = new VirtualClock();
      await clock.advanceTo(100);
      const error = await reasonOf(clock.advanceTo(50));
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toContain('`time`');
    });
  });

  describe('constructor', () => {
    it('drives the scheduler it is given', async () => {
      const scheduler = new VirtualTimeScheduler();
      const clock = new VirtualClock({ scheduler });
      expect(clock.scheduler).toBe(scheduler);
      await clock.advanceBy(10);
      expect(scheduler.now()).toBe(10);
    });

    it('refuses a scheduler that is not a VirtualTimeScheduler', () => {
      expect(() => new VirtualClock({ scheduler: {} as VirtualTimeScheduler })).toThrow('`scheduler`');
    });
  });
});
