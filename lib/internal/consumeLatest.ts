import { warn } from '../logger';
import type { Receiver } from '../Receiver';
import { pollableOf } from './ForeignReceiver';
import { READY, type Waker } from './protocol';
import { checkOptions, checkString } from './validate';

let cacheCount = 0;

/**
 * The checks of a cache's constructor: `receiver` must be a receiver (duck typing, so that one
 * of another copy of the library is one too) and `options.uniqueId` a string; returns the
 * `uniqueId`, or `cache-<n>`, numbered in creation order.
 *
 * @internal
 */
export function cacheId(receiver: unknown, options: { readonly uniqueId?: string | undefined }): string {
  if (typeof (receiver as Partial<Receiver<unknown>> | null)?.consume !== 'function') {
    throw new TypeError('Expected `receiver` to be a Receiver');
  }
  checkOptions('options', options);
  return checkString('uniqueId', options.uniqueId ?? `cache-${++cacheCount}`);
}

/**
 * The one consuming loop of `LatestValueCache` and `GroupingLatestValueCache`: takes every
 * message of `receiver` as soon as it is ready and hands it to `store`. Our own pull protocol
 * (`protocol.ts`), no RxJS and no promise: a waker parked on the receiver, which the receiver
 * calls in the call stack that made it ready (a `send()`), and which then takes everything ready
 * with `consume()` before parking again. So the cache is up to date when `send()` returns, never
 * lags behind the receiver's buffer, and never drops the latest message. A receiver written
 * outside the library is bridged through its `ready()`/`consume()` (`ForeignReceiver.ts`).
 *
 * An error thrown by `consume()` (a `ReceiverError`, a `map()` that throws) or by `store` (a key
 * function that throws) is logged through the library's logger, naming `owner`, and that message
 * is skipped; the loop goes on. The loop ends by itself when the receiver stops.
 *
 * `store` is never called once `stop()` has been (even from inside `consume()`).
 *
 * Returns `stop()`: idempotent; it takes the waker back (a bridged receiver's `ready()` in flight
 * is aborted), so nothing waits any more, and closes the receiver (an Anycast receiver gives back
 * what it holds).
 *
 * @internal
 */
export function consumeLatest<T>(receiver: Receiver<T>, owner: object, store: (message: T) => void): () => void {
  const source = pollableOf(receiver);
  let stopped = false;
  const waker: Waker = {
    wake(): void {
      while (!stopped) {
        const state = source._park(waker);
        if (stopped) {
          // stop() ran inside _park() (a filter predicate): take back what it may have registered
          // and consume nothing. A filter closed by its own predicate gives back the message it
          // was judging, so stop()'s one close() is enough.
          source._unpark(waker);
          return;
        }
        if (state !== READY) {
          // PENDING: parked until the next change; STOPPED: the receiver ended, so does the loop.
          return;
        }
        try {
          const message = source.consume();
          // consume() may run user code (a map() or filter() callback) that called stop().
          if (!stopped) {
            store(message);
          }
        } catch (error) {
          warn(`${String(owner)} skipped a message: ${String(error)}`);
        }
      }
    },
  };
  waker.wake();
  return () => {
    if (!stopped) {
      stopped = true;
      source._unpark(waker);
      receiver.close();
    }
  };
}
