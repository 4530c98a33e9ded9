/**
 * Type-level tests of the Timer factories: timeout() and once() take the named TimeoutOptions
 * (no missed-tick policy), periodic() its own options, and all give a Timer.
 */
import { expectTypeOf } from 'expect-type';
import { Timer, type PeriodicTimerOptions, type TimeoutOptions, type TimerOptions } from 'rx-channels';
import { VirtualTimeScheduler } from 'rxjs';

function factoryTypes(): void {
  expectTypeOf(Timer.timeout).parameter(1).toEqualTypeOf<TimeoutOptions | undefined>();
  expectTypeOf(Timer.once).parameter(1).toEqualTypeOf<TimeoutOptions | undefined>();
  expectTypeOf(Timer.once(10)).toEqualTypeOf<Timer>();
  expectTypeOf<TimeoutOptions>().toEqualTypeOf<Omit<TimerOptions, 'missedTickPolicy'>>();
  expectTypeOf<PeriodicTimerOptions>().toMatchTypeOf<TimeoutOptions>();
  // @ts-expect-error timeout() chooses its own policy
  Timer.timeout(10, { missedTickPolicy: undefined });
  // @ts-expect-error once() too
  Timer.once(10, { missedTickPolicy: undefined });
}

describe('Timer types', () => {
  it('Timer.once() with TimeoutOptions is a Timer', () => {
    const options: TimeoutOptions = { scheduler: new VirtualTimeScheduler(), autoStart: false };
    const timer = Timer.once(10, options);
    expect(timer).toBeInstanceOf(Timer);
    timer.stop();
    expect(factoryTypes).toBeInstanceOf(Function);
  });
});
