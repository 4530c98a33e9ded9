/**
 * Jest's modern fake timers drive a Timer on the default `asyncScheduler`: RxJS reads the clock
 * through `Date.now()` and waits with `setInterval`, both of which Jest fakes.
 */
import { firstValueFrom, take, timer as rxTimer, toArray } from 'rxjs';
import { Anycast, SkipMissedAndDrift, Timer } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { track } from '../helpers/async';

describe('Timer under Jest fake timers', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('ticks as jest.advanceTimersByTimeAsync moves the clock', async () => {
    const timer = Timer.periodic(1000);
    const ticks: number[] = [];
    const loop = (async () => {
      for await (const tick of timer) {
        ticks.push(tick.getTime());
        if (ticks.length === 3) {
          timer.stop();
        }
      }
    })();
    await jest.advanceTimersByTimeAsync(2999);
    expect(ticks).toEqual([1000, 2000]);
    await jest.advanceTimersByTimeAsync(1);
    await loop;
    expect(ticks).toEqual([1000, 2000, 3000]);
  });

  it('does not resolve receive() before the interval has passed', async () => {
    const timer = Timer.timeout(500);
    const tick = timer.receive();
    // track(), not settlementOf(): that one waits with setImmediate, which Jest fakes here.
    const settlement = track(tick);
    await jest.advanceTimersByTimeAsync(499);
    expect(settlement.current().state).toBe('pending');
    await jest.advanceTimersByTimeAsync(1);
    expect((await tick).getTime()).toBe(500);
    timer.stop();
  });

  it('applies the missed-tick policy when the consumer is late', async () => {
    const timer = new Timer(1000, { missedTickPolicy: new SkipMissedAndDrift() });
    await jest.advanceTimersByTimeAsync(3500);
    const late = timer.receive();
    await jest.advanceTimersByTimeAsync(0);
    expect((await late).getTime()).toBe(3500);
    const next = timer.receive();
    await jest.advanceTimersByTimeAsync(1000);
    expect((await next).getTime()).toBe(4500);
    timer.stop();
  });

  it('works with channels and RxJS timers on the same fake clock', async () => {
    const channel = new Anycast<number>();
    rxTimer(0, 100)
      .pipe(take(3))
      .subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
    const values = firstValueFrom(channel.newReceiver().pipe(toArray()));
    await jest.advanceTimersByTimeAsync(200);
    expect(await values).toEqual([0, 1, 2]);
  });

  it('leaves a VirtualClock working (it keeps the real setImmediate)', async () => {
    const clock = new VirtualClock();
    const ticks = firstValueFrom(Timer.periodic(10, { scheduler: clock.scheduler }).pipe(take(2), toArray()));
    const times = await clock.runUntil(ticks);
    expect(times.map((tick) => tick.getTime())).toEqual([10, 20]);
  });
});
