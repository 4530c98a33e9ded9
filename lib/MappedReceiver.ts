import { checkSignal } from './internal/abortable';
import { pollableOf } from './internal/ForeignReceiver';
import { PROTOCOL_VERSION, type PollState, type Source, type Waker } from './internal/protocol';
import { takeFrom, type Taken, type Taking } from './internal/taken';
import { readyOf } from './internal/wait';
import { Receiver, type AbortOptions } from './Receiver';

/**
 * The receiver behind `receiver.map(fn)`: it waits exactly as the receiver it wraps (it has no
 * state of its own), and `fn` runs in `consume()`. Closing it closes the wrapped receiver, and a
 * message that the wrapped receiver reserved goes back the wrapped receiver's way.
 */
function defineMappedReceiver() {
  class MappedReceiver<T, U> extends Receiver<U> implements Source<U>, Taking<U> {
    private readonly pollable: Source<T>;

    constructor(
      private readonly inner: Receiver<T>,
      private readonly fn: (message: T) => U,
    ) {
      super(PROTOCOL_VERSION);
      this.pollable = pollableOf(inner);
    }

    ready(options?: AbortOptions): Promise<boolean> {
      return readyOf(this, checkSignal(options?.signal));
    }

    consume(): U {
      return this.fn(this.pollable.consume());
    }

    override close(): void {
      this.inner.close();
    }

    override toString(): string {
      return `Map:${String(this.inner)}`;
    }

    override _poll(): PollState {
      return this.pollable._poll();
    }
    override _park(waker: Waker): PollState {
      return this.pollable._park(waker);
    }

    override _unpark(waker: Waker): void {
      this.pollable._unpark(waker);
    }

    /** The mapped message, with the way back of the message it was made from. */
    _take(): Taken<U> {
      const taken = takeFrom(this.pollable);
      if (taken.failed) {
        return taken;
      }
      try {
        return { failed: false, value: this.fn(taken.value), giveBack: taken.giveBack };
      } catch (error) {
        return { failed: true, value: error, giveBack: taken.giveBack };
      }
    }
  }
  return MappedReceiver;
}

/**
 * Made at the first `map()`, not when this file loads: `Receiver.ts` imports this file, and
 * `extends Receiver` must not run before `Receiver` exists (the two files import each other).
 */
let MappedReceiverClass: ReturnType<typeof defineMappedReceiver> | undefined;

/** @internal */
export function mappedReceiver<T, U>(inner: Receiver<T>, fn: (message: T) => U): Receiver<U> {
  MappedReceiverClass ??= defineMappedReceiver();
  return new MappedReceiverClass(inner, fn);
}
