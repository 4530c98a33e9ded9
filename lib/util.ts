/**
 * `rx-channels/util`: the utilities (the seed's `util` module). They are exported from the
 * package root too.
 *
 * @packageDocumentation
 */
export { fromObservable } from './util/fromObservable';
export type { BufferOverflow, FromObservableOptions, ObservableReceiver } from './util/fromObservable';
export { forEachConcurrent } from './util/forEachConcurrent';
export type { ForEachConcurrentOptions, JobContext } from './util/forEachConcurrent';
export { toChannel } from './util/toChannel';
export type { ToChannelOptions } from './util/toChannel';
export { Event } from './util/Event';
export type { EventOptions } from './util/Event';
export { NopReceiver } from './util/NopReceiver';
export type { NopReceiverOptions } from './util/NopReceiver';
export { withPrevious } from './util/withPrevious';
export type { WithPreviousOptions } from './util/withPrevious';
export { MissedTickPolicy, SkipMissedAndDrift, SkipMissedAndResync, TriggerAllMissed } from './util/missedTickPolicy';
export type { SkipMissedAndDriftOptions } from './util/missedTickPolicy';
export { Timer } from './util/Timer';
export type { PeriodicTimerOptions, TimeoutOptions, TimerOptions, TimerResetOptions } from './util/Timer';
export { Merge, merge } from './util/Merge';
export type { MessageOf } from './util/Merge';
export { MergeNamed } from './util/MergeNamed';
export type { NamedMessage, NamedReceivers } from './util/MergeNamed';
export { Pipe } from './util/Pipe';
export { RelaySender } from './util/RelaySender';
export { oneshot, OneshotSender } from './util/oneshot';
export type { OneshotOptions, OneshotReceiver } from './util/oneshot';
export { LatestValueCache } from './util/LatestValueCache';
export type { LatestValueCacheOptions } from './util/LatestValueCache';
export { GroupingLatestValueCache } from './util/GroupingLatestValueCache';
export { Select } from './util/Select';
export type { SelectConstructor, SelectedByName, SelectMethods, SelectReservedName } from './util/Select';
export { Selected } from './util/Selected';
export type {
  SelectedBase,
  SelectedConstructor,
  SelectedFailure,
  SelectedMessage,
  SelectedStop,
} from './util/Selected';
export { select, selectedFrom, SelectError, UnhandledSelectedError } from './util/selectLoop';
export type { SelectedFrom, SelectLoop } from './util/selectLoop';
