import { checkSignal } from '../internal/abortable';
import { readyOf } from '../internal/wait';
import { PROTOCOL_VERSION } from '../internal/protocol';
import { Receiver, type AbortOptions } from '../Receiver';
import { asyncScheduler, Subscription, type SchedulerLike } from 'rxjs';
import { ReceiverError, ReceiverStoppedError } from '../errors';
import { checkOptions, checkType } from '../internal/validate';
import { PENDING, READY, STOPPED, type PollState } from '../internal/protocol';
import { warn } from '../logger';
import { reportUnhandledError } from '../internal/reportUnhandledError';
import { SkipMissedAndDrift, SkipMissedAndResync, TriggerAllMissed, type MissedTickPolicy } from './missedTickPolicy';

/** Options of {@link Timer}. */
export interface TimerOptions {
  /**
   * What to do when ticks were missed because the consumer or the event loop was late.
   * @defaultValue `new SkipMissedAndDrift()` (no tolerance), the seed's behaviour
   */
  readonly missedTickPolicy?: MissedTickPolicy | undefined;
  /**
   * The RxJS scheduler the timer reads its clock from (`now()`) and waits with (`schedule()`).
   * Pass a `TestScheduler` or `VirtualTimeScheduler` to run the timer in virtual time.
   * @defaultValue `asyncScheduler`
   */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Start timing at construction. When `false`, the timer starts at the first `reset()`,
   * `ready()`, `receive()`, iteration or subscription.
   * @defaultValue `true`
   */
  readonly autoStart?: boolean | undefined;
  /**
   * How long after construction the timing starts: the first tick fires after
   * `startDelayMs + intervalMs`. A finite number from 0 up; only with `autoStart: true`.
   * @defaultValue `0`
   */
  readonly startDelayMs?: number | undefined;
}

/**
 * Options of {@link Timer.timeout} and {@link Timer.once}: those of {@link TimerOptions} but the
 * missed-tick policy, which they choose.
 *
 * @example
 * ```ts
 * const options: TimeoutOptions = { scheduler: testScheduler, autoStart: false };
 * const idle = Timer.timeout(30_000, options);
 * ```
 */
export type TimeoutOptions = Omit<TimerOptions, 'missedTickPolicy'>;

/** Options of {@link Timer.periodic}. */
export interface PeriodicTimerOptions extends TimeoutOptions {
  /**
   * Fire one tick for all the missed ones and resync ({@link SkipMissedAndResync}) instead of
   * firing every missed tick ({@link TriggerAllMissed}).
   * @defaultValue `false`
   */
  readonly skipMissedTicks?: boolean | undefined;
}

/** Options of {@link Timer.reset}. */
export interface TimerResetOptions {
  /**
   * How long from now the timing starts: the next tick fires after `startDelayMs + intervalMs`.
   * A finite number from 0 up.
   * @defaultValue `0`
   */
  readonly startDelayMs?: number | undefined;
}

/**
 * Where a timer is in its life. NOT_STARTED is left once, for RUNNING; then `stop()` moves to
 * HALTED and `reset()` back to RUNNING, as often as the user likes.
 */
const NOT_STARTED = 0;
const RUNNING = 1;
const HALTED = 2;
type Lifecycle = typeof NOT_STARTED | typeof RUNNING | typeof HALTED;

/** The longest delay a JavaScript timer takes as it is: 2^31 - 1 ms, about 24.8 days. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * A receiver that fires every `intervalMs` milliseconds; each message is the `Date` of the
 * scheduler's clock when the tick fired. Every timer repeats, {@link Timer.timeout} too; for one
 * tick and then the end, as Go's `time.After` and tokio's `sleep` give, use {@link Timer.once}.
 *
 * The timer is lazy, like the seed's: a tick fires when someone looks (`ready()`, `receive()`,
 * iteration, a subscriber, `select()`/`Merge`) and its time has come. While someone waits, one
 * action is scheduled on the scheduler for the next tick time; when nobody waits, nothing is.
 * What happens to ticks that came due while nobody looked is the `missedTickPolicy`'s choice.
 *
 * ## Guarantees
 * - **Ordering:** ticks fire in time order and never before their scheduled time; a tick's
 *   `Date` is the scheduler's `now()` when it fired.
 * - **Buffer:** at most one fired tick waits for `consume()`; missed ticks are not buffered but
 *   recomputed by the policy when the timer is next polled.
 * - **When full:** a consumer that is late gets what its policy says: every missed tick
 *   ({@link TriggerAllMissed}), one tick then the old schedule ({@link SkipMissedAndResync}), or
 *   one tick and a schedule moved to it ({@link SkipMissedAndDrift}, the default).
 * - **Closing:** `stop()` (or `close()`) takes effect at once: a pending `ready()` resolves
 *   `false`, subscribers complete, a fired tick not yet consumed is dropped, and `consume()`
 *   throws {@link ReceiverStoppedError}. `reset()` restarts a stopped timer. A
 *   {@link Timer.once} timer also stops, the same way, once its one tick is consumed.
 * - **Cancellation:** an aborted `ready()`/`receive()` takes nothing; the last waiter to leave
 *   cancels the scheduled action, so an idle timer holds no timer handle.
 * - **User code that throws:** a missed-tick policy, or a scheduler whose `now()` or
 *   `schedule()` throws, stops the timer with a {@link ReceiverError} (the thrown error as its
 *   `cause`): the waiting `receive()` rejects with it, or the `consume()` after `ready()` throws it,
 *   once; then the timer is stopped until `reset()`. No call throws it synchronously and no waiter
 *   is left hanging.
 * - **Not guaranteed:** that a tick fires exactly on time: on a real clock, the event loop
 *   decides when the scheduled action runs.
 *
 * @example
 * ```ts
 * const timer = Timer.periodic(1000);
 * for await (const tick of timer) {
 *   console.log(tick.toISOString()); // once a second
 *   if (done()) timer.stop(); // ends the loop
 * }
 * ```
 */
export class Timer extends Receiver<Date> {
  /** The time between two ticks, in milliseconds; for a {@link Timer.once} timer, its delay. */
  readonly intervalMs: number;
  /** What the timer does with missed ticks. */
  readonly missedTickPolicy: MissedTickPolicy;
  /** The clock and the waiting the timer uses. */
  private readonly scheduler: SchedulerLike;
  /** Only moves as the {@link Lifecycle} comment says. */
  private lifecycle: Lifecycle = NOT_STARTED;
  /** When the next tick is due, on the scheduler's clock; meaningful while RUNNING. */
  private nextTickMs = 0;
  /** The tick that fired and waits for `consume()`; cleared by stop() and reset() so no stale tick gets out. */
  private firedTick: Date | undefined;
  /** The error of a missed-tick policy or a scheduler that threw, thrown once by `consume()` in place of a tick. */
  private failure: ReceiverError<Date> | undefined;
  /** The one scheduled action for the next tick, while someone waits; its identity tells a live alarm from a cancelled one. */
  private alarm: Subscription | undefined;
  /** Whether this is a {@link Timer.once} timer: it stops once its tick is consumed. */
  private readonly oneShot: boolean;
  /** Set by {@link Timer.once} around its `new Timer()`, read (and cleared) first thing by the constructor. */
  static #makingOneShot = false;

  /**
   * @param intervalMs - the time between two ticks, a positive finite number of milliseconds
   * @throws RangeError when `intervalMs` is not a positive finite number, `startDelayMs` is
   * negative or not finite, or `startDelayMs` is given with `autoStart: false`.
   * @throws TypeError when an option has the wrong type.
   */
  constructor(intervalMs: number, options: TimerOptions = {}) {
    const oneShot = Timer.#makingOneShot;
    Timer.#makingOneShot = false;
    checkTimerOptions(options);
    const { missedTickPolicy = new SkipMissedAndDrift(), scheduler = asyncScheduler } = options;
    const { autoStart = true, startDelayMs = 0 } = options;
    if (!oneShot) {
      // Timer.once() checked its delay, which may be 0.
      checkInterval(intervalMs);
    }
    checkPolicy(missedTickPolicy);
    checkScheduler(scheduler);
    checkStart(autoStart, checkDelay('startDelayMs', startDelayMs));
    super(PROTOCOL_VERSION);
    this.intervalMs = intervalMs;
    this.missedTickPolicy = missedTickPolicy;
    this.scheduler = scheduler;
    this.oneShot = oneShot;
    if (autoStart) {
      this.restart(startDelayMs);
    }
  }

  /**
   * A timer that fires every `intervalMs` and never drops a tick: a late consumer gets every
   * missed tick ({@link TriggerAllMissed}), or one and a resync with `skipMissedTicks: true`
   * ({@link SkipMissedAndResync}).
   *
   * @example
   * ```ts
   * const ticks = Timer.periodic(1000, { skipMissedTicks: true });
   * ```
   */
  static periodic(intervalMs: number, options: PeriodicTimerOptions = {}): Timer {
    checkTimerOptions(options);
    const { skipMissedTicks = false, ...timerOptions } = options;
    const missedTickPolicy = skipMissedTicks ? new SkipMissedAndResync() : new TriggerAllMissed();
    return new Timer(intervalMs, { ...timerOptions, missedTickPolicy });
  }

  /**
   * A timer for timeouts: it fires `timeoutMs` after the last tick or `reset()`, however late
   * that tick was consumed ({@link SkipMissedAndDrift} with no tolerance).
   *
   * It repeats, as the Python original's does: after a tick is consumed the next one fires
   * `timeoutMs` later, until `stop()`. Go's `time.After` and tokio's `sleep` fire once: for that,
   * use {@link Timer.once}.
   *
   * @example
   * ```ts
   * const idle = Timer.timeout(30_000);
   * // on activity: idle.reset();
   * await idle.receive(); // 30 s without activity
   * ```
   */
  static timeout(timeoutMs: number, options: TimeoutOptions = {}): Timer {
    checkTimerOptions(options);
    const missedTickPolicy = new SkipMissedAndDrift({ delayToleranceMs: 0 });
    return new Timer(timeoutMs, { ...options, missedTickPolicy });
  }

  /**
   * A one-shot timer: it delivers one tick `delayMs` after it starts, then stops (`ready()`
   * resolves `false`, a `for await` loop ends, subscribers complete), as Go's `time.After` and
   * tokio's `sleep` do. It runs on the scheduler like every Timer, so in virtual time too.
   *
   * - **Stops** once its tick is consumed; `stop()` before that drops the tick, as on any timer.
   * - **`reset()`** re-arms it, whether it is pending, fired or stopped: one tick `delayMs` (plus
   *   the reset's `startDelayMs`) from now, a tick fired but not consumed being dropped, as with
   *   tokio's `Sleep::reset` and Go's `Timer.Reset`.
   * - **A delay of 0** fires at the first look (`ready()`, a subscriber): with a scheduler that
   *   runs delay-0 actions at once (`queueScheduler`), in the same call.
   *
   * @param delayMs - how long after the start the tick fires: a finite number of milliseconds,
   * from 0 up.
   * @throws RangeError when `delayMs` is negative or not finite, or for the options, as
   * {@link Timer} does.
   * @throws TypeError when `delayMs` is not a number, or an option has the wrong type.
   *
   * @example
   * ```ts
   * const deadline = Timer.once(5_000);
   * for await (const selected of select(replies, deadline)) {
   *   if (selectedFrom(selected, deadline)) break; // 5 s passed
   *   // ...
   * }
   * deadline.stop(); // when the loop ended otherwise; idempotent
   * ```
   */
  static once(delayMs: number, options: TimeoutOptions = {}): Timer {
    checkTimerOptions(options);
    checkDelay('delayMs', delayMs);
    Timer.#makingOneShot = true;
    try {
      return new Timer(delayMs, { ...options, missedTickPolicy: new SkipMissedAndDrift() });
    } finally {
      // Cleared by the constructor already, unless it threw before reading it.
      Timer.#makingOneShot = false;
    }
  }

  /** Whether the timer is started and not stopped. */
  get isRunning(): boolean {
    return this.lifecycle === RUNNING;
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * The `Date` of the tick that `ready()` announced.
   *
   * @throws {@link ReceiverStoppedError} when the timer was stopped.
   * @throws {@link ReceiverError} when no tick has fired since the last consume, or `reset()`
   * dropped it.
   */
  consume(): Date {
    const tick = this.firedTick;
    if (tick !== undefined) {
      this.firedTick = undefined;
      if (this.oneShot) {
        // Its one tick is taken: it stops, and those still waiting (a concurrent ready()) are told.
        this.halt();
        this._wake();
      } else {
        // Someone may still wait (a concurrent ready()): the next tick needs its alarm.
        this.armAlarm();
      }
      return tick;
    }
    const failure = this.failure;
    if (failure !== undefined) {
      // Thrown once: afterwards the timer is simply stopped, until reset().
      this.failure = undefined;
      throw failure;
    }
    if (this.lifecycle === HALTED) {
      throw new ReceiverStoppedError(this);
    }
    throw this._notReady();
  }

  /**
   * Restarts timing from now: the next tick fires `startDelayMs + intervalMs` from now. It
   * starts a timer that was not started and restarts a stopped one. A tick that fired but was
   * not consumed is dropped, and a pending `ready()` now waits for the new tick time.
   *
   * @throws RangeError when `startDelayMs` is negative or not finite.
   */
  reset(options: TimerResetOptions = {}): void {
    checkOptions('options', options);
    const { startDelayMs = 0 } = options;
    this.restart(checkDelay('startDelayMs', startDelayMs));
  }

  /**
   * Stops the timer at once, before it returns: a pending `ready()` resolves `false`,
   * subscribers complete, a fired tick not yet consumed is dropped, and the scheduled action is
   * cancelled. It returns nothing to wait for (as the Python original's `stop()`). Idempotent;
   * `reset()` starts it again.
   */
  stop(): void {
    this.failure = undefined;
    this.halt();
    this._wake();
  }

  /** The same as `stop()`. */
  override close(): void {
    this.stop();
  }

  override toString(): string {
    return `Timer:${this.intervalMs}ms`;
  }

  /** @internal */
  override _poll(): PollState {
    if (this.firedTick !== undefined || this.failure !== undefined) {
      return READY;
    }
    if (this.lifecycle === NOT_STARTED) {
      this.restart(0);
    }
    if (this.lifecycle === HALTED) {
      return STOPPED;
    }
    const nowMs = this.readClock();
    if (nowMs === undefined) {
      return READY;
    }
    if (nowMs < this.nextTickMs) {
      return PENDING;
    }
    this.fire(nowMs);
    // Those already waiting on this timer are told now, first come first served: a waiting
    // receive() takes the tick, concurrent ready() calls all resolve. Their alarm may not come
    // again while the tick is held. The poller then sees what is left: READY if the tick is
    // still there, else PENDING, and it waits for the next tick like the others did.
    this._wake();
    return this.firedTick !== undefined || this.failure !== undefined ? READY : PENDING;
  }

  /** @internal */
  override _parked(): boolean {
    this.armAlarm();
    return true;
  }

  /** @internal */
  protected override _idle(): void {
    this.cancelAlarm();
  }

  /** Fires the tick due now and computes the next; a policy that throws stops the timer with its error. */
  private fire(nowMs: number): void {
    if (this.oneShot) {
      // No next tick: consume() stops the timer.
      this.firedTick = new Date(nowMs);
      this.nextTickMs = Infinity;
      return;
    }
    let nextTickMs: number;
    try {
      nextTickMs = this.nextTickAfter(nowMs, this.nextTickMs);
    } catch (error) {
      this.stopWith(`${String(this)}: ${String(this.missedTickPolicy)}.nextTickTime() threw; the timer stopped`, error);
      return;
    }
    this.firedTick = new Date(nowMs);
    this.nextTickMs = nextTickMs;
  }

  private restart(startDelayMs: number): void {
    this.lifecycle = RUNNING;
    this.firedTick = undefined;
    this.failure = undefined;
    const nowMs = this.readClock();
    if (nowMs === undefined) {
      return;
    }
    // A one-shot tick may be due at once (delay 0); a repeating one must lie ahead (see after()).
    this.nextTickMs = this.oneShot
      ? nowMs + startDelayMs + this.intervalMs
      : after(nowMs, startDelayMs + this.intervalMs);
    // The pending alarm was for the old tick time: wait for the new one instead.
    this.cancelAlarm();
    this.armAlarm();
  }

  /**
   * The policy's next tick time. A policy written by a user that does not move forward would
   * make every poll fire a tick, forever: it is warned about and replaced by a drift.
   */
  private nextTickAfter(nowMs: number, scheduledTickMs: number): number {
    const nextTickMs = this.missedTickPolicy.nextTickTime(nowMs, scheduledTickMs, this.intervalMs);
    if (nextTickMs > scheduledTickMs && Number.isFinite(nextTickMs)) {
      return nextTickMs;
    }
    warn(
      `${String(this)}: ${String(this.missedTickPolicy)}.nextTickTime() returned ${nextTickMs}, not a time after ${scheduledTickMs}; drifting instead`,
    );
    return after(nowMs, this.intervalMs);
  }

  /** Schedules the one action for the next tick, if someone waits for a tick that has not fired. */
  private armAlarm(): void {
    if (this.alarm !== undefined || !this._waited || this.lifecycle !== RUNNING || this.firedTick !== undefined) {
      return;
    }
    const alarm = new Subscription();
    try {
      // Past 2^31 - 1 ms, setTimeout fires at once (Node warns and uses 1 ms): wait at most that
      // long, and onAlarm() waits again for the rest.
      const delayMs = Math.min(MAX_DELAY_MS, Math.max(0, this.nextTickMs - this.scheduler.now()));
      // The alarm is set before schedule() returns, so a scheduler that runs the action at once
      // (queueScheduler) still finds it live in onAlarm().
      this.alarm = alarm;
      alarm.add(this.scheduler.schedule(() => this.onAlarm(alarm), delayMs));
    } catch (error) {
      // A scheduler written by a user threw. Arming runs inside a wait's registration, which
      // must not throw (lib/internal/protocol.ts): the waiters get the error from consume().
      this.schedulerThrew(error);
    }
  }

  /** Stops the timer with an error that the next `consume()` throws once (then it is simply stopped). */
  private stopWith(message: string, cause: unknown): void {
    this.failure = new ReceiverError(message, this, { cause });
    this.halt();
  }

  private halt(): void {
    this.lifecycle = HALTED;
    this.firedTick = undefined;
    this.cancelAlarm();
  }

  private cancelAlarm(): void {
    const alarm = this.alarm;
    this.alarm = undefined;
    try {
      alarm?.unsubscribe();
    } catch (error) {
      // A scheduler written by a user whose action's teardown threw: cancelling runs when the
      // last waiter leaves (a wake, an abort), which must not throw. Reported as RxJS reports it.
      reportUnhandledError(error);
    }
  }

  /** Runs in the scheduled action: wakes the waiters synchronously, so subscribers see the tick in this frame. */
  private onAlarm(alarm: Subscription): void {
    if (this.alarm !== alarm) {
      return;
    }
    this.alarm = undefined;
    if (this.lifecycle === RUNNING && this.firedTick === undefined) {
      const nowMs = this.readClock();
      if (nowMs !== undefined && nowMs < this.nextTickMs) {
        // A real clock can run a timer callback a little early: wait for the rest.
        this.armAlarm();
        return;
      }
    }
    this._wake();
  }

  /**
   * The scheduler's `now()`; `undefined` when a scheduler written by a user threw, which stops
   * the timer with that error (a poll never throws, lib/internal/protocol.ts) and tells the
   * waiters, one of which gets it from `consume()`.
   */
  private readClock(): number | undefined {
    try {
      return this.scheduler.now();
    } catch (error) {
      this.schedulerThrew(error);
      return undefined;
    }
  }

  /** A scheduler written by a user threw: the timer stops with its error, and the waiters are told. */
  private schedulerThrew(error: unknown): void {
    this.stopWith(`${String(this)}: its scheduler threw; the timer stopped`, error);
    this._wake();
  }
}

/**
 * `timeMs + delayMs`, but always later than `timeMs`: on a large clock (`Date.now()` scale) a
 * tiny interval such as `1e-4` would add nothing, and every poll would fire a tick.
 */
function after(timeMs: number, delayMs: number): number {
  const later = timeMs + delayMs;
  return later > timeMs ? later : timeMs + Math.abs(timeMs) * Number.EPSILON + Number.MIN_VALUE;
}

/**
 * An options object, and not a policy in its place: the seed's `Timer(interval, policy)` ported
 * as `new Timer(ms, policy)` would otherwise run with the default policy without a word.
 */
function checkTimerOptions(options: unknown): void {
  checkOptions('options', options);
  if (typeof (options as Partial<MissedTickPolicy> | undefined)?.nextTickTime === 'function') {
    throw new TypeError('Expected `options` to be an options object, got a policy: pass it as `{ missedTickPolicy }`');
  }
}

function checkInterval(intervalMs: unknown): void {
  checkType('intervalMs', intervalMs, 'number');
  if (!(intervalMs > 0 && Number.isFinite(intervalMs))) {
    throw new RangeError(`Expected \`intervalMs\` to be a positive finite number, got ${intervalMs}`);
  }
}

function checkDelay(name: string, delayMs: unknown): number {
  checkType(name, delayMs, 'number');
  if (!(delayMs >= 0 && Number.isFinite(delayMs))) {
    throw new RangeError(`Expected \`${name}\` to be a finite number from 0 up, got ${delayMs}`);
  }
  return delayMs;
}

function checkStart(autoStart: unknown, startDelayMs: number): void {
  checkType('autoStart', autoStart, 'boolean');
  if (!autoStart && startDelayMs > 0) {
    throw new RangeError('`startDelayMs` can only be given with `autoStart: true`');
  }
}

function checkPolicy(policy: unknown): void {
  if (typeof (policy as Partial<MissedTickPolicy> | null)?.nextTickTime !== 'function') {
    throw new TypeError('Expected `missedTickPolicy` to be a MissedTickPolicy');
  }
}

function checkScheduler(scheduler: unknown): void {
  const candidate = scheduler as Partial<SchedulerLike> | null;
  if (typeof candidate?.now !== 'function' || typeof candidate.schedule !== 'function') {
    throw new TypeError('Expected `scheduler` to be an RxJS SchedulerLike');
  }
}
