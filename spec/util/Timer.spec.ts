import {
  config,
  queueScheduler,
  Subscription,
  switchMap,
  take,
  timer as rxTimer,
  VirtualTimeScheduler,
  type SchedulerAction,
  type SchedulerLike,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ReceiverError, ReceiverStoppedError, select, selectedFrom } from 'rx-channels';
import { MissedTickPolicy, SkipMissedAndDrift, SkipMissedAndResync, Timer, TriggerAllMissed } from 'rx-channels/util';
import { flushMicrotasks, NOT_REJECTED, reasonOf, settlementOf, thrownBy, track } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';

/** A `receive()` whose promise is kept for later and whose rejection is handled at once. */
function receiveTracked(timer: Timer): { readonly promise: Promise<Date> } {
  const promise = timer.receive();
  promise.catch(() => undefined);
  return { promise };
}

/**
 * A timer whose scheduler throws at its first look: `ready()` does not throw and resolves true,
 * `consume()` throws the `ReceiverError` once, and then the timer is stopped.
 */
async function expectFailsOnceThroughReady(timer: Timer): Promise<void> {
  let ready: Promise<boolean> | undefined;
  expect(thrownBy(() => (ready = timer.ready()))).toBe(NOT_REJECTED);
  await expect(ready).resolves.toBe(true);
  expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverError);
  await expect(timer.ready()).resolves.toBe(false);
}

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Marble values: each letter is the Date of the virtual frame given. */
function dates(frames: Record<string, number>): Record<string, Date> {
  return Object.fromEntries(Object.entries(frames).map(([key, frame]) => [key, new Date(frame)]));
}

/**
 * Runs `consumer` against a VirtualTimeScheduler: between two flushes of the scheduler, the
 * consumer's promise continuations run, so an async loop proceeds in virtual time.
 */
async function inVirtualTime<T>(scheduler: VirtualTimeScheduler, consumer: Promise<T>): Promise<T> {
  const tracked = track(consumer);
  for (let round = 0; round < 1000 && tracked.current().state === 'pending'; round++) {
    await flushMicrotasks();
    scheduler.flush();
  }
  return consumer;
}

/** Receives `count` ticks and returns their times; after the first, blocks for `blockMs` of virtual time. */
async function blockedConsumer(
  timer: Timer,
  scheduler: VirtualTimeScheduler,
  blockMs: number,
  count: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    times.push((await timer.receive()).getTime());
    if (index === 0) {
      // Busy work: the clock moves while nobody waits on the timer, so no action is pending.
      scheduler.frame += blockMs;
    }
  }
  return times;
}

/** A scheduler over `virtual` whose clock or delays are changed, to simulate a blocked or an imprecise event loop. */
function wrapScheduler(
  virtual: VirtualTimeScheduler,
  change: { readonly nowMs?: () => number; readonly delayMs?: (delay: number) => number },
): SchedulerLike {
  const { nowMs = () => virtual.now(), delayMs = (delay: number) => delay } = change;
  const schedule = (
    work: (this: SchedulerAction<unknown>, state?: unknown) => void,
    delay = 0,
    state?: unknown,
  ): Subscription => virtual.schedule(work, delayMs(delay), state);
  return { now: nowMs, schedule };
}

const policies: ReadonlyArray<[string, () => MissedTickPolicy]> = [
  ['TriggerAllMissed', () => new TriggerAllMissed()],
  ['SkipMissedAndResync', () => new SkipMissedAndResync()],
  ['SkipMissedAndDrift', () => new SkipMissedAndDrift()],
];

describe('Timer', () => {
  describe('constructor', () => {
    it.each([0, -1, NaN, Infinity])('refuses the interval %p with a RangeError', (intervalMs) => {
      expect(() => new Timer(intervalMs)).toThrow(RangeError);
      expect(() => new Timer(intervalMs)).toThrow(/`intervalMs`/);
    });

    it('refuses a negative or infinite startDelayMs with a RangeError', () => {
      expect(() => new Timer(10, { startDelayMs: -1 })).toThrow(/`startDelayMs`/);
      expect(() => new Timer(10, { startDelayMs: Infinity })).toThrow(RangeError);
    });

    it('refuses a startDelayMs with autoStart: false with a RangeError', () => {
      expect(() => new Timer(10, { autoStart: false, startDelayMs: 5 })).toThrow(RangeError);
      expect(new Timer(10, { autoStart: false, startDelayMs: 0 }).isRunning).toBe(false);
    });

    it('refuses options of the wrong type with a TypeError naming them', () => {
      expect(() => new Timer('10' as unknown as number)).toThrow(TypeError);
      expect(() => new Timer(10, { scheduler: {} as SchedulerLike })).toThrow(/`scheduler`/);
      expect(() => new Timer(10, { missedTickPolicy: {} as MissedTickPolicy })).toThrow(/`missedTickPolicy`/);
      expect(() => new Timer(10, { autoStart: 'yes' as unknown as boolean })).toThrow(/`autoStart`/);
    });

    it('defaults to SkipMissedAndDrift with no tolerance, and starts at once', () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = new Timer(1000, { scheduler });
      expect(timer.missedTickPolicy).toBeInstanceOf(SkipMissedAndDrift);
      expect((timer.missedTickPolicy as SkipMissedAndDrift).delayToleranceMs).toBe(0);
      expect(timer.isRunning).toBe(true);
      expect(timer.intervalMs).toBe(1000);
    });

    it('is named after its interval', () => {
      expect(String(new Timer(250, { scheduler: new VirtualTimeScheduler() }))).toBe('Timer:250ms');
    });
  });

  describe('Timer.periodic() and Timer.timeout()', () => {
    it('periodic() triggers all missed ticks, or skips and resyncs with skipMissedTicks', () => {
      const scheduler = new VirtualTimeScheduler();
      expect(Timer.periodic(10, { scheduler }).missedTickPolicy).toBeInstanceOf(TriggerAllMissed);
      expect(Timer.periodic(10, { scheduler, skipMissedTicks: true }).missedTickPolicy).toBeInstanceOf(
        SkipMissedAndResync,
      );
    });

    it('timeout() drifts with no tolerance', () => {
      const policy = Timer.timeout(10, { scheduler: new VirtualTimeScheduler() }).missedTickPolicy;
      expect(policy).toBeInstanceOf(SkipMissedAndDrift);
      expect((policy as SkipMissedAndDrift).delayToleranceMs).toBe(0);
    });

    it('pass the other options through', () => {
      expect(Timer.timeout(10, { scheduler: new VirtualTimeScheduler(), autoStart: false }).isRunning).toBe(false);
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = Timer.periodic(1000, { scheduler: rx, startDelayMs: 500 });
        expectObservable(timer.pipe(take(1))).toBe('1500ms (a|)', dates({ a: 1500 }));
      });
    });
  });

  describe('ticking in virtual time', () => {
    it('ticks every interval, in the frame of the tick (marbles)', () => {
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = Timer.periodic(1000, { scheduler: rx });
        expectObservable(timer.pipe(take(3))).toBe('1s a 999ms b 999ms (c|)', dates({ a: 1000, b: 2000, c: 3000 }));
      });
    });

    it('fires the first tick after startDelayMs + intervalMs', () => {
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = new Timer(1000, { scheduler: rx, startDelayMs: 500 });
        expectObservable(timer.pipe(take(2))).toBe('1500ms a 999ms (b|)', dates({ a: 1500, b: 2500 }));
      });
    });

    it('keeps ticking on time with every policy when the consumer keeps up', () => {
      for (const [, makePolicy] of policies) {
        const rx = testScheduler();
        rx.run(({ expectObservable }) => {
          const timer = new Timer(1000, { scheduler: rx, missedTickPolicy: makePolicy() });
          expectObservable(timer.pipe(take(3))).toBe('1s a 999ms b 999ms (c|)', dates({ a: 1000, b: 2000, c: 3000 }));
        });
      }
    });

    it('uses the default asyncScheduler, which TestScheduler.run() puts in virtual time', () => {
      testScheduler().run(({ expectObservable }) => {
        expectObservable(new Timer(20).pipe(take(2))).toBe('20ms a 19ms (b|)', dates({ a: 20, b: 40 }));
      });
    });
  });

  describe('a subscriber that comes late (at 3500 ms, interval 1000 ms)', () => {
    const cases: ReadonlyArray<[string, () => MissedTickPolicy, string, Record<string, number>]> = [
      [
        'TriggerAllMissed fires every missed tick at once, then keeps the schedule',
        () => new TriggerAllMissed(),
        '3500ms (abc) 495ms d 999ms (e|)',
        { a: 3500, b: 3500, c: 3500, d: 4000, e: 5000 },
      ],
      [
        'SkipMissedAndResync fires one tick, then resyncs to the schedule',
        () => new SkipMissedAndResync(),
        '3500ms a 499ms b 999ms c 999ms d 999ms (e|)',
        { a: 3500, b: 4000, c: 5000, d: 6000, e: 7000 },
      ],
      [
        'SkipMissedAndDrift fires one tick and moves the schedule to it',
        () => new SkipMissedAndDrift(),
        '3500ms a 999ms b 999ms c 999ms d 999ms (e|)',
        { a: 3500, b: 4500, c: 5500, d: 6500, e: 7500 },
      ],
      [
        'SkipMissedAndDrift within its tolerance acts like TriggerAllMissed',
        () => new SkipMissedAndDrift({ delayToleranceMs: 3000 }),
        '3500ms (abc) 495ms d 999ms (e|)',
        { a: 3500, b: 3500, c: 3500, d: 4000, e: 5000 },
      ],
      [
        'SkipMissedAndDrift past its tolerance drifts',
        () => new SkipMissedAndDrift({ delayToleranceMs: 2000 }),
        '3500ms a 999ms b 999ms c 999ms d 999ms (e|)',
        { a: 3500, b: 4500, c: 5500, d: 6500, e: 7500 },
      ],
    ];

    it.each(cases)('%s', (_name, makePolicy, marbles, frames) => {
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = new Timer(1000, { scheduler: rx, missedTickPolicy: makePolicy() });
        const late = rxTimer(3500, rx).pipe(switchMap(() => timer));
        expectObservable(late.pipe(take(5))).toBe(marbles, dates(frames));
      });
    });
  });

  describe('a consumer that blocks for 2500 ms after its first tick (interval 1000 ms)', () => {
    const cases: ReadonlyArray<[string, number[]]> = [
      ['TriggerAllMissed', [1000, 3500, 3500, 4000, 5000]],
      ['SkipMissedAndResync', [1000, 3500, 4000, 5000, 6000]],
      ['SkipMissedAndDrift', [1000, 3500, 4500, 5500, 6500]],
    ];

    it.each(cases)('%s', async (name, expected) => {
      const scheduler = new VirtualTimeScheduler();
      const makePolicy = policies.find(([policyName]) => policyName === name)?.[1] ?? (() => new TriggerAllMissed());
      const timer = new Timer(1000, { scheduler, missedTickPolicy: makePolicy() });
      const times = await inVirtualTime(scheduler, blockedConsumer(timer, scheduler, 2500, 5));
      timer.stop();
      expect(times).toEqual(expected);
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  describe('an event loop blocked while a subscriber waits (the alarm runs 2500 ms late)', () => {
    const cases: ReadonlyArray<[string, number[]]> = [
      ['TriggerAllMissed', [3500, 3500, 3500, 4000, 5000]],
      ['SkipMissedAndResync', [3500, 4000, 5000, 6000, 7000]],
      ['SkipMissedAndDrift', [3500, 4500, 5500, 6500, 7500]],
    ];

    it.each(cases)('%s', (name, expected) => {
      const virtual = new VirtualTimeScheduler();
      let blockedMs = 0;
      // The clock the timer reads runs ahead of the frame the actions run at by the time the loop was blocked.
      const scheduler = wrapScheduler(virtual, { nowMs: () => virtual.now() + blockedMs });
      const makePolicy = policies.find(([policyName]) => policyName === name)?.[1] ?? (() => new TriggerAllMissed());
      const timer = new Timer(1000, { scheduler, missedTickPolicy: makePolicy() });
      const times: number[] = [];
      timer.pipe(take(5)).subscribe((tick) => times.push(tick.getTime()));
      virtual.schedule(() => {
        blockedMs = 2500;
      }, 500);
      virtual.flush();
      expect(times).toEqual(expected);
      expect(virtual.actions).toHaveLength(0);
    });
  });

  describe('reset()', () => {
    it('restarts timing from now: the next tick is one interval after the reset (marbles)', () => {
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = Timer.periodic(1000, { scheduler: rx });
        rx.schedule(() => timer.reset(), 500);
        expectObservable(timer.pipe(take(2))).toBe('1500ms a 999ms (b|)', dates({ a: 1500, b: 2500 }));
      });
    });

    it('moves a pending ready() to the new tick time', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const alarmTimes: number[] = [];
      scheduler.schedule(() => {
        timer.reset();
        alarmTimes.push(...scheduler.actions.map((action) => action.delay));
      }, 500);
      expect(await inVirtualTime(scheduler, timer.ready())).toBe(true);
      // The alarm for 1000 was replaced, not kept next to the new one.
      expect(alarmTimes).toEqual([1500]);
      expect(timer.consume()).toEqual(new Date(1500));
      expect(scheduler.actions).toHaveLength(0);
    });

    it('drops a tick that fired but was not consumed: no stale tick gets out', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      scheduler.frame = 1000;
      expect(await timer.ready()).toBe(true);
      timer.reset();
      expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverError);
      expect((await settlementOf(timer.ready())).state).toBe('pending');
      scheduler.flush();
      expect(timer.consume()).toEqual(new Date(2000));
    });

    it('takes its own startDelayMs, from 0 up', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      timer.reset({ startDelayMs: 300 });
      expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(1300));
      expect(() => timer.reset({ startDelayMs: -1 })).toThrow(RangeError);
      expect(timer.isRunning).toBe(true);
    });

    it('restarts a stopped timer', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      timer.stop();
      scheduler.frame = 5000;
      timer.reset();
      expect(timer.isRunning).toBe(true);
      expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(6000));
    });
  });

  describe('stop()', () => {
    it('resolves a pending ready() with false at once and leaves no scheduled action', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const ready = timer.ready();
      expect(scheduler.actions).toHaveLength(1);
      timer.stop();
      expect(await ready).toBe(false);
      expect(scheduler.actions).toHaveLength(0);
      expect(timer.isRunning).toBe(false);
    });

    it('makes consume() throw ReceiverStoppedError, also for a tick that had fired', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      scheduler.frame = 1000;
      expect(await timer.ready()).toBe(true);
      timer.stop();
      expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverStoppedError);
      await expect(timer.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
      expect(await timer.ready()).toBe(false);
    });

    it('completes subscribers in the frame of the stop (marbles)', () => {
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = Timer.periodic(1000, { scheduler: rx });
        rx.schedule(() => timer.stop(), 2500);
        expectObservable(timer).toBe('1s a 999ms b 499ms |', dates({ a: 1000, b: 2000 }));
      });
    });

    it('ends a for await loop cleanly', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const loop = (async () => {
        const times: number[] = [];
        for await (const tick of timer) {
          times.push(tick.getTime());
          if (times.length === 2) {
            scheduler.schedule(() => timer.stop(), 500);
          }
        }
        return times;
      })();
      expect(await inVirtualTime(scheduler, loop)).toEqual([1000, 2000]);
      expect(scheduler.actions).toHaveLength(0);
    });

    it('is what close() does, and is idempotent', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      timer.close();
      timer.stop();
      expect(await timer.ready()).toBe(false);
    });
  });

  describe('autoStart: false', () => {
    it('does not start before it is first polled, then ticks from that time', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler, autoStart: false });
      scheduler.frame = 5000;
      expect(timer.isRunning).toBe(false);
      expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(6000));
    });

    it('starts on subscription (marbles)', () => {
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = Timer.periodic(1000, { scheduler: rx, autoStart: false });
        const late = rxTimer(3500, rx).pipe(switchMap(() => timer));
        expectObservable(late.pipe(take(2))).toBe('4500ms a 999ms (b|)', dates({ a: 4500, b: 5500 }));
      });
    });

    it('starts at the first reset()', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler, autoStart: false });
      scheduler.frame = 200;
      timer.reset();
      scheduler.frame = 900;
      expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(1200));
    });
  });

  describe('scheduled actions', () => {
    it('schedules nothing while nobody waits', () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      expect(scheduler.actions).toHaveLength(0);
      expect(timer.isRunning).toBe(true);
    });

    it('keeps one action for several waiters, and cancels it when the last one leaves', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const controller = new AbortController();
      const ready = timer.ready({ signal: controller.signal });
      const subscription = timer.subscribe();
      expect(scheduler.actions).toHaveLength(1);
      controller.abort();
      await expect(ready).rejects.toMatchObject({ name: 'AbortError' });
      expect(scheduler.actions).toHaveLength(1);
      subscription.unsubscribe();
      expect(scheduler.actions).toHaveLength(0);
    });

    it('an aborted ready() takes nothing: the tick is there for the next call', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const controller = new AbortController();
      const ready = timer.ready({ signal: controller.signal });
      controller.abort();
      await expect(ready).rejects.toBe(controller.signal.reason);
      scheduler.frame = 1000;
      expect(await timer.receive()).toEqual(new Date(1000));
    });

    it('never fires a tick early, even when the scheduler runs the action early', () => {
      const virtual = new VirtualTimeScheduler();
      // Runs a long wait 3 ms early, as a real timer can; the rest of the wait is then on time.
      const early = wrapScheduler(virtual, { delayMs: (delay) => (delay > 100 ? delay - 3 : delay) });
      const times: number[] = [];
      Timer.periodic(1000, { scheduler: early })
        .pipe(take(2))
        .subscribe((tick) => times.push(tick.getTime()));
      virtual.flush();
      expect(times).toEqual([1000, 2000]);
    });

    it('works with a scheduler that runs the action synchronously', () => {
      let clock = 0;
      const schedule = (work: (state?: unknown) => void, delay = 0, state?: unknown): Subscription => {
        clock += delay;
        work(state);
        return new Subscription();
      };
      const synchronous: SchedulerLike = { now: () => clock, schedule };
      const times: number[] = [];
      Timer.periodic(10, { scheduler: synchronous })
        .pipe(take(3))
        .subscribe((tick) => times.push(tick.getTime()));
      expect(times).toEqual([10, 20, 30]);
    });
  });

  describe('a policy of your own', () => {
    it('that does not move forward is warned about and replaced by a drift', () => {
      const capture = captureWarnings();
      try {
        class Stuck extends MissedTickPolicy {
          override nextTickTime(_nowMs: number, scheduledTickMs: number): number {
            return scheduledTickMs;
          }
        }
        const rx = testScheduler();
        rx.run(({ expectObservable }) => {
          const timer = new Timer(1000, { scheduler: rx, missedTickPolicy: new Stuck() });
          expectObservable(timer.pipe(take(2))).toBe('1s a 999ms (b|)', dates({ a: 1000, b: 2000 }));
        });
        expect(capture.warnings).toHaveLength(2);
        expect(capture.warnings[0]).toMatch(/Timer:1000ms/);
      } finally {
        capture.restore();
      }
    });
  });

  describe('as a Receiver', () => {
    it('works with map(), filter() and asObservable() (marbles)', () => {
      const rx = testScheduler();
      rx.run(({ expectObservable }) => {
        const timer = Timer.periodic(1000, { scheduler: rx });
        const seconds = timer.map((tick) => tick.getTime() / 1000).filter((second) => second % 2 === 0);
        expectObservable(seconds.asObservable().pipe(take(2))).toBe('2s a 1999ms (b|)', { a: 2, b: 4 });
      });
    });

    it('iterates with for await, and leaves no action behind after break', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const loop = (async () => {
        const times: number[] = [];
        for await (const tick of timer) {
          times.push(tick.getTime());
          if (times.length === 3) {
            break;
          }
        }
        return times;
      })();
      expect(await inVirtualTime(scheduler, loop)).toEqual([1000, 2000, 3000]);
      expect(scheduler.actions).toHaveLength(0);
      timer.stop();
    });

    it('rejects consume() before a tick with a ReceiverError', () => {
      const timer = Timer.periodic(1000, { scheduler: new VirtualTimeScheduler() });
      expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverError);
    });
  });

  describe('Timer.once()', () => {
    it('refuses a negative, infinite or non-number delay, and a policy in place of options', () => {
      expect(() => Timer.once(-1)).toThrow(RangeError);
      expect(() => Timer.once(Infinity)).toThrow(RangeError);
      expect(() => Timer.once(Number.NaN)).toThrow('Expected `delayMs` to be a finite number from 0 up, got NaN');
      expect(() => Timer.once('5' as unknown as number)).toThrow(TypeError);
      expect(() => Timer.once(5, new SkipMissedAndDrift() as never)).toThrow(TypeError);
      expect(() => Timer.once(5, { autoStart: false, startDelayMs: 1 })).toThrow(RangeError);
      // A refused call leaves the next timer a repeating one.
      const scheduler = new VirtualTimeScheduler();
      expect(() => new Timer(0, { scheduler })).toThrow(RangeError);
    });

    it('delivers one tick after the delay, then stops: ready() is false, consume() throws ReceiverStoppedError', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(300, { scheduler });
      expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(300));
      expect(timer.isRunning).toBe(false);
      expect(await timer.ready()).toBe(false);
      expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverStoppedError);
      expect(scheduler.actions).toHaveLength(0);
    });

    it('ends a for await loop after its one tick, and leaves no action behind', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(1000, { scheduler, startDelayMs: 500 });
      const loop = (async () => {
        const times: number[] = [];
        for await (const tick of timer) {
          times.push(tick.getTime());
        }
        return times;
      })();
      expect(await inVirtualTime(scheduler, loop)).toEqual([1500]);
      expect(scheduler.actions).toHaveLength(0);
    });

    it('does not start before it is first polled with autoStart: false', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(100, { scheduler, autoStart: false });
      scheduler.frame = 1000;
      expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(1100));
    });

    it('a scheduler whose schedule() throws stops the timer with a ReceiverError: receive() rejects, never throws or hangs', async () => {
      let throwNext = true;
      const scheduler: SchedulerLike = {
        now: () => queueScheduler.now(),
        schedule: (...args: Parameters<SchedulerLike['schedule']>) => {
          if (throwNext) {
            throwNext = false;
            throw new Error('boom');
          }
          return queueScheduler.schedule(...args);
        },
      };
      const timer = Timer.timeout(10, { scheduler });
      let received: Promise<Date> | undefined;
      expect(thrownBy(() => (received = timer.receive()))).toBe(NOT_REJECTED);
      const reason = await reasonOf(received as Promise<Date>);
      expect(reason).toBeInstanceOf(ReceiverError);
      expect((reason as Error).message).toBe('Timer:10ms: its scheduler threw; the timer stopped');
      expect((reason as Error).cause).toEqual(new Error('boom'));
      // Thrown once; afterwards the timer is stopped, until reset().
      await expect(timer.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
    });

    it('a scheduler whose now() throws: poll and alarm never throw, the timer stops with a ReceiverError', async () => {
      const scheduler = new VirtualTimeScheduler();
      let clockBroken = false;
      const breaking = {
        now: () => {
          if (clockBroken) {
            throw new Error('no clock');
          }
          return scheduler.now();
        },
        schedule: scheduler.schedule.bind(scheduler),
      };
      const timer = Timer.timeout(10, { scheduler: breaking });
      const received = receiveTracked(timer);
      const ready = track(timer.ready());
      clockBroken = true;
      expect(thrownBy(() => scheduler.flush())).toBe(NOT_REJECTED); // the alarm reads the clock
      const reason = await reasonOf(received.promise);
      expect(reason).toBeInstanceOf(ReceiverError);
      expect((reason as Error).message).toBe('Timer:10ms: its scheduler threw; the timer stopped');
      expect((reason as Error).cause).toEqual(new Error('no clock'));
      // The error went to the receive(), first in line; the ready() behind it sees a stopped timer.
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: false });
      // A timer whose clock throws at its first look: ready() resolves true, consume() throws once.
      await expectFailsOnceThroughReady(Timer.timeout(10, { scheduler: breaking }));
    });

    it("a scheduler whose action's teardown throws: the last waiter leaving and stop() do not throw, the error is reported", async () => {
      const reported: unknown[] = [];
      const previous = config.onUnhandledError;
      config.onUnhandledError = (error) => reported.push(error);
      try {
        const throwingTeardown = {
          now: () => 0,
          schedule: () =>
            new Subscription(() => {
              throw new Error('teardown');
            }),
        } as unknown as SchedulerLike;
        const timer = Timer.timeout(10, { scheduler: throwingTeardown });
        const controller = new AbortController();
        const ready = timer.ready({ signal: controller.signal });
        expect(thrownBy(() => controller.abort(new Error('gave up')))).toBe(NOT_REJECTED);
        await expect(ready).rejects.toThrow('gave up');
        const received = timer.receive();
        expect(thrownBy(() => timer.stop())).toBe(NOT_REJECTED);
        await expect(received).rejects.toBeInstanceOf(ReceiverStoppedError);
        expect(reported).toHaveLength(2);
        expect(String((reported[0] as Error).message)).toContain('teardown');
      } finally {
        config.onUnhandledError = previous;
      }
    });

    it('a scheduler whose schedule() throws under a waiting ready(): it resolves true and consume() throws the error', async () => {
      const scheduler = {
        now: () => queueScheduler.now(),
        schedule: () => {
          throw new Error('boom');
        },
      } as unknown as SchedulerLike;
      await expectFailsOnceThroughReady(Timer.timeout(10, { scheduler }));
    });

    it('a receive() waiting in the slot beside a ready(), when re-arming for the ready() throws: nothing throws out of the alarm, the error is not lost', async () => {
      // A manual scheduler: actions run when the test says, and the second schedule() throws.
      let nowMs = 0;
      const actions: (() => void)[] = [];
      let schedules = 0;
      const scheduler = {
        now: () => nowMs,
        schedule: (work: () => void) => {
          if (++schedules === 2) {
            throw new Error('boom');
          }
          actions.push(work);
          return new Subscription();
        },
      } as unknown as SchedulerLike;
      const timer = Timer.periodic(10, { scheduler });
      const received = track(timer.receive());
      const ready = track(timer.ready());
      expect(actions).toHaveLength(1);
      nowMs = 10;
      expect(thrownBy(() => (actions.shift() as () => void)())).toBe(NOT_REJECTED);
      await flushMicrotasks();
      expect(received.current()).toEqual({ state: 'fulfilled', value: new Date(10) });
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      // The ready() was announced the scheduler's error: consume() throws it, once.
      const error = thrownBy(() => timer.consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect((error as Error).message).toBe('Timer:10ms: its scheduler threw; the timer stopped');
      await expect(timer.ready()).resolves.toBe(false);
    });

    it('reset() while a receive() waits in the slot, with a scheduler that throws on the re-arm: reset() returns, the receive() rejects with the error', async () => {
      let throwNext = false;
      const virtual = new VirtualTimeScheduler();
      const scheduler: SchedulerLike = {
        now: () => virtual.now(),
        schedule: (...args: Parameters<SchedulerLike['schedule']>) => {
          if (throwNext) {
            throw new Error('boom');
          }
          return virtual.schedule(...args);
        },
      };
      const timer = Timer.periodic(10, { scheduler });
      const received = timer.receive();
      throwNext = true;
      expect(thrownBy(() => timer.reset())).toBe(NOT_REJECTED);
      const reason = await reasonOf(received);
      expect(reason).toBeInstanceOf(ReceiverError);
      expect((reason as Error).cause).toEqual(new Error('boom'));
      expect(timer.isRunning).toBe(false);
      // Nothing of the first alarm is left to fire.
      virtual.flush();
      await expect(timer.ready()).resolves.toBe(false);
    });

    it('a receive() waiting in the slot, woken by an alarm whose clock then reads a little earlier (a clock stepped back): the alarm is armed again, the tick comes', async () => {
      let nowMs = 0;
      const readings: number[] = [];
      const actions: (() => void)[] = [];
      const scheduler = {
        now: () => readings.shift() ?? nowMs,
        schedule: (work: () => void) => {
          actions.push(work);
          return new Subscription();
        },
      } as unknown as SchedulerLike;
      const timer = Timer.periodic(10, { scheduler });
      const received = track(timer.receive());
      expect(actions).toHaveLength(1);
      nowMs = 10;
      // The alarm sees 10; the poll it wakes reads 9.5.
      readings.push(10, 9.5);
      (actions.shift() as () => void)();
      // The receive() is registered again, as a parked waker parks again: the timer arms a new
      // alarm and looks again (a scheduler that queues its actions runs the queued ones here).
      for (let action = actions.shift(); action !== undefined; action = actions.shift()) {
        action();
      }
      await flushMicrotasks();
      expect(received.current()).toEqual({ state: 'fulfilled', value: new Date(10) });
      timer.stop();
    });

    it('with delay 0 on queueScheduler, fires at the first look, in the same call', async () => {
      const timer = Timer.once(0, { scheduler: queueScheduler });
      const seen: string[] = [];
      timer.subscribe({ next: () => seen.push('tick'), complete: () => seen.push('complete') });
      expect(seen).toEqual(['tick', 'complete']);
      expect(await timer.ready()).toBe(false);
      const other = Timer.once(0, { scheduler: queueScheduler });
      expect(await other.receive()).toBeInstanceOf(Date);
      expect(await other.ready()).toBe(false);
    });

    it('stop() before it fires: a pending ready() resolves false, no action is left, no tick ever comes', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(1000, { scheduler });
      const ready = timer.ready();
      expect(scheduler.actions).toHaveLength(1);
      scheduler.schedule(() => timer.stop(), 500);
      scheduler.flush();
      expect(await ready).toBe(false);
      expect(scheduler.actions).toHaveLength(0);
      scheduler.frame = 5000;
      expect(await timer.ready()).toBe(false);
    });

    it('an aborted pending ready() takes nothing and leaves no action: the tick is there for the next call', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(1000, { scheduler });
      const controller = new AbortController();
      const ready = timer.ready({ signal: controller.signal });
      expect(scheduler.actions).toHaveLength(1);
      controller.abort();
      await expect(ready).rejects.toBe(controller.signal.reason);
      expect(scheduler.actions).toHaveLength(0);
      scheduler.frame = 1000;
      expect(await timer.receive()).toEqual(new Date(1000));
      expect(await timer.ready()).toBe(false);
    });

    it('an abort after the tick fired leaves the tick in place', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(1000, { scheduler });
      scheduler.frame = 1000;
      expect(await timer.ready()).toBe(true);
      const controller = new AbortController();
      controller.abort();
      await expect(timer.ready({ signal: controller.signal })).rejects.toBe(controller.signal.reason);
      expect(timer.consume()).toEqual(new Date(1000));
    });

    it('concurrent ready() calls all resolve true; the one tick goes to one consume(), then the timer is stopped', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(1000, { scheduler });
      const first = track(timer.ready());
      const second = track(timer.ready());
      scheduler.flush();
      await flushMicrotasks();
      expect([first.current(), second.current()]).toEqual([
        { state: 'fulfilled', value: true },
        { state: 'fulfilled', value: true },
      ]);
      expect(timer.consume()).toEqual(new Date(1000));
      expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverStoppedError);
    });

    it('tells a receive() parked next to the consumer that it stopped', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.once(1000, { scheduler });
      const first = timer.receive();
      const second = timer.receive();
      scheduler.flush();
      expect(await first).toEqual(new Date(1000));
      await expect(second).rejects.toBeInstanceOf(ReceiverStoppedError);
    });

    describe('reset()', () => {
      it('while pending, moves the one tick to delay from now', async () => {
        const scheduler = new VirtualTimeScheduler();
        const timer = Timer.once(1000, { scheduler });
        scheduler.schedule(() => timer.reset(), 600);
        expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(1600));
        expect(await timer.ready()).toBe(false);
      });

      it('after the tick was consumed, re-arms it for one more tick', async () => {
        const scheduler = new VirtualTimeScheduler();
        const timer = Timer.once(1000, { scheduler });
        expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(1000));
        scheduler.frame = 4000;
        timer.reset({ startDelayMs: 200 });
        expect(timer.isRunning).toBe(true);
        expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(5200));
        expect(await timer.ready()).toBe(false);
      });

      it('drops a tick that fired but was not consumed, and after stop() starts it again', async () => {
        const scheduler = new VirtualTimeScheduler();
        const timer = Timer.once(1000, { scheduler });
        scheduler.frame = 1000;
        expect(await timer.ready()).toBe(true);
        timer.reset();
        expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverError);
        timer.stop();
        timer.reset();
        expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(2000));
      });
    });

    it('ends a select() loop branch: its tick, then its stop, once each', async () => {
      const scheduler = new VirtualTimeScheduler();
      const deadline = Timer.once(100, { scheduler });
      const loop = (async () => {
        const seen: string[] = [];
        for await (const selected of select(deadline)) {
          if (selectedFrom(selected, deadline)) {
            seen.push(selected.wasStopped ? 'stopped' : `tick ${selected.inner?.getTime()}`);
          }
        }
        return seen;
      })();
      expect(await inVirtualTime(scheduler, loop)).toEqual(['tick 100', 'stopped']);
    });
  });

  describe('in real time', () => {
    it('ticks with the default asyncScheduler, never before the tick time, and leaves no handle after stop()', async () => {
      const startMs = Date.now();
      const timer = Timer.periodic(10);
      const ticks: number[] = [];
      for (let index = 0; index < 3; index++) {
        ticks.push((await timer.receive({ signal: AbortSignal.timeout(5000) })).getTime());
      }
      timer.stop();
      ticks.forEach((tickMs, index) => expect(tickMs).toBeGreaterThanOrEqual(startMs + 10 * (index + 1)));
      expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
      expect(await timer.ready()).toBe(false);
    });
  });

  describe('concurrent ready() calls', () => {
    // issue 11 #4: a tick fired inside another call's poll woke nobody, and the alarm would not re-arm while it was held.
    it('all resolve when a tick fires, also when it fires in the poll of another ready()', async () => {
      const scheduler = new VirtualTimeScheduler();
      const timer = Timer.periodic(1000, { scheduler });
      const parked = track(timer.ready());
      // The clock reaches the tick time before the parked call's alarm runs: the next ready() fires it.
      scheduler.frame = 1000;
      await expect(timer.ready()).resolves.toBe(true);
      scheduler.flush();
      await flushMicrotasks();
      expect(parked.current()).toEqual({ state: 'fulfilled', value: true });
      expect(timer.consume()).toEqual(new Date(1000));
      const next = track(timer.ready());
      scheduler.flush();
      await flushMicrotasks();
      expect(next.current()).toEqual({ state: 'fulfilled', value: true });
      expect(timer.consume()).toEqual(new Date(2000));
    });
  });

  describe('an interval longer than a JavaScript timer can wait', () => {
    // issue 11 #6: past 2^31 - 1 ms, Node clamps a delay to 1 ms, so one pending ready() scheduled hundreds of actions a second.
    it('is waited for in delays of at most 2^31 - 1 ms, and ticks on time after them', async () => {
      const maxDelayMs = 2 ** 31 - 1;
      const intervalMs = 3 * maxDelayMs + 5;
      const virtual = new VirtualTimeScheduler();
      const delays: number[] = [];
      const spy = wrapScheduler(virtual, {
        delayMs: (delay) => {
          delays.push(delay);
          return delay;
        },
      });
      const timer = Timer.periodic(intervalMs, { scheduler: spy });
      const ready = track(timer.ready());
      virtual.flush();
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(timer.consume()).toEqual(new Date(intervalMs));
      expect(delays).toEqual([maxDelayMs, maxDelayMs, maxDelayMs, 5]);
    });

    it('hands asyncScheduler no delay a real timer would clamp to 1 ms, and ticks on time (fake timers)', async () => {
      // Jest's fake timers clamp a delay past 2^31 - 1 ms to 1 ms, as Node does.
      jest.useFakeTimers({ now: 0 });
      const timerDelays: number[] = [];
      const realSetInterval = globalThis.setInterval;
      const spy = jest.spyOn(globalThis, 'setInterval').mockImplementation(((handler: () => void, delay: number) => {
        timerDelays.push(delay);
        return realSetInterval(handler, delay);
      }) as typeof setInterval);
      try {
        const maxDelayMs = 2 ** 31 - 1;
        const intervalMs = 2 * maxDelayMs + 1000;
        const timer = Timer.periodic(intervalMs);
        const ready = track(timer.ready());
        // Checked before the long advance: a clamped delay would make it a loop of 2^32 1-ms steps.
        await jest.advanceTimersByTimeAsync(1000);
        expect(Math.max(...timerDelays)).toBeLessThanOrEqual(maxDelayMs);
        await jest.advanceTimersByTimeAsync(intervalMs - 1001);
        expect(ready.current()).toEqual({ state: 'pending' });
        await jest.advanceTimersByTimeAsync(1);
        expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
        expect(timer.consume()).toEqual(new Date(intervalMs));
        timer.stop();
        expect(Math.max(...timerDelays)).toBeLessThanOrEqual(maxDelayMs);
        expect(timerDelays.length).toBeLessThanOrEqual(3);
      } finally {
        spy.mockRestore();
        jest.useRealTimers();
      }
    });
  });

  describe('a policy that throws', () => {
    /** Throws `error` from its first nextTickTime(), then drifts. */
    class ThrowsOnce extends MissedTickPolicy {
      private thrown = false;
      constructor(private readonly error: Error) {
        super();
      }
      override nextTickTime(nowMs: number, _scheduledTickMs: number, intervalMs: number): number {
        if (!this.thrown) {
          this.thrown = true;
          throw this.error;
        }
        return nowMs + intervalMs;
      }
    }

    // issue 11 #7: ready() threw synchronously, parked waiters never settled, on asyncScheduler the error went uncaught.
    it('stops the timer: parked waiters settle, consume() throws once a ReceiverError naming the timer and caused by the policy error, then the timer is stopped until reset()', async () => {
      const scheduler = new VirtualTimeScheduler();
      const policyError = new Error('policy broke');
      const timer = new Timer(1000, { scheduler, missedTickPolicy: new ThrowsOnce(policyError) });
      const parked = [track(timer.ready()), track(timer.ready())];
      expect(() => scheduler.flush()).not.toThrow();
      await flushMicrotasks();
      expect(parked.map((wait) => wait.current())).toEqual([
        { state: 'fulfilled', value: true },
        { state: 'fulfilled', value: true },
      ]);
      const error = thrownBy(() => timer.consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverError<Date>).cause).toBe(policyError);
      expect((error as ReceiverError<Date>).message).toContain('Timer:1000ms');
      expect(timer.isRunning).toBe(false);
      await expect(timer.ready()).resolves.toBe(false);
      expect(thrownBy(() => timer.consume())).toBeInstanceOf(ReceiverStoppedError);
      timer.reset();
      expect(await inVirtualTime(scheduler, timer.receive())).toEqual(new Date(2000));
    });

    it('makes receive() reject once with that ReceiverError, and ends a for await loop with it', async () => {
      const scheduler = new VirtualTimeScheduler();
      const policyError = new Error('policy broke');
      const timer = new Timer(1000, { scheduler, missedTickPolicy: new ThrowsOnce(policyError) });
      const loop = (async () => {
        for await (const _tick of timer) {
          // never reached: the first tick is the policy's error
        }
      })();
      const reason = await inVirtualTime(scheduler, reasonOf(loop));
      expect(reason).toBeInstanceOf(ReceiverError);
      expect((reason as ReceiverError<Date>).cause).toBe(policyError);
      await expect(timer.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
    });
  });
});
