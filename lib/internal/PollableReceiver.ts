import { ReceiverError } from '../errors';
import { Receiver, type AbortOptions } from '../Receiver';
import { checkSignal } from './abortable';
import {
  brandPollable,
  PENDING,
  POLLABLE,
  type PollState,
  type Pollable,
  type PROTOCOL_VERSION,
  type Waker,
} from './protocol';
import { PendingWait, readyOf } from './wait';
import { WakerSet } from './WakerSet';

/**
 * The base of every built-in receiver: the protocol's `_park()`/`_unpark()` (atomic, see
 * `protocol.ts`), `ready()` over it, and the not-ready error, written once. A subclass says where
 * it stands (`_poll()`), takes its message (`consume()`), calls {@link PollableReceiver._wake}
 * when its state may have left PENDING, and may hook the first park and the last unpark (an
 * Anycast receiver joins and leaves its channel's waiting line; a timer arms and cancels its
 * scheduled action).
 *
 * @internal
 */
export abstract class PollableReceiver<T> extends Receiver<T> implements Pollable {
  declare readonly [POLLABLE]: typeof PROTOCOL_VERSION;
  /** Pending `ready()`/`receive()` calls, iterators, subscribers and fan-ins waiting on this receiver. */
  private readonly wakers = new WakerSet();

  abstract _poll(): PollState;

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  _park(waker: Waker): PollState {
    const state = this._poll();
    if (state !== PENDING) {
      return state;
    }
    const wakers = this.wakers;
    wakers.add(waker);
    // Register, then re-check, with the waker held out of any wake round until the re-check is
    // done: whatever the hook (or a poll that fires a tick) changed is seen here, not by a call
    // into the waker from inside its own _park(). A nested _park() restores the outer one.
    wakers.hold(waker);
    let after: PollState;
    try {
      this._parked();
      after = this._poll();
    } finally {
      wakers.release();
    }
    if (after !== PENDING) {
      this._unpark(waker);
    }
    return after;
  }

  _unpark(waker: Waker): void {
    const wakers = this.wakers;
    wakers.remove(waker);
    if (wakers.isEmpty) {
      this._idle();
    }
  }

  /** Whether someone waits on this receiver. */
  protected get _waited(): boolean {
    return !this.wakers.isEmpty;
  }

  /** Calls every parked waker: the state may have left PENDING. */
  protected _wake(): void {
    const wakers = this.wakers;
    wakers.wakeAll();
    if (wakers.isEmpty) {
      this._idle();
    }
  }

  /**
   * Hands `message` straight to the one waiting `receive()`, when that is the only waker: the
   * caller's buffer must be empty. Returns whether it did; if not, buffer and wake as usual.
   */
  protected _handDirect(message: T): boolean {
    const sole = this.wakers.sole;
    if (sole instanceof PendingWait && sole.consumes) {
      (sole as PendingWait<T>).takeDirect(message);
      return true;
    }
    return false;
  }

  /** Called after a waker was added (it may make the receiver ready). */
  protected _parked(): void {}

  /** Called when the last waker left. */
  protected _idle(): void {}

  /** The error of a `consume()` that `ready()` did not announce. */
  protected _notReady(): ReceiverError<T> {
    return new ReceiverError(`${String(this)}: consume() was called before ready() resolved true`, this);
  }
}

brandPollable(PollableReceiver.prototype);
