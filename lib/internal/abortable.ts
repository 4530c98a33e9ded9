/**
 * Listens for `signal`'s abort on behalf of one wait. Returns the function that stops listening,
 * which the wait must call however it settles, so that a long-lived signal does not collect a
 * listener per call.
 *
 * @internal
 */
export function listenForAbort(signal: AbortSignal, onAbort: () => void): () => void {
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/**
 * Throws a `TypeError` when `signal` is given but is not an AbortSignal: a wrong value would
 * otherwise fail later, inside an event listener, where nobody can catch it.
 *
 * @internal
 */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined) {
    return undefined;
  }
  if (typeof signal !== 'object' || signal === null || typeof (signal as AbortSignal).addEventListener !== 'function') {
    throw new TypeError('Expected `signal` to be an AbortSignal');
  }
  return signal as AbortSignal;
}
