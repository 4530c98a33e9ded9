/**
 * Timer in virtual time: a subscriber gets each tick in the frame it fires, and each
 * missed-tick policy gives its own frames when the consumer looks late.
 */
import { concat, concatMap, map, take, timer as rxTimer, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SkipMissedAndDrift, SkipMissedAndResync, Timer, TriggerAllMissed, type MissedTickPolicy } from 'rx-channels';

function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** The tick times of `ticks`, as numbers, for short marble values. */
function times(ticks: Observable<Date>): Observable<number> {
  return ticks.pipe(map((tick) => tick.getTime()));
}

/** Subscribes to `ticks` only `delayMs` after being subscribed: a consumer busy meanwhile. */
function lookAgainAfter<T>(delayMs: number, scheduler: TestScheduler, ticks: Observable<T>): Observable<T> {
  return rxTimer(delayMs, scheduler).pipe(concatMap(() => ticks));
}

describe('marbles: Timer', () => {
  it("Timer.periodic(1000) with take(3) is '1s a 999ms b 999ms (c|)'", () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const ticks = Timer.periodic(1000, { scheduler }).pipe(take(3));
      expectObservable(ticks).toBe('1s a 999ms b 999ms (c|)', {
        a: new Date(1000),
        b: new Date(2000),
        c: new Date(3000),
      });
    });
  });

  it('runs on the patched asyncScheduler too when no scheduler is given', () => {
    newTestScheduler().run(({ expectObservable }) => {
      expectObservable(times(Timer.periodic(500).pipe(take(2)))).toBe('500ms a 499ms (b|)', { a: 500, b: 1000 });
    });
  });

  it('Timer.timeout(300) fires every 300 ms while someone looks', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      expectObservable(times(Timer.timeout(300, { scheduler }).pipe(take(2)))).toBe('300ms a 299ms (b|)', {
        a: 300,
        b: 600,
      });
    });
  });

  it("Timer.once(300) is '300ms (a|)': one tick, then complete", () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      expectObservable(times(Timer.once(300, { scheduler }))).toBe('300ms (a|)', { a: 300 });
    });
  });

  it("Timer.once(0) is '(a|)' on the patched asyncScheduler", () => {
    newTestScheduler().run(({ expectObservable }) => {
      expectObservable(times(Timer.once(0))).toBe('(a|)', { a: 0 });
    });
  });

  it('Timer.once() reset at 200 ms fires once, 300 ms after the reset', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const timer = Timer.once(300, { scheduler });
      scheduler.schedule(() => timer.reset(), 200);
      expectObservable(times(timer)).toBe('500ms (a|)', { a: 500 });
    });
  });

  it('Timer.once() stopped before it fires completes at the stop, with no tick', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const timer = Timer.once(300, { scheduler });
      scheduler.schedule(() => timer.stop(), 100);
      expectObservable(times(timer)).toBe('100ms |');
    });
  });

  it('Timer.timeout(300), unlike Timer.once(300), repeats', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const timeout = times(Timer.timeout(300, { scheduler }).pipe(take(3)));
      expectObservable(timeout).toBe('300ms a 299ms b 299ms (c|)', { a: 300, b: 600, c: 900 });
    });
  });

  it('stop() completes the subscriber in the frame it is called', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      const timer = Timer.periodic(1000, { scheduler });
      scheduler.schedule(() => timer.stop(), 2500);
      expectObservable(times(timer)).toBe('1s a 999ms b 499ms |', { a: 1000, b: 2000 });
    });
  });

  describe('a consumer that looks away from 1000 to 3500 ms', () => {
    /**
     * Takes the tick at 1000, is busy for 2500 ms (it does not look: ticks at 2000 and 3000 are
     * missed), then takes three more ticks.
     */
    function slowConsumer(scheduler: TestScheduler, policy: MissedTickPolicy): Observable<number> {
      const timer = new Timer(1000, { scheduler, missedTickPolicy: policy });
      return times(concat(timer.pipe(take(1)), lookAgainAfter(2500, scheduler, timer.pipe(take(3)))));
    }

    it('TriggerAllMissed fires both missed ticks at once when it looks again, then keeps the schedule', () => {
      const scheduler = newTestScheduler();
      scheduler.run(({ expectObservable }) => {
        expectObservable(slowConsumer(scheduler, new TriggerAllMissed())).toBe('1s a 2499ms (bc) 496ms (d|)', {
          a: 1000,
          b: 3500,
          c: 3500,
          d: 4000,
        });
      });
    });

    it('SkipMissedAndResync fires one tick when it looks again, then keeps the old schedule', () => {
      const scheduler = newTestScheduler();
      scheduler.run(({ expectObservable }) => {
        expectObservable(slowConsumer(scheduler, new SkipMissedAndResync())).toBe('1s a 2499ms b 499ms c 999ms (d|)', {
          a: 1000,
          b: 3500,
          c: 4000,
          d: 5000,
        });
      });
    });

    it('SkipMissedAndDrift fires one tick when it looks again, then a schedule moved to it', () => {
      const scheduler = newTestScheduler();
      scheduler.run(({ expectObservable }) => {
        expectObservable(slowConsumer(scheduler, new SkipMissedAndDrift())).toBe('1s a 2499ms b 999ms c 999ms (d|)', {
          a: 1000,
          b: 3500,
          c: 4500,
          d: 5500,
        });
      });
    });

    it('SkipMissedAndDrift within its tolerance keeps the schedule', () => {
      const scheduler = newTestScheduler();
      scheduler.run(({ expectObservable }) => {
        const timer = new Timer(1000, {
          scheduler,
          missedTickPolicy: new SkipMissedAndDrift({ delayToleranceMs: 600 }),
        });
        // Looks again at 2400, 400 ms after the tick at 2000 was due: within the tolerance.
        const ticks = concat(timer.pipe(take(1)), lookAgainAfter(1400, scheduler, timer.pipe(take(2))));
        expectObservable(times(ticks)).toBe('1s a 1399ms b 599ms (c|)', { a: 1000, b: 2400, c: 3000 });
      });
    });
  });

  it('a consumer slower than the interval, through concatMap, gets each tick after its work', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ expectObservable }) => {
      // The work takes 1500 ms per tick; the timer is read by the Observable at once, so the
      // ticks fire on time and wait in concatMap's queue: the frames show the work's pace.
      const work = Timer.periodic(1000, { scheduler }).pipe(
        take(3),
        concatMap((tick) => rxTimer(1500, scheduler).pipe(map(() => tick.getTime()))),
      );
      expectObservable(work).toBe('2500ms a 1499ms b 1499ms (c|)', { a: 1000, b: 2000, c: 3000 });
    });
  });
});
