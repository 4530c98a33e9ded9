/**
 * The measuring side of the benchmarks: every row of a table is one tinybench task whose
 * iteration runs the whole workload once (sending every message and checking what arrived), with
 * a forced GC before each iteration so that one row's garbage is not collected on another's clock.
 */
import { Bench } from 'tinybench';

/** One implementation of a workload: runs it once, verifies the result, throws if it is wrong. */
export interface Row {
  readonly name: string;
  /** The row the others are compared to (one per table). */
  readonly baseline?: boolean;
  /**
   * One run of the work. It may return what it built (the channel, its receivers), in an array or
   * a plain object, since a thenable (async-channel's Channel is one) would be awaited: the harness
   * keeps the latest run's result of every row referenced until the table is done (see `residents`).
   */
  readonly run: () => unknown;
  /** Operations one run of this row does, when fewer than the table's (a slow peer); shown in the notes. */
  readonly operations?: number;
  /** Extra text for the row's notes column (for example delivered and dropped counts). */
  readonly note?: () => string;
  /** The name of another row of the table this one is also compared to, in its notes. */
  readonly compareTo?: string;
}

/** One table: the rows measure the same work, `operations` of it per run. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** What one operation is and how many one run does, for the table's caption. */
  readonly description: string;
  readonly operations: number;
  readonly rows: readonly Row[];
  /** The clock of this table when not the run's (`wall` for work spread over several threads). */
  readonly clock?: 'cpu' | 'wall';
  /** Samples per row when not the run's: more for a table whose rows vary a lot from sample to sample. */
  readonly samples?: number;
}

export interface RowResult {
  readonly name: string;
  readonly baseline: boolean;
  /** Operations per second of each sample, sorted ascending. */
  readonly rates: readonly number[];
  readonly median: number;
  readonly note: string;
  readonly compareTo?: string | undefined;
}

export interface TableResult {
  readonly workload: Workload;
  readonly rows: readonly RowResult[];
  readonly baselineMedian: number;
}

export interface RunSettings {
  /** Measured runs per row, after one warm-up run. */
  readonly samples: number;
  /** What a sample's duration is measured on: the process's CPU time, or the wall clock. */
  readonly clock: 'cpu' | 'wall';
}

declare const gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (typeof gc === 'function') {
    gc();
  }
}

/**
 * Milliseconds of CPU time used by this process (all its threads, GC helpers included). On a
 * machine shared with other work it does not count the time this process waited for a core,
 * which the wall clock does; on an idle machine the two agree for this single-threaded work.
 */
function cpuMilliseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** How long a sample waits, after the forced GC, for the collector's background threads. */
const SETTLE_MILLISECONDS = 30;

/**
 * What runs before every sample: a forced GC, an idle wait, and a second (cheap) GC. The wait
 * matters on the CPU clock, which counts every thread of the process: after a row that leaves a
 * large heap (the slow peers), V8 goes on sweeping what the GC freed on background threads, and
 * without the wait that work lands on the clock of the next row, which is the baseline at the
 * start of every round. It made W3's baseline look up to a third slower than it is.
 */
async function settle(): Promise<void> {
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MILLISECONDS));
  collectGarbage();
}

/**
 * The latest run's result of each row of the table being measured, referenced until the table is
 * done, as an application keeps its channels. Without it nothing of a library is alive at the
 * forced GC before a sample, V8 drops the hidden classes (maps) of the library's objects, and the
 * sample pays for optimizing the library's code again. In W3, rx-channels' code was deoptimized
 * about 420 times ("weak objects") in 25 runs, 40 times with one receiver kept; the baseline row
 * paid too (its rate rose by about a quarter with this). The rows of W1–W6, baselines and peers
 * alike, return what they built.
 */
const residents = new Map<Row, unknown>();

async function runKept(row: Row): Promise<void> {
  residents.set(row, await row.run());
}

/** One tinybench task per row; each `bench.run()` takes exactly one sample, after `settle()`. */
function benchFor(row: Row, settings: RunSettings): Bench {
  const bench = new Bench({
    iterations: 1,
    time: 0,
    warmup: false,
    retainSamples: true,
    throws: true,
    ...(settings.clock === 'cpu'
      ? { timestampProvider: { name: 'cpuUsage', fn: cpuMilliseconds, fromMs: (ms: number) => ms, toMs: Number } }
      : {}),
  });
  // `async: true`: without it tinybench calls the task once more, un-awaited, to find out whether
  // it returns a promise; that extra run of an async row overlapped the warm-up runs of the others.
  bench.add(row.name, () => runKept(row), { beforeEach: settle, async: true });
  return bench;
}

async function sampleOnce(bench: Bench, label: string): Promise<number> {
  bench.reset();
  await bench.run();
  const result = bench.tasks[0]?.result;
  const milliseconds = result !== undefined && 'latency' in result ? result.latency.samples?.[0] : undefined;
  if (milliseconds === undefined) {
    throw new Error(`${label}: no sample`);
  }
  return milliseconds;
}

function rowResult(workload: Workload, row: Row, durations: readonly number[]): RowResult {
  const operations = row.operations ?? workload.operations;
  const rates = durations.map((milliseconds) => (operations * 1000) / milliseconds).sort((a, b) => a - b);
  const notes = [
    row.operations === undefined ? '' : `${operations.toLocaleString('en')} ops per run`,
    row.note?.() ?? '',
  ];
  return {
    name: row.name,
    baseline: row.baseline === true,
    rates,
    median: median(rates),
    note: notes.filter(Boolean).join('; '),
    compareTo: row.compareTo,
  };
}

/**
 * Runs every row of `workload`: one warm-up run each, then `samples` rounds in which every row
 * runs once, so that a change in the machine's load hits all rows alike, not one row's samples.
 */
export async function measureWorkload(workload: Workload, settings: RunSettings): Promise<TableResult> {
  const clock = workload.clock ?? settings.clock;
  const benches = workload.rows.map((row) => benchFor(row, { ...settings, clock }));
  for (const row of workload.rows) {
    collectGarbage();
    await runKept(row);
  }
  const durations: number[][] = workload.rows.map(() => []);
  const samples = workload.samples ?? settings.samples;
  for (let round = 0; round < samples; round++) {
    process.stderr.write(`  ${workload.id} round ${round + 1}/${samples}\n`);
    for (const [index, bench] of benches.entries()) {
      durations[index]?.push(await sampleOnce(bench, `${workload.id} / ${workload.rows[index]?.name}`));
    }
  }
  residents.clear();
  const rows = workload.rows.map((row, index) => rowResult(workload, row, durations[index] ?? []));
  const baseline = rows.find((row) => row.baseline);
  if (baseline === undefined) {
    throw new Error(`${workload.id}: no baseline row`);
  }
  return { workload, rows, baselineMedian: baseline.median };
}

function formatRate(rate: number): string {
  if (rate >= 1e6) {
    return `${(rate / 1e6).toFixed(2)}M`;
  }
  if (rate >= 1e3) {
    return `${(rate / 1e3).toFixed(1)}k`;
  }
  return rate.toFixed(0);
}

/** The table as GitHub markdown: median ops/s, min–max, ratio to the baseline row, notes. */
export function formatTable(table: TableResult): string {
  const { workload, rows, baselineMedian } = table;
  const lines = [
    `### ${workload.id}: ${workload.title}`,
    '',
    workload.description,
    '',
    '| implementation | median ops/s | min–max ops/s | × baseline | notes |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const row of rows) {
    const range = `${formatRate(row.rates[0] as number)}–${formatRate(row.rates[row.rates.length - 1] as number)}`;
    const ratio = (row.median / baselineMedian).toFixed(2);
    const name = row.baseline ? `**${row.name}**` : row.name;
    const other = rows.find((candidate) => candidate.name === row.compareTo);
    const note = [other === undefined ? '' : `${(row.median / other.median).toFixed(2)}× ${other.name}`, row.note];
    lines.push(`| ${name} | ${formatRate(row.median)} | ${range} | ${ratio} | ${note.filter(Boolean).join('; ')} |`);
  }
  return lines.join('\n');
}

/** Throws when `actual` is not `expected`: a fast wrong answer must not count. */
export function check(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) {
    throw new Error(`wrong result: ${what} is ${String(actual)}, expected ${String(expected)}`);
  }
}
