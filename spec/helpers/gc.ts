/**
 * Forcing garbage collection in specs. The test script runs node with `--expose-gc`.
 */
import { flushMicrotasks } from './async';

/** Whether `global.gc` is available (node was started with `--expose-gc`). */
export const canCollect = typeof globalThis.gc === 'function';

/**
 * Collects garbage and lets FinalizationRegistry callbacks run, until `done()` holds or the
 * retries run out. Returns whether `done()` held.
 */
export async function collectUntil(done: () => boolean, retries = 20): Promise<boolean> {
  for (let attempt = 0; attempt < retries; attempt++) {
    if (done()) {
      return true;
    }
    globalThis.gc?.();
    // Finalizers run as macrotasks after a collection: give them a few turns, and then a timer
    // that grows with the attempts: on a busy machine the platform posts their cleanup task
    // behind others, and turns of the event loop alone can pass before it runs.
    for (let turn = 0; turn < 3; turn++) {
      await flushMicrotasks();
    }
    await new Promise((resolve) => setTimeout(resolve, attempt));
  }
  return done();
}
