/**
 * Memory: heap bytes per buffered message. Each implementation buffers 100,000 small integers
 * (so that the messages themselves cost nothing), and the heap is measured after a forced GC,
 * before and after; the channel is checked to hold them all.
 */
import { Channel } from 'async-channel';
import { pushable } from 'it-pushable';
import { AsyncQueue } from '../baselines/AsyncQueue.mjs';
import type { BenchConfig } from '../config.mjs';
import { check, collectGarbage } from '../harness.mjs';
import { rx } from '../libs.mjs';

const COUNT = 100_000;

interface MemoryRow {
  readonly name: string;
  readonly baseline?: boolean;
  /** Fills a new buffer with COUNT messages, checks its size, and returns it (to keep it alive). */
  readonly fill: () => unknown;
}

const rows: readonly MemoryRow[] = [
  {
    name: 'baseline: bounded async queue',
    baseline: true,
    fill: () => {
      const queue = new AsyncQueue<number>(COUNT);
      for (let message = 0; message < COUNT; message++) {
        void queue.send(message);
      }
      check('buffered', queue.size, COUNT);
      return queue;
    },
  },
  {
    name: 'rx-channels Anycast',
    fill: () => {
      const channel = new rx.Anycast<number>({ maxsize: COUNT });
      const sender = channel.newSender();
      for (let message = 0; message < COUNT; message++) {
        void sender.send(message);
      }
      check('buffered', channel._core.buffer.length, COUNT);
      return channel;
    },
  },
  {
    name: 'async-channel Channel',
    fill: () => {
      const channel = new Channel<number>(COUNT);
      for (let message = 0; message < COUNT; message++) {
        void channel.push(message);
      }
      check('buffered', channel.bufferSize, COUNT);
      return channel;
    },
  },
  {
    name: 'it-pushable',
    fill: () => {
      const source = pushable<number>({ objectMode: true });
      for (let message = 0; message < COUNT; message++) {
        source.push(message);
      }
      check('buffered', source.readableLength, COUNT);
      return source;
    },
  },
];

function bytesPerMessage(row: MemoryRow): number {
  collectGarbage();
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const kept = row.fill();
  collectGarbage();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  check('kept', kept !== undefined, true);
  return (after - before) / COUNT;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Measures every row `config.samples` times and returns the markdown table. */
export function memoryTable(config: BenchConfig): string {
  const results = rows.map((row) => {
    process.stderr.write(`  Memory ${row.name}\n`);
    const samples = Array.from({ length: config.samples }, () => bytesPerMessage(row));
    return { row, bytes: medianOf(samples) };
  });
  const baseline = results.find((result) => result.row.baseline)?.bytes ?? Number.NaN;
  const lines = [
    '### Memory: heap bytes per buffered message',
    '',
    `${COUNT.toLocaleString('en')} small integers buffered (Anycast \`maxsize\` ${COUNT.toLocaleString('en')}, filled), heap measured after GC; median of ${config.samples}.`,
    '',
    '| implementation | bytes per message | × baseline |',
    '| --- | ---: | ---: |',
    ...results.map(
      ({ row, bytes }) =>
        `| ${row.baseline === true ? `**${row.name}**` : row.name} | ${bytes.toFixed(1)} | ${(bytes / baseline).toFixed(2)} |`,
    ),
  ];
  return lines.join('\n');
}
