/**
 * Run counts for the fast-check properties. Each property names its full run count (a few
 * hundred); `npm test` runs a share of it (`FAST_SHARE`) so that it stays fast, and
 * `npm run test:reliability` runs it in full. `RX_CHANNELS_RUNS=<n>` runs each one `n` times
 * instead (more in `npm run soak`, fewer in `npm run mutation`), and stretches the Jest timeout to
 * match. They make no assertions.
 */

/** The share of a property's full run count that `npm test` runs. */
const FAST_SHARE = 0.5;

/**
 * The Jest timeout of a property at its full run count. A hang guard, not a speed check: a
 * property takes a few seconds on a quiet machine.
 */
const DEFAULT_TIMEOUT_MS = 30_000;

/** The run count asked for through `RX_CHANNELS_RUNS`, or `undefined` when it is not set. */
function requestedRuns(): number | undefined {
  const raw = process.env['RX_CHANNELS_RUNS'];
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new RangeError(`Expected \`RX_CHANNELS_RUNS\` to be an integer from 1 and up, got ${raw}`);
  }
  return runs;
}

/**
 * Whether this is the reliability run (`npm run test:reliability` or `npm run soak`), whose Jest
 * config (jest.reliability.config.js) sets the global `RX_CHANNELS_RELIABILITY`.
 */
export function isReliabilityRun(): boolean {
  return (globalThis as { RX_CHANNELS_RELIABILITY?: unknown }).RX_CHANNELS_RELIABILITY === true;
}

/** Whether this is a soak run (`RX_CHANNELS_SOAK=1`, set by `npm run soak`): volume and heap tests run at full size. */
export function isSoak(): boolean {
  return process.env['RX_CHANNELS_SOAK'] === '1';
}

/**
 * How many times a property runs: what `RX_CHANNELS_RUNS` asks for; else `fullRuns` in the
 * reliability run, and `FAST_SHARE` of it in `npm test`.
 */
export function propertyRuns(fullRuns: number): number {
  return requestedRuns() ?? (isReliabilityRun() ? fullRuns : Math.ceil(fullRuns * FAST_SHARE));
}

/** The fast-check parameters of a property with `fullRuns` runs in full. */
export function propertyParameters(fullRuns: number): { numRuns: number } {
  return { numRuns: propertyRuns(fullRuns) };
}

/**
 * The Jest timeout of a property test: 30 s, scaled up with the run count in a soak. The soak is
 * not timed, only bounded, so that a hang still fails.
 */
export function propertyTimeout(fullRuns: number): number {
  const scale = Math.max(1, propertyRuns(fullRuns) / fullRuns);
  return Math.ceil(DEFAULT_TIMEOUT_MS * scale);
}
