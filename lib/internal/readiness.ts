import { listenForAbort } from './abortable';
import type { Waker } from './WakerSet';

/** Nothing to consume yet: `ready()` would wait. */
export const PENDING = 0;
/** `consume()` returns a message, or throws the receiver's error, without waiting. */
export const READY = 1;
/** The receiver has stopped: `ready()` resolves `false`. */
export const STOPPED = 2;

export type PollState = typeof PENDING | typeof READY | typeof STOPPED;

/**
 * The synchronous face every built-in receiver has under its promise API. A channel wakes its
 * receivers from inside `send()`, in the sender's call stack, so an Observable subscriber gets
 * a message with no microtask hop (exact marble frames), and `ready()`, `select()` and Merge
 * all wait the same way.
 *
 * @internal
 */
export interface Pollable {
  /**
   * Where the receiver stands now. It may move a message into the receiver's hands (an Anycast
   * receiver reserves one), but never loses one: a reserved message stays until consumed or
   * is given back on close.
   */
  _poll(): PollState;
  /** Parks a one-shot waker, called synchronously when the state may have left PENDING. */
  _park(waker: Waker): void;
  /** Takes back a parked waker that was not called. */
  _unpark(waker: Waker): void;
}

/** @internal */
export function isPollable(value: object): value is Pollable {
  const candidate = value as Partial<Pollable> & { readonly _pollable?: boolean };
  return typeof candidate._poll === 'function' && candidate._pollable !== false;
}

const READY_TRUE = Promise.resolve(true);
const READY_FALSE = Promise.resolve(false);

/**
 * One pending `ready()`: resolves when its receiver leaves PENDING, rejects with the signal's
 * reason on abort. Aborting only unparks it, so nothing that the receiver holds moves.
 */
class ReadyWaiter implements Waker {
  private stopListening: (() => void) | undefined;
  /**
   * Set once aborted. A `wakeAll()` round already under way still calls a waker unparked during
   * it; without this flag the aborted waiter would park again and hold a message for nobody.
   */
  private aborted = false;

  constructor(
    private readonly source: Pollable,
    private readonly resolve: (ready: boolean) => void,
    private readonly reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
  ) {
    if (signal !== undefined) {
      this.stopListening = listenForAbort(signal, () => this.abort(signal));
    }
  }

  wake(): void {
    if (this.aborted) {
      return;
    }
    const state = this.source._poll();
    if (state === PENDING) {
      // Another consumer of the same receiver took the message first: wait for the next one.
      this.source._park(this);
      return;
    }
    this.stopListening?.();
    this.resolve(state === READY);
  }

  private abort(signal: AbortSignal): void {
    this.aborted = true;
    this.source._unpark(this);
    this.reject(signal.reason);
  }
}

/**
 * `ready()` for a pollable receiver: settles at once when it can, else parks a waiter. An
 * already-aborted signal rejects at once, even when a message is ready.
 *
 * @internal
 */
export function readyOf(source: Pollable, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) {
    return Promise.reject(signal.reason);
  }
  const state = source._poll();
  if (state !== PENDING) {
    return state === READY ? READY_TRUE : READY_FALSE;
  }
  return new Promise<boolean>((resolve, reject) => {
    source._park(new ReadyWaiter(source, resolve, reject, signal));
  });
}
