import { listenForAbort } from './abortable';
import { PENDING, READY, type PollState, type PollProtocol, type Waker } from './protocol';

/**
 * One promise that waits on one pollable until it leaves PENDING, then settles with what
 * `settle(state)` gives, in the same tick as the poll that found it ready: `ready()` settles
 * with the state, `receive()` and the iterator consume there and then, so that no other
 * consumer of the same receiver can take the message in between. This is the one place where a
 * promise waits for the protocol (see `protocol.ts`).
 *
 * Cancellation: an abort (or {@link Wait.cancel}) takes the waker back and rejects (or
 * resolves) at once; nothing the source holds moves.
 */
class Wait<R> implements Waker {
  private stopListening: (() => void) | undefined;
  /** Set once the promise is settled; a late wake finds it and does nothing. */
  private settled = false;

  constructor(
    private readonly source: PollProtocol,
    private readonly settle: (state: PollState) => R,
    private readonly resolve: (result: R) => void,
    private readonly reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    if (signal !== undefined) {
      this.stopListening = listenForAbort(signal, () => this.finish(() => reject(signal.reason)));
    }
  }

  wake(): void {
    const state = this.source._park(this);
    if (state !== PENDING) {
      this.settleWith(state);
    }
  }

  /** Ends the wait now, resolving with `result`; nothing is taken. */
  cancel(result: R): void {
    this.finish(() => this.resolve(result));
  }

  settleWith(state: PollState): void {
    this.finish(() => {
      // A throwing settle (consume() with the receiver's error) rejects this promise.
      let result: R;
      try {
        result = this.settle(state);
      } catch (error) {
        this.reject(error);
        return;
      }
      this.resolve(result);
    });
  }

  private finish(then: () => void): void {
    if (this.settled) {
      return;
    }
    this.settled = true;
    this.source._unpark(this);
    this.stopListening?.();
    then();
  }
}

/** A pending wait, as {@link waitFor} hands it to a caller that may cancel it. @internal */
export interface PendingWait<R> {
  readonly promise: Promise<R>;
  cancel(result: R): void;
}

/**
 * Waits until `source` leaves PENDING and settles with `settle(state)`. When it is not PENDING
 * now, `settle` runs at once, within this call. An already-aborted `signal` rejects at once,
 * even where the call could have completed (the contract).
 *
 * @internal
 */
export function waitFor<R>(
  source: PollProtocol,
  signal: AbortSignal | undefined,
  settle: (state: PollState) => R,
): PendingWait<R> {
  let wait: Wait<R> | undefined;
  const promise = new Promise<R>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    wait = new Wait(source, settle, resolve, reject, signal);
    wait.wake();
  });
  return { promise, cancel: (result) => wait?.cancel(result) };
}

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);

/**
 * `ready()` of a pollable: resolves `true` when it is READY, `false` when STOPPED.
 *
 * @internal
 */
export function readyOf(source: PollProtocol, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal === undefined) {
    // The fast path allocates nothing when the source is not PENDING.
    const state = source._poll();
    if (state !== PENDING) {
      return state === READY ? TRUE : FALSE;
    }
  }
  return waitFor(source, signal, (state) => state === READY).promise;
}
