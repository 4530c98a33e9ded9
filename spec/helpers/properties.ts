/**
 * Run counts for the fast-check properties. By default every property runs a few hundred times,
 * so that `npm test` stays fast; `RX_CHANNELS_RUNS=<n>` runs each one `n` times instead (more in
 * `npm run soak`, fewer in `npm run mutation`), and stretches the Jest timeout to match. They make
 * no assertions.
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

/** Whether this is a soak run (`RX_CHANNELS_SOAK=1`, set by `npm run soak`): volume tests run at full size. */
export function isSoak(): boolean {
  return process.env['RX_CHANNELS_SOAK'] === '1';
}

/** How many times a property runs: `defaultRuns`, or what `RX_CHANNELS_RUNS` asks for. */
export function propertyRuns(defaultRuns: number): number {
  return requestedRuns() ?? defaultRuns;
}

/** The fast-check parameters of a property with `defaultRuns` runs by default. */
export function propertyParameters(defaultRuns: number): { numRuns: number } {
  return { numRuns: propertyRuns(defaultRuns) };
}

/**
 * The Jest timeout of a property test: 30 s by default, scaled up with the run count in a soak.
 * The soak is not timed, only bounded, so that a hang still fails.
 */
export function propertyTimeout(defaultRuns: number): number {
  const scale = Math.max(1, propertyRuns(defaultRuns) / defaultRuns);
  return Math.ceil(DEFAULT_TIMEOUT_MS * scale);
}
