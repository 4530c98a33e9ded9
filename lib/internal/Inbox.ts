import { ReceiverStoppedError } from '../errors';
import type { Receiver } from '../Receiver';
import { Deque } from './Deque';
import { PENDING, READY, STOPPED, type PollState } from './protocol';

/**
 * The state of a receiver fed from elsewhere (a receiver of a channel in another thread, of a
 * NATS consumer): what arrived and is not consumed yet, whether it was closed, why it stopped,
 * and an error to throw once before the stop. Its `poll()` and `consume()` are those receivers'
 * `_poll()` and `consume()`, written once; each receiver says how a held item becomes a message.
 *
 * @internal
 */
export class Inbox<H> {
  /** Arrived and not consumed, oldest first. */
  readonly buffer = new Deque<H>();
  /** Set once by the receiver's `close()`; never unset. */
  closed = false;
  /** Why it stopped (thrown by every `consume()` once drained). */
  stopError: Error | undefined;
  /** An error to throw once, before the stop (a deleted stream or consumer). */
  failure: Error | undefined;

  /** Closed, or told it will get nothing more. */
  get stopped(): boolean {
    return this.closed || this.stopError !== undefined;
  }

  poll(): PollState {
    if (this.buffer.length > 0 || this.failure !== undefined) {
      return READY;
    }
    return this.stopped ? STOPPED : PENDING;
  }

  /**
   * The oldest item, made a message by `take`; else the failure (once), the stop, or
   * `notReady()` when nothing was announced.
   */
  consume<T>(receiver: Receiver<T>, take: (held: H) => T, notReady: () => Error): T {
    if (this.buffer.length > 0) {
      return take(this.buffer.shift());
    }
    const failure = this.failure;
    if (failure !== undefined) {
      this.failure = undefined;
      throw failure;
    }
    if (this.closed) {
      throw new ReceiverStoppedError(receiver);
    }
    throw this.stopError ?? notReady();
  }

  /**
   * Stops after what it holds. A `ReceiverStoppedError` is the stop itself; another error is the
   * cause of one, and with `throwFirst` is also thrown once before it (so `receive()` rejects and
   * `for await` throws, never a silent end), the stop then carrying that error's own cause.
   * Returns whether it stopped now (not before).
   */
  stop(receiver: Receiver<unknown>, error: Error, throwFirst: boolean): boolean {
    if (this.stopError !== undefined) {
      return false;
    }
    if (error instanceof ReceiverStoppedError) {
      this.stopError = error;
    } else if (throwFirst) {
      this.failure = error;
      this.stopError = new ReceiverStoppedError(receiver, { cause: (error as { cause?: unknown }).cause ?? error });
    } else {
      this.stopError = new ReceiverStoppedError(receiver, { cause: error });
    }
    return true;
  }
}
