/**
 * `rx-channels/util`: the utilities (the seed's `util` module). They are exported from the
 * package root too.
 *
 * @packageDocumentation
 */
export {};
