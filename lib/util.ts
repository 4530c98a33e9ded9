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
