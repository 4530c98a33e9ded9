/**
 * Timer under virtual time against a model of each missed-tick policy: a consumer that comes
 * back after random delays (shorter and longer than the interval), resets and stops at random
 * points, and must see exactly the tick times the model predicts. The models are written from
 * the policies' definitions, not from their code.
 */
import fc from 'fast-check';
import { ReceiverStoppedError } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import {
  SkipMissedAndDrift,
  SkipMissedAndResync,
  Timer,
  TriggerAllMissed,
  type MissedTickPolicy,
} from 'rx-channels/util';
import { reasonOf } from '../helpers/async';
import { propertyParameters, propertyTimeout } from '../helpers/properties';

/** A policy and its model: the next tick time after a tick scheduled at `scheduled` fired at `now`. */
interface PolicyCase {
  readonly label: string;
  readonly policy: MissedTickPolicy;
  next(now: number, scheduled: number, interval: number): number;
}

const policyCase: fc.Arbitrary<PolicyCase> = fc.oneof(
  fc.constant<PolicyCase>({
    label: 'TriggerAllMissed',
    policy: new TriggerAllMissed(),
    // Every missed tick fires: the schedule never moves.
    next: (_now, scheduled, interval) => scheduled + interval,
  }),
  fc.constant<PolicyCase>({
    label: 'SkipMissedAndResync',
    policy: new SkipMissedAndResync(),
    // One tick for all missed ones, then the first time of the original schedule after now.
    next: (now, scheduled, interval) => {
      let next = scheduled + interval;
      while (next <= now) {
        next += interval;
      }
      return next;
    },
  }),
  fc.nat(40).map<PolicyCase>((tolerance) => ({
    label: `SkipMissedAndDrift(${tolerance})`,
    policy: new SkipMissedAndDrift({ delayToleranceMs: tolerance }),
    // Late by more than the tolerance: restart the schedule from now.
    next: (now, scheduled, interval) => (now - scheduled > tolerance ? now + interval : scheduled + interval),
  })),
);

type Step = {
  readonly kind: 'receive' | 'reset' | 'stop' | 'resetWhileWaiting' | 'stopWhileWaiting';
  readonly delay: number;
};

const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom<Step['kind']>(
    'receive',
    'receive',
    'receive',
    'receive',
    'reset',
    'stop',
    'resetWhileWaiting',
    'stopWhileWaiting',
  ),
  delay: fc.nat(70),
});

/** The model: when the next tick is due, and whether the timer runs. */
interface TimerModel {
  nextTick: number;
  running: boolean;
}

/**
 * One `receive()`: a tick that is due fires at once, at the consumer's time; otherwise the timer
 * waits until the tick time. Returns the expected tick time.
 */
function expectedTick(model: TimerModel, now: number, interval: number, policy: PolicyCase): number {
  const firedAt = Math.max(now, model.nextTick);
  model.nextTick = policy.next(firedAt, model.nextTick, interval);
  return firedAt;
}

describe('Timer (model)', () => {
  const runs = 300;

  it(
    'ticks exactly when the model of its missed-tick policy says, for any consumer delays, resets and stops',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 30 }),
          policyCase,
          fc.array(step, { minLength: 1, maxLength: 25 }),
          async (interval, policy, steps) => {
            const clock = new VirtualClock();
            const timer = new Timer(interval, { scheduler: clock.scheduler, missedTickPolicy: policy.policy });
            const model: TimerModel = { nextTick: interval, running: true };
            try {
              for (const { kind, delay } of steps) {
                if (kind === 'resetWhileWaiting' || kind === 'stopWhileWaiting') {
                  await interruptWait(clock, timer, model, kind, delay, interval);
                } else {
                  await clock.advanceBy(delay);
                  await applyStep(clock, timer, model, kind, interval, policy);
                }
              }
            } finally {
              timer.stop();
            }
            // Nothing is left scheduled once the timer is stopped.
            expect(clock.pendingActions).toBe(0);
          },
        ),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );
});

async function applyStep(
  clock: VirtualClock,
  timer: Timer,
  model: TimerModel,
  kind: Step['kind'],
  interval: number,
  policy: PolicyCase,
): Promise<void> {
  const now = clock.now();
  if (kind === 'reset') {
    timer.reset();
    model.running = true;
    model.nextTick = now + interval;
  } else if (kind === 'stop') {
    timer.stop();
    model.running = false;
  } else if (model.running) {
    const expected = expectedTick(model, now, interval, policy);
    const tick = await clock.runUntil(timer.receive());
    expect({ tick: tick.getTime(), clock: clock.now() }).toEqual({ tick: expected, clock: expected });
  } else {
    expect(await reasonOf(timer.receive())).toBeInstanceOf(ReceiverStoppedError);
    expect(clock.pendingActions).toBe(0);
  }
}

/**
 * A `receive()` that waits, interrupted by `reset()` or `stop()` before its tick is due: a reset
 * makes it wait for the new tick time, a stop rejects it; no stale tick gets out.
 */
async function interruptWait(
  clock: VirtualClock,
  timer: Timer,
  model: TimerModel,
  kind: 'resetWhileWaiting' | 'stopWhileWaiting',
  delay: number,
  interval: number,
): Promise<void> {
  const now = clock.now();
  if (!model.running || model.nextTick <= now + 1) {
    return;
  }
  const pending = timer.receive();
  await clock.advanceBy(Math.min(delay, model.nextTick - now - 1));
  if (kind === 'resetWhileWaiting') {
    timer.reset();
    model.nextTick = clock.now() + interval;
    const tick = await clock.runUntil(pending);
    expect({ tick: tick.getTime(), clock: clock.now() }).toEqual({ tick: model.nextTick, clock: model.nextTick });
    model.nextTick += interval;
  } else {
    timer.stop();
    model.running = false;
    expect(await reasonOf(pending)).toBeInstanceOf(ReceiverStoppedError);
    expect(clock.pendingActions).toBe(0);
  }
}
