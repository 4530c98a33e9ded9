/**
 * Every public options type takes an explicit `undefined` for each optional field, so that code
 * compiled with `exactOptionalPropertyTypes: true` can forward a value that may be missing
 * (`{ signal: options.signal }`). This file is type-checked twice: with the project's tsconfig
 * (by ts-jest and `tsc -p tsconfig.json`) and with `spec/types/tsconfig.exact.json`, which turns
 * `exactOptionalPropertyTypes` on (`npm run typecheck` runs both).
 */
import {
  Anycast,
  Broadcast,
  Event,
  fromObservable,
  LatestValueCache,
  type Receiver,
  SkipMissedAndDrift,
  Timer,
  toChannel,
  type AbortOptions,
  type AnycastOptions,
  type BidirectionalOptions,
  type BroadcastOptions,
  type BroadcastReceiverOptions,
  type ChannelsErrorOptions,
  type EventOptions,
  type FromObservableOptions,
  type LatestValueCacheOptions,
  type PeriodicTimerOptions,
  type SenderObserverOptions,
  type SkipMissedAndDriftOptions,
  type TimerOptions,
  type TimerResetOptions,
  type ToChannelOptions,
} from 'rx-channels';
import type { FileWatcherOptions } from 'rx-channels/file-watcher';
import type { RunUntilOptions, VirtualClockOptions } from 'rx-channels/testing';
import { of } from 'rxjs';

/** A value that may be missing, as a caller forwarding its own optional options has. */
function maybe<T>(): T | undefined {
  return undefined;
}

// Each object literal below must compile under exactOptionalPropertyTypes.
const abort: AbortOptions = { signal: maybe<AbortSignal>() };
const anycast: AnycastOptions = { name: maybe<string>(), maxsize: maybe<number>() };
const bidirectional: BidirectionalOptions = { maxsize: maybe<number>(), warnOnOverflow: maybe<boolean>() };
const broadcast: BroadcastOptions = { resendLatest: maybe<boolean>() };
const broadcastReceiver: BroadcastReceiverOptions = {
  name: maybe<string>(),
  maxsize: maybe<number>(),
  warnOnOverflow: maybe<boolean>(),
};
const errorOptions: ChannelsErrorOptions = { cause: maybe<Error>() };
const event: EventOptions = { name: maybe<string>() };
const fromObs: FromObservableOptions = {
  name: maybe<string>(),
  maxsize: maybe<number>(),
  overflow: maybe<'error'>(),
};
const timer: TimerOptions = {
  missedTickPolicy: maybe<SkipMissedAndDrift>(),
  scheduler: maybe<TimerOptions['scheduler'] & object>(),
  autoStart: maybe<boolean>(),
  startDelayMs: maybe<number>(),
};
const periodic: PeriodicTimerOptions = { skipMissedTicks: maybe<boolean>(), autoStart: maybe<boolean>() };
const reset: TimerResetOptions = { startDelayMs: maybe<number>() };
const drift: SkipMissedAndDriftOptions = { delayToleranceMs: maybe<number>() };
const observer: SenderObserverOptions = { closeOnComplete: maybe<boolean>(), closeOnError: maybe<boolean>() };
const operator: ToChannelOptions = { maxPending: maybe<number>(), closeOnComplete: maybe<boolean>() };
const watcher: FileWatcherOptions = { paths: ['.'], eventTypes: maybe<['create']>() };
const clock: VirtualClockOptions = { scheduler: maybe<VirtualClockOptions['scheduler'] & object>() };
const runUntil: RunUntilOptions = { timeoutMs: maybe<number>() };
const cacheOptions: LatestValueCacheOptions = { uniqueId: maybe<string>() };

/** Forwarding a caller's optional signal, the case the option is for. */
function forward(receiver: Receiver<number>, options: AbortOptions = {}): Promise<number> {
  return receiver.receive({ signal: options.signal });
}

describe('options under exactOptionalPropertyTypes', () => {
  it('take an explicit undefined for every optional field, as their defaults', async () => {
    const channel = new Anycast<number>({ name: undefined, maxsize: undefined });
    expect(channel.maxsize).toBe(10);
    await channel.newSender().send(1, { signal: undefined });
    expect(await forward(channel.newReceiver())).toBe(1);
    const receiver = new Broadcast<number>('b', { resendLatest: undefined }).newReceiver({
      name: undefined,
      maxsize: undefined,
      warnOnOverflow: undefined,
    });
    expect(receiver.size).toBe(0);
    const ticks = Timer.periodic(10, { skipMissedTicks: undefined, autoStart: false, scheduler: undefined });
    ticks.reset({ startDelayMs: undefined });
    ticks.stop();
    new Event({ name: undefined }).stop();
    await new LatestValueCache(channel.newReceiver(), { uniqueId: undefined }).stop();
    expect(new SkipMissedAndDrift({ delayToleranceMs: undefined }).delayToleranceMs).toBe(0);
    fromObservable(of(1), { name: undefined, maxsize: undefined, overflow: undefined }).close();
    of(1).pipe(toChannel(channel.newSender(), { maxPending: undefined }));
    const values = [abort, anycast, broadcast, broadcastReceiver, errorOptions, event, fromObs, timer];
    const more = [periodic, reset, drift, observer, operator, watcher, clock, runUntil, bidirectional, cacheOptions];
    expect(values.length + more.length).toBe(18);
  });
});
