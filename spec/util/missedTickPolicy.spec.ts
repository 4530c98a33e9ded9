import fc from 'fast-check';
import { MissedTickPolicy, SkipMissedAndDrift, SkipMissedAndResync, TriggerAllMissed } from 'rx-channels/util';

/** A due tick: an interval, a scheduled time, and a now at or after it (integers, so modulo is exact). */
const dueTick = fc
  .record({
    intervalMs: fc.integer({ min: 1, max: 100_000 }),
    scheduledTickMs: fc.integer({ min: 0, max: 1e9 }),
    lateByMs: fc.integer({ min: 0, max: 1e7 }),
  })
  .map(({ intervalMs, scheduledTickMs, lateByMs }) => ({
    intervalMs,
    scheduledTickMs,
    nowMs: scheduledTickMs + lateByMs,
  }));

describe('MissedTickPolicy', () => {
  it('is the base class of every built-in policy', () => {
    expect(new TriggerAllMissed()).toBeInstanceOf(MissedTickPolicy);
    expect(new SkipMissedAndResync()).toBeInstanceOf(MissedTickPolicy);
    expect(new SkipMissedAndDrift()).toBeInstanceOf(MissedTickPolicy);
  });

  it('can be extended with a policy of your own', () => {
    class EveryOtherTick extends MissedTickPolicy {
      override nextTickTime(_nowMs: number, scheduledTickMs: number, intervalMs: number): number {
        return scheduledTickMs + 2 * intervalMs;
      }
    }
    expect(new EveryOtherTick().nextTickTime(1000, 1000, 1000)).toBe(3000);
  });

  it('every built-in policy returns a time after the scheduled tick and no later than one interval from now', () => {
    const policies = [
      new TriggerAllMissed(),
      new SkipMissedAndResync(),
      new SkipMissedAndDrift(),
      new SkipMissedAndDrift({ delayToleranceMs: 500 }),
    ];
    fc.assert(
      fc.property(dueTick, fc.constantFrom(...policies), ({ nowMs, scheduledTickMs, intervalMs }, policy) => {
        const next = policy.nextTickTime(nowMs, scheduledTickMs, intervalMs);
        expect(next).toBeGreaterThan(scheduledTickMs);
        expect(next).toBeLessThanOrEqual(nowMs + intervalMs);
      }),
    );
  });
});

describe('TriggerAllMissed', () => {
  it('keeps the schedule: the next tick is one interval after the scheduled one, however late now is', () => {
    fc.assert(
      fc.property(dueTick, ({ nowMs, scheduledTickMs, intervalMs }) => {
        expect(new TriggerAllMissed().nextTickTime(nowMs, scheduledTickMs, intervalMs)).toBe(
          scheduledTickMs + intervalMs,
        );
      }),
    );
  });

  it('fires exactly one tick per missed interval before catching up', () => {
    fc.assert(
      fc.property(dueTick, ({ nowMs, scheduledTickMs, intervalMs }) => {
        const policy = new TriggerAllMissed();
        let fired = 0;
        for (let tick = scheduledTickMs; tick <= nowMs; tick = policy.nextTickTime(nowMs, tick, intervalMs)) {
          fired++;
        }
        expect(fired).toBe(Math.floor((nowMs - scheduledTickMs) / intervalMs) + 1);
      }),
      { numRuns: 50 },
    );
  });

  it('has a readable toString()', () => {
    expect(String(new TriggerAllMissed())).toBe('TriggerAllMissed');
  });
});

describe('SkipMissedAndResync', () => {
  it('returns the first time of the original schedule that is after now', () => {
    fc.assert(
      fc.property(dueTick, ({ nowMs, scheduledTickMs, intervalMs }) => {
        const next = new SkipMissedAndResync().nextTickTime(nowMs, scheduledTickMs, intervalMs);
        expect((next - scheduledTickMs) % intervalMs).toBe(0);
        expect(next).toBeGreaterThan(nowMs);
        expect(next - intervalMs).toBeLessThanOrEqual(nowMs);
      }),
    );
  });

  it('matches the seed formula on an example: late by 2.5 intervals', () => {
    expect(new SkipMissedAndResync().nextTickTime(3500, 1000, 1000)).toBe(4000);
    expect(new SkipMissedAndResync().nextTickTime(3000, 1000, 1000)).toBe(4000);
  });

  it('has a readable toString()', () => {
    expect(String(new SkipMissedAndResync())).toBe('SkipMissedAndResync');
  });
});

describe('SkipMissedAndDrift', () => {
  it('keeps the schedule while the delay is within the tolerance, and restarts it from now past it', () => {
    const tolerance = fc.oneof(fc.integer({ min: 0, max: 1e7 }), fc.constant(Infinity));
    fc.assert(
      fc.property(dueTick, tolerance, ({ nowMs, scheduledTickMs, intervalMs }, delayToleranceMs) => {
        const next = new SkipMissedAndDrift({ delayToleranceMs }).nextTickTime(nowMs, scheduledTickMs, intervalMs);
        const expected = nowMs - scheduledTickMs > delayToleranceMs ? nowMs + intervalMs : scheduledTickMs + intervalMs;
        expect(next).toBe(expected);
      }),
    );
  });

  it('drifts on any delay by default (no tolerance)', () => {
    const policy = new SkipMissedAndDrift();
    expect(policy.delayToleranceMs).toBe(0);
    expect(policy.nextTickTime(1000, 1000, 1000)).toBe(2000);
    expect(policy.nextTickTime(1001, 1000, 1000)).toBe(2001);
    expect(policy.nextTickTime(3500, 1000, 1000)).toBe(4500);
  });

  it('refuses a negative or NaN tolerance with a RangeError naming the option', () => {
    expect(() => new SkipMissedAndDrift({ delayToleranceMs: -1 })).toThrow(RangeError);
    expect(() => new SkipMissedAndDrift({ delayToleranceMs: NaN })).toThrow(/`delayToleranceMs`/);
    expect(() => new SkipMissedAndDrift({ delayToleranceMs: '5' as unknown as number })).toThrow(TypeError);
  });

  it('has a readable toString()', () => {
    expect(String(new SkipMissedAndDrift({ delayToleranceMs: 20 }))).toBe('SkipMissedAndDrift:20ms');
  });
});
