/** Settings shared by every workload; `BENCH_QUICK=1` shrinks them for development runs. */
export interface BenchConfig {
  readonly quick: boolean;
  /** Measured runs per row, after one warm-up run. */
  readonly samples: number;
  /** Multiplies every workload's message count (1 in a full run). */
  readonly scale: number;
  /** `BENCH_CLOCK`: `cpu` (default) measures the process's CPU time, `wall` the wall clock. */
  readonly clock: 'cpu' | 'wall';
}

export function readConfig(environment: NodeJS.ProcessEnv): BenchConfig {
  const quick = environment['BENCH_QUICK'] === '1';
  const samples = Number(environment['BENCH_SAMPLES'] ?? (quick ? 3 : 7));
  if (!Number.isInteger(samples) || samples < 1) {
    throw new RangeError('Expected `BENCH_SAMPLES` to be an integer from 1 and up');
  }
  const clock = environment['BENCH_CLOCK'] ?? 'cpu';
  if (clock !== 'cpu' && clock !== 'wall') {
    throw new RangeError('Expected `BENCH_CLOCK` to be `cpu` or `wall`');
  }
  return { quick, samples, scale: quick ? 0.1 : 1, clock };
}

/** `count` scaled, rounded to a multiple of `multiple` so that work splits evenly. */
export function scaled(config: BenchConfig, count: number, multiple = 100): number {
  return Math.max(multiple, Math.round((count * config.scale) / multiple) * multiple);
}
