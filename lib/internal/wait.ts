import { listenForAbort } from './abortable';
import { PENDING, READY, type PollState, type PollProtocol, type Waker } from './protocol';

/** What a settled wait resolves with: derived from the state found, in the tick it was found. */
export type Settle<S extends PollProtocol, R> = (source: S, state: PollState) => R;

/**
 * One promise that waits on one pollable until it leaves PENDING, then settles with what
 * `settle(source, state)` gives, in the same tick as the poll that found it ready: `ready()`
 * settles with the state, `receive()` and the iterator consume there and then, so that no other
 * consumer of the same receiver can take the message in between. This is the one place where a
 * promise waits for the protocol (see `protocol.ts`).
 *
 * Cancellation: an abort (or {@link PendingWait.cancel}) takes the waker back and rejects (or
 * resolves) at once; nothing the source holds moves.
 *
 * @internal
 */
export class PendingWait<R, S extends PollProtocol = PollProtocol> implements Waker {
  readonly promise: Promise<R>;
  /** Set once the promise is settled; a late wake finds it and does nothing. */
  settled = false;
  private resolve!: (result: R) => void;
  private reject!: (reason: unknown) => void;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly source: S,
    private readonly settle: Settle<S, R>,
    signal: AbortSignal | undefined,
  ) {
    this.promise = new Promise<R>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (signal?.aborted) {
      this.end();
      this.reject(signal.reason);
      return;
    }
    if (signal !== undefined) {
      this.stopListening = listenForAbort(signal, () => {
        if (this.end()) {
          this.reject(signal.reason);
        }
      });
    }
    this.wake();
  }

  wake(): void {
    if (this.settled) {
      return;
    }
    const state = this.source._park(this);
    if (state === PENDING) {
      if (this.settled) {
        // Settled while it parked (an abort from a filter predicate run by _park()): take the
        // waker back, or the source would hold a message for nobody.
        this.source._unpark(this);
      }
      return;
    }
    if (!this.end()) {
      return;
    }
    // A throwing settle (consume() with the receiver's error) rejects this promise.
    let result: R;
    try {
      result = this.settle(this.source, state);
    } catch (error) {
      this.reject(error);
      return;
    }
    this.resolve(result);
  }

  /** Ends the wait now, resolving with `result`; nothing is taken. */
  cancel(result: R): void {
    if (this.end()) {
      this.resolve(result);
    }
  }

  /** Marks the wait over and takes its waker and listener back; `false` when it was over already. */
  private end(): boolean {
    if (this.settled) {
      return false;
    }
    this.settled = true;
    this.source._unpark(this);
    this.stopListening?.();
    return true;
  }
}

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);
const isReady = (_source: PollProtocol, state: PollState): boolean => state === READY;

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
  return new PendingWait(source, isReady, signal).promise;
}
