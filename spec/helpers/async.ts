/**
 * Helpers for observing promises and the event loop in specs. They make no assertions.
 */
import { getEventListeners } from 'node:events';

/** Lets every queued microtask (and the promise jobs they queue) run: one macrotask turn. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The state of a promise, as far as it can be seen from outside. */
export type Settlement<T> =
  | { readonly state: 'pending' }
  | { readonly state: 'fulfilled'; readonly value: T }
  | { readonly state: 'rejected'; readonly reason: unknown };

/**
 * Starts tracking `promise`; `current()` tells how it has settled so far. Tracking also marks a
 * rejection as handled, so a test can inspect it without an unhandled-rejection failure.
 */
export function track<T>(promise: Promise<T>): { current(): Settlement<T> } {
  let settlement: Settlement<T> = { state: 'pending' };
  promise.then(
    (value) => {
      settlement = { state: 'fulfilled', value };
    },
    (reason: unknown) => {
      settlement = { state: 'rejected', reason };
    },
  );
  return { current: () => settlement };
}

/** How `promise` stands after the microtask queue has been flushed. */
export async function settlementOf<T>(promise: Promise<T>): Promise<Settlement<T>> {
  const tracked = track(promise);
  await flushMicrotasks();
  return tracked.current();
}

/** The rejection reason of `promise`, or a marker object when it fulfilled instead. */
export async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (reason) {
    return reason;
  }
  return NOT_REJECTED;
}

/** What {@link reasonOf} and {@link thrownBy} return when nothing was thrown. */
export const NOT_REJECTED = Object.freeze({ notRejected: true });

/** What `fn()` throws, or {@link NOT_REJECTED} when it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return NOT_REJECTED;
}

/** How many `abort` listeners `signal` has now. */
export function abortListenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}
