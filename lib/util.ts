/**
 * `rx-channels/util`: the utilities (the seed's `util` module). They are exported from the
 * package root too.
 *
 * @packageDocumentation
 */
export { fromObservable } from './util/fromObservable';
export type { BufferOverflow, FromObservableOptions } from './util/fromObservable';
export { toChannel } from './util/toChannel';
export type { ToChannelOptions } from './util/toChannel';
export { Event } from './util/Event';
export type { EventOptions } from './util/Event';
export { MissedTickPolicy, SkipMissedAndDrift, SkipMissedAndResync, TriggerAllMissed } from './util/missedTickPolicy';
export type { SkipMissedAndDriftOptions } from './util/missedTickPolicy';
export { Timer } from './util/Timer';
export type { PeriodicTimerOptions, TimerOptions, TimerResetOptions } from './util/Timer';
export { Merge, merge } from './util/Merge';
export type { MessageOf } from './util/Merge';
export { MergeNamed } from './util/MergeNamed';
export type { NamedMessage, NamedReceivers } from './util/MergeNamed';
export { Select } from './util/Select';
export type {
  SelectConstructor,
  SelectedByName,
  SelectMethods,
  SelectReceivers,
  SelectReservedName,
} from './util/Select';
export { Selected } from './util/Selected';
export { select, selectedFrom, SelectError, UnhandledSelectedError } from './util/selectLoop';
export type { SelectedFrom, SelectLoop } from './util/selectLoop';
