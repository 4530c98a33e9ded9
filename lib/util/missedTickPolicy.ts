import { checkOptions, checkType } from '../internal/validate';

/**
 * What a {@link Timer} does when it notices that ticks were missed: its consumer was late, or
 * the event loop was blocked past one or more tick times. Each policy is pure arithmetic over
 * times in milliseconds, with no clock and no timers, so it can be tested on its own.
 *
 * Write a policy of your own by extending this class. `nextTickTime()` is only called when a
 * tick is due (`nowMs >= scheduledTickMs`) and must return a finite time later than
 * `scheduledTickMs`, or the timer would never move on.
 *
 * @example
 * ```ts
 * const policy: MissedTickPolicy = new SkipMissedAndResync();
 * console.log(policy.nextTickTime(3500, 1000, 1000)); // Logs: 4000
 * ```
 */
export abstract class MissedTickPolicy {
  /**
   * The time of the tick after the one that is firing now.
   *
   * @param nowMs - the scheduler's clock now, when the tick fires (at or after `scheduledTickMs`)
   * @param scheduledTickMs - the time the firing tick was scheduled for
   * @param intervalMs - the timer's interval
   */
  abstract nextTickTime(nowMs: number, scheduledTickMs: number, intervalMs: number): number;

  /** The policy's class name, used in warnings. */
  toString(): string {
    return this.constructor.name;
  }
}

/**
 * Fires every missed tick, one right after the other, until the timer has caught up; the
 * schedule never shifts. `Timer.periodic()` uses it.
 *
 * For interval 1000 ms and a consumer that comes back at 3500 ms, the ticks scheduled for 1000,
 * 2000 and 3000 all fire at 3500, and the next one at 4000.
 *
 * @example
 * ```ts
 * const policy = new TriggerAllMissed();
 * console.log(policy.nextTickTime(3500, 1000, 1000)); // Logs: 2000
 * ```
 */
export class TriggerAllMissed extends MissedTickPolicy {
  override nextTickTime(_nowMs: number, scheduledTickMs: number, intervalMs: number): number {
    return scheduledTickMs + intervalMs;
  }

  override toString(): string {
    return 'TriggerAllMissed';
  }
}

/**
 * Fires one tick for all the missed ones, then goes back to the original schedule: the next
 * tick is the first time of that schedule that is still in the future.
 * `Timer.periodic(ms, { skipMissedTicks: true })` uses it.
 *
 * For interval 1000 ms and a consumer that comes back at 3500 ms, one tick fires at 3500 and
 * the next at 4000.
 *
 * @example
 * ```ts
 * const policy = new SkipMissedAndResync();
 * console.log(policy.nextTickTime(3500, 1000, 1000)); // Logs: 4000
 * ```
 */
export class SkipMissedAndResync extends MissedTickPolicy {
  override nextTickTime(nowMs: number, scheduledTickMs: number, intervalMs: number): number {
    const driftMs = nowMs - scheduledTickMs;
    return nowMs + (intervalMs - (driftMs % intervalMs));
  }

  override toString(): string {
    return 'SkipMissedAndResync';
  }
}

/** Options of {@link SkipMissedAndDrift}. */
export interface SkipMissedAndDriftOptions {
  /**
   * How late a tick may fire and still keep the schedule. Up to this delay the timer behaves as
   * {@link TriggerAllMissed}; past it, the schedule restarts from the late tick. A number from
   * 0 up (`Infinity` never drifts).
   * @defaultValue `0`
   */
  readonly delayToleranceMs?: number | undefined;
}

/**
 * Fires one tick for all the missed ones and restarts the schedule from it, so the timer
 * drifts by the delay; delays up to `delayToleranceMs` are not drifted. This is the seed's
 * behaviour and the default policy of `new Timer()`; `Timer.timeout()` uses it with no
 * tolerance.
 *
 * For interval 1000 ms and a consumer that comes back at 3500 ms, one tick fires at 3500 and
 * the next at 4500.
 *
 * @example
 * ```ts
 * const policy = new SkipMissedAndDrift({ delayToleranceMs: 100 });
 * console.log(policy.nextTickTime(1050, 1000, 1000)); // Logs: 2000 (within tolerance)
 * console.log(policy.nextTickTime(1500, 1000, 1000)); // Logs: 2500 (drifts)
 * ```
 */
export class SkipMissedAndDrift extends MissedTickPolicy {
  /** How late a tick may fire and still keep the schedule. */
  readonly delayToleranceMs: number;

  /** @throws RangeError when `delayToleranceMs` is negative or `NaN`. */
  constructor(options: SkipMissedAndDriftOptions = {}) {
    super();
    checkOptions('options', options);
    const { delayToleranceMs = 0 } = options;
    checkType('delayToleranceMs', delayToleranceMs, 'number');
    if (!(delayToleranceMs >= 0)) {
      throw new RangeError(`Expected \`delayToleranceMs\` to be a number from 0 up, got ${delayToleranceMs}`);
    }
    this.delayToleranceMs = delayToleranceMs;
  }

  override nextTickTime(nowMs: number, scheduledTickMs: number, intervalMs: number): number {
    const driftMs = nowMs - scheduledTickMs;
    return driftMs > this.delayToleranceMs ? nowMs + intervalMs : scheduledTickMs + intervalMs;
  }

  override toString(): string {
    return `SkipMissedAndDrift:${this.delayToleranceMs}ms`;
  }
}
