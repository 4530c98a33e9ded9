import { config } from 'rxjs';

/**
 * Reports an error that user code threw where the library cannot throw it on (a Broadcast
 * subscriber in the middle of a delivery, a logger called from inside a waker), as RxJS reports
 * an error thrown in a subscriber: to RxJS's `config.onUnhandledError` when set, else thrown from
 * a timer. This part wraps RxJS's own convention; the library's code goes on after it.
 *
 * @example
 * ```ts
 * try { link.next(message); } catch (error) { reportUnhandledError(error); }
 * ```
 *
 * @internal
 */
export function reportUnhandledError(error: unknown): void {
  const { onUnhandledError } = config;
  if (onUnhandledError) {
    onUnhandledError(error);
    return;
  }
  setTimeout(() => {
    throw error;
  });
}
