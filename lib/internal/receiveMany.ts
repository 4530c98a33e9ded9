import type { Receiver } from '../Receiver';
import { pollableOf } from './ForeignReceiver';
import { PENDING, READY, type Source } from './protocol';
import { throwKeptFailure } from './tryReceive';
import { PendingWait } from './wait';

/**
 * `receiver.receiveMany(max)`: the one promise wait of `receive()` (`PendingWait`, parked on the
 * pull protocol), whose settle takes, in the tick the receiver was found ready, up to `max`
 * messages that are ready without waiting again (a loop of synchronous polls, as `tryReceive()`).
 * Taking them in that tick, not a microtask later, means that nobody can take the first message
 * in between, and that an abort that lands after the wait settled changes nothing.
 *
 * @internal
 */
export function receiveManyOf<T>(receiver: Receiver<T>, max: number, signal: AbortSignal | undefined): Promise<T[]> {
  const source = pollableOf(receiver);
  const settle = (ready: Source<T>): T[] => takeReady(receiver, ready, max);
  if (signal?.aborted !== true) {
    try {
      throwKeptFailure(receiver);
      if (source._poll() !== PENDING) {
        // The fast path: something is ready (or the receiver stopped); answer within this call.
        return Promise.resolve(settle(source));
      }
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new PendingWait(source, settle, signal).promise;
}

/**
 * Takes up to `max` messages while the receiver stays READY: `[]` when it has stopped. An error
 * met before any message is thrown (the call rejects, as `receive()` would); one met after some
 * would lose them if thrown, so the batch ends there and the error is kept on the receiver for
 * its next `tryReceive()`, `receive()` or `receiveMany()`.
 */
function takeReady<T>(receiver: Receiver<T>, source: Source<T>, max: number): T[] {
  const messages: T[] = [];
  while (messages.length < max && source._poll() === READY) {
    let message: T;
    try {
      message = source.consume();
    } catch (error) {
      if (messages.length === 0) {
        throw error;
      }
      receiver._failure = { error };
      break;
    }
    messages.push(message);
  }
  return messages;
}
