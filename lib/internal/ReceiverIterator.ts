import { ReceiverStoppedError } from '../errors';
import { PENDING, STOPPED, type PollState, type Source } from './protocol';
import { PendingWait } from './wait';

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };
const DONE_PROMISE: Promise<IteratorReturnResult<undefined>> = Promise.resolve(DONE);

/**
 * The async iterator of a receiver: each `next()` waits for a message of its own and takes it in
 * the tick it finds it ready. `return()` (a `break` out of `for await`) ends the iterator at
 * once: a `next()` still waiting resolves done and takes nothing, and every later `next()` is
 * done. The receiver is not closed.
 *
 * @internal
 */
export class ReceiverIterator<T> implements AsyncIterableIterator<T> {
  /** Set once the receiver stopped or `return()` was called; never unset. */
  private done = false;
  /** The `next()` calls still waiting, which `return()` releases. */
  private readonly waiting = new Set<PendingWait<IteratorResult<T>, Source<T>>>();

  constructor(private readonly source: Source<T>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.done) {
      return DONE_PROMISE;
    }
    const state = this.source._poll();
    if (state !== PENDING) {
      try {
        return Promise.resolve(this.take(state));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // The wait may settle within its constructor (a source that turned ready while it parked):
    // `pending` is still unset then, and the wait is not tracked.
    let pending: PendingWait<IteratorResult<T>, Source<T>> | undefined = undefined;
    pending = new PendingWait(
      this.source,
      (_source, found) => {
        if (pending !== undefined) {
          this.waiting.delete(pending);
        }
        return this.take(found);
      },
      undefined,
    );
    if (!pending.settled) {
      this.waiting.add(pending);
    }
    return pending.promise;
  }

  return(): Promise<IteratorResult<T>> {
    this.done = true;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const pending of waiting) {
      pending.cancel(DONE);
    }
    return DONE_PROMISE;
  }

  private take(state: PollState): IteratorResult<T> {
    if (state === STOPPED) {
      this.done = true;
      return DONE;
    }
    try {
      return { value: this.source.consume(), done: false };
    } catch (error) {
      if (error instanceof ReceiverStoppedError) {
        this.done = true;
        return DONE;
      }
      throw error;
    }
  }
}
