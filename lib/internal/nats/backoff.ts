/**
 * Waiting between retries: a doubling delay with a ceiling, and a timer that an abort cancels.
 * Our own; no RxJS. Every timer is cleared when it fires or is cancelled.
 *
 * @internal
 */

/** The next delay after `previous` (doubling from `first`, at most `max`). @internal */
export function nextDelay(previous: number, first: number, max: number): number {
  return previous === 0 ? first : Math.min(previous * 2, max);
}

/**
 * Calls `then` after `ms`, unless cancelled first; returns the cancel function (idempotent).
 *
 * @internal
 */
export function after(ms: number, then: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    timer = undefined;
    then();
  }, ms);
  return () => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
}
