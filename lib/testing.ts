/**
 * `rx-channels/testing`: virtual time for code written with `await` (see {@link VirtualClock}).
 * Test-only: it uses `setImmediate` where there is one, with browser-safe fallbacks.
 *
 * @packageDocumentation
 */
export { VirtualClock } from './testing/VirtualClock';
export type { RunUntilOptions, VirtualClockOptions } from './testing/VirtualClock';
