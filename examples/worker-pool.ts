/**
 * Recipe: a worker pool with graceful shutdown: `npx tsx examples/worker-pool.ts`.
 *
 * Jobs go into a bounded Anycast; `forEachConcurrent()` runs at most `concurrency` of them at
 * once and takes a job only when a slot is free, so a producer faster than the pool waits at
 * `send()` (back-pressure) instead of filling memory. Shutdown has two speeds:
 * - graceful: `await jobs.close()` stops new jobs, the buffered ones still run, and the pool's
 *   promise resolves once every job has settled;
 * - abort: the pool's `signal` stops taking at once; jobs see the signal, and the jobs never
 *   started stay in the channel (nothing is lost) for another consumer.
 * Tested in `spec/examples/worker-pool.spec.ts`.
 */
import { Anycast, forEachConcurrent } from 'rx-channels';

export interface PoolRun {
  readonly done: string[];
  readonly maxRunning: number;
}

/** Sends `names` as jobs through a pool of `concurrency` workers, then shuts down gracefully. */
export async function runPool(
  names: readonly string[],
  concurrency: number,
  work: (name: string, signal: AbortSignal) => Promise<void>,
): Promise<PoolRun> {
  await using jobs = new Anycast<string>({ name: 'jobs', maxsize: 2 });
  const done: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const pool = forEachConcurrent(
    jobs.newReceiver(),
    async (name, { signal }) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        await work(name, signal);
        done.push(name);
      } finally {
        running--;
      }
    },
    { concurrency },
  );
  const sender = jobs.newSender();
  for (const name of names) {
    await sender.send(name); // waits while the pool is busy and the buffer of 2 is full
  }
  await jobs.close(); // graceful: the buffered jobs still run
  await pool;
  return { done, maxRunning };
}

async function main(): Promise<void> {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const names = Array.from({ length: 10 }, (_, i) => `job-${i + 1}`);
  const { done, maxRunning } = await runPool(names, 3, (name) => sleep(10 + (name.length % 3) * 5));
  console.log(`  ${done.length} jobs done, at most ${maxRunning} at once`);
}

if (require.main === module) {
  void main();
}
