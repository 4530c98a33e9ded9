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
  readonly run: () => Promise<void> | void;
  /** Operations one run of this row does, when fewer than the table's (a slow peer); shown in the notes. */
  readonly operations?: number;
  /** Extra text for the row's notes column (for example delivered and dropped counts). */
  readonly note?: () => string;
}

/** One table: the rows measure the same work, `operations` of it per run. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** What one operation is and how many one run does, for the table's caption. */
  readonly description: string;
  readonly operations: number;
  readonly rows: readonly Row[];
}

export interface RowResult {
  readonly name: string;
  readonly baseline: boolean;
  /** Operations per second of each sample, sorted ascending. */
  readonly rates: readonly number[];
  readonly median: number;
  readonly note: string;
}

export interface TableResult {
  readonly workload: Workload;
  readonly rows: readonly RowResult[];
  readonly baselineMedian: number;
}

export interface RunSettings {
  /** Measured runs per row, after one warm-up run. */
  readonly samples: number;
}

declare const gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (typeof gc === 'function') {
    gc();
  }
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function measureRow(workload: Workload, row: Row, settings: RunSettings): Promise<RowResult> {
  const bench = new Bench({
    iterations: settings.samples,
    time: 0,
    warmup: true,
    warmupIterations: 1,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  });
  bench.add(row.name, row.run, { beforeEach: collectGarbage });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result === undefined || !('latency' in result) || result.latency.samples === undefined) {
    throw new Error(`${workload.id} / ${row.name}: no samples`);
  }
  const operations = row.operations ?? workload.operations;
  const rates = result.latency.samples.map((milliseconds) => (operations * 1000) / milliseconds).sort((a, b) => a - b);
  const notes = [row.operations === undefined ? '' : `${operations.toLocaleString('en')} ops per run`, row.note?.() ?? ''];
  return { name: row.name, baseline: row.baseline === true, rates, median: median(rates), note: notes.filter(Boolean).join('; ') };
}

/** Runs every row of `workload`, one after the other, and reports progress on stderr. */
export async function measureWorkload(workload: Workload, settings: RunSettings): Promise<TableResult> {
  const rows: RowResult[] = [];
  for (const row of workload.rows) {
    process.stderr.write(`  ${workload.id} ${row.name}...`);
    const started = performance.now();
    rows.push(await measureRow(workload, row, settings));
    process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)}s\n`);
  }
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
    lines.push(`| ${name} | ${formatRate(row.median)} | ${range} | ${ratio} | ${row.note} |`);
  }
  return lines.join('\n');
}

/** Throws when `actual` is not `expected`: a fast wrong answer must not count. */
export function check(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) {
    throw new Error(`wrong result: ${what} is ${String(actual)}, expected ${String(expected)}`);
  }
}
