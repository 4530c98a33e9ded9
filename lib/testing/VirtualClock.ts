import { checkType } from '../internal/validate';
import { VirtualTimeScheduler } from 'rxjs';
import { ChannelsError } from '../errors';
import { nextTurn } from './nextTurn';

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * The scheduler to drive. Give it to every Timer (and RxJS operator) of the code under test.
   * @defaultValue a new `VirtualTimeScheduler`, starting at time 0
   */
  readonly scheduler?: VirtualTimeScheduler | undefined;
}

/** Options of {@link VirtualClock.runUntil}. */
export interface RunUntilOptions {
  /**
   * Give up once virtual time would pass this many milliseconds from now: the clock stops
   * there and `runUntil()` rejects with a `ChannelsError`. A number from 0 and up.
   * @defaultValue `Infinity`
   */
  readonly timeoutMs?: number | undefined;
}

/**
 * Virtual time for code written with `await`: drives a `VirtualTimeScheduler` one scheduled
 * action at a time and lets every pending promise callback run between two actions.
 *
 * `TestScheduler.run()` flushes all its actions in one synchronous loop, so an `async` loop
 * that awaits `receive()` only gets to run after the whole flush; with a VirtualClock it runs
 * after each action, as it would in real time, only without the waiting.
 *
 * ## Guarantees
 * - **Ordering:** actions run in the scheduler's order (time, then scheduling order), each with
 *   `scheduler.now()` set to its due time; between two of them every queued promise callback
 *   (and the ones those queue) has run: one macrotask turn, through the real `setImmediate`
 *   captured when this module loaded (so it works under Jest fake timers), else a
 *   `MessageChannel`, else `setTimeout(0)`.
 * - **Errors:** an action that throws makes `advanceBy()` / `advanceTo()` / `runUntil()` reject
 *   with that error; the actions after it stay scheduled.
 * - **Not guaranteed:** code that waits on real time (a `setTimeout` of its own, I/O) does not
 *   advance with the clock; give everything timed the clock's `scheduler`.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const timer = Timer.periodic(1000, { scheduler: clock.scheduler });
 * let ticks = 0;
 * const loop = (async () => { for await (const _ of timer) if (++ticks === 3600) timer.stop(); })();
 * await clock.runUntil(loop); // an hour of ticks, in milliseconds of real time
 * console.log(ticks, clock.now()); // Logs: 3600 3600000
 * ```
 */
export class VirtualClock {
  /** The scheduler this clock drives. */
  readonly scheduler: VirtualTimeScheduler;

  constructor(options: VirtualClockOptions = {}) {
    const { scheduler = new VirtualTimeScheduler() } = options;
    if (!(scheduler instanceof VirtualTimeScheduler)) {
      throw new TypeError('Expected `scheduler` to be a VirtualTimeScheduler');
    }
    this.scheduler = scheduler;
  }

  /** The virtual time, in milliseconds: `scheduler.now()`. */
  now(): number {
    return this.scheduler.now();
  }

  /** How many actions are scheduled and not yet run. */
  get pendingActions(): number {
    return this.scheduler.actions.length;
  }

  /**
   * Moves the clock `ms` milliseconds forward, running every action due by then, one at a time,
   * with promise callbacks in between; ends with the clock at exactly `now() + ms`.
   *
   * @throws RangeError when `ms` is negative or not a finite number.
   */
  advanceBy(ms: number): Promise<void> {
    try {
      checkDuration('ms', ms, false);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.advanceTo(this.now() + ms);
  }

  /**
   * Moves the clock to `time` (milliseconds, not before `now()`), running every action due by
   * then, one at a time, with promise callbacks in between.
   *
   * @throws RangeError when `time` is before `now()` or not a finite number.
   */
  advanceTo(time: number): Promise<void> {
    try {
      checkDuration('time', time, false);
      if (time < this.now()) {
        throw new RangeError(`Expected \`time\` to be ${this.now()} (now) or later, got ${time}`);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    // Promise chains in all of lib/: zone.js cannot see the continuation of a native `await`.
    const step = (): Promise<void> =>
      nextTurn().then(() => {
        if (this.runNextDueBy(time)) {
          return step();
        }
        this.scheduler.frame = time;
        return undefined;
      });
    return step();
  }

  /**
   * Runs actions one at a time, with promise callbacks in between, until `promise` settles;
   * then settles like it. The clock stays at the time of the last action run.
   *
   * @throws `ChannelsError` when `promise` is still pending and nothing is scheduled (it
   * would never settle), or when `timeoutMs` of virtual time went by.
   */
  runUntil<T>(promise: PromiseLike<T>, options: RunUntilOptions = {}): Promise<T> {
    let timeoutMs: number;
    try {
      ({ timeoutMs = Infinity } = options);
      checkDuration('timeoutMs', timeoutMs, true);
    } catch (error) {
      return Promise.reject(error);
    }
    const deadline = this.now() + timeoutMs;
    let settled = false;
    const settledPromise = Promise.resolve(promise).finally(() => {
      settled = true;
    });
    // Marked as handled here; the caller sees the rejection through the returned promise.
    settledPromise.catch(() => undefined);
    const step = (): Promise<T> =>
      nextTurn().then(() => {
        if (settled) {
          return settledPromise;
        }
        this.runNextBefore(deadline, timeoutMs);
        return step();
      });
    return step();
  }

  /** Runs the next action if it is due by `time`; returns whether it ran one. */
  private runNextDueBy(time: number): boolean {
    const next = this.scheduler.actions[0];
    if (next === undefined || next.delay > time) {
      return false;
    }
    this.runNext();
    return true;
  }

  /** Runs the next action for `runUntil()`, or throws why it cannot. */
  private runNextBefore(deadline: number, timeoutMs: number): void {
    if (this.runNextDueBy(deadline)) {
      return;
    }
    if (this.scheduler.actions.length === 0) {
      throw new ChannelsError(
        'runUntil(): the promise is still pending and nothing is scheduled, so it would never settle',
      );
    }
    this.scheduler.frame = deadline;
    throw new ChannelsError(`runUntil(): the promise was still pending after ${timeoutMs} ms of virtual time`);
  }

  /** What `VirtualTimeScheduler.flush()` does for one action: shift it, set the frame, run it. */
  private runNext(): void {
    const action = this.scheduler.actions.shift();
    if (action === undefined) {
      return;
    }
    this.scheduler.frame = action.delay;
    const error: unknown = action.execute(action.state, action.delay);
    if (error !== undefined && error !== false) {
      // Rethrown as it was thrown by the action, Error or not, as VirtualTimeScheduler.flush() does.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw error;
    }
  }
}

function checkDuration(name: string, value: unknown, allowInfinity: boolean): void {
  checkType(name, value, 'number');
  const valid = Number.isFinite(value) || (allowInfinity && value === Infinity);
  if (!valid || value < 0) {
    throw new RangeError(`Expected \`${name}\` to be a finite number from 0 and up, got ${value}`);
  }
}
