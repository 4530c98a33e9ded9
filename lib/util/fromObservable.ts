import { checkSignal } from '../internal/abortable';
import { readyOf } from '../internal/wait';
import { PROTOCOL_VERSION } from '../internal/protocol';
import { from, Observable, type InteropObservable, type Subscribable, type Subscriber } from 'rxjs';
import { ReceiverError, ReceiverStoppedError } from '../errors';
import { OverflowBuffer } from '../internal/overflow';
import { PENDING, READY, STOPPED, type PollState } from '../internal/protocol';
import { checkCount, checkOptions, checkString } from '../internal/validate';
import { Receiver, type AbortOptions } from '../Receiver';

/**
 * What {@link fromObservable} does with a value that arrives while its buffer is full, named in
 * the spirit of Kotlin's `BufferOverflow` (an Observable cannot be suspended, so there is no
 * `SUSPEND`):
 * - `'error'`: keep everything buffered, the value that overflowed included (one past
 *   `maxsize`), unsubscribe from the source, and end the receiver with a {@link ReceiverError}
 *   after the buffered values. Nothing is dropped.
 * - `'dropOldest'`: drop the oldest buffered value to make room (the newest values win).
 * - `'dropLatest'`: drop the value that just arrived (the buffered values win).
 *
 * Both drop policies log a warning through the library's logger once per overflow episode (until
 * the buffer next empties).
 */
export type BufferOverflow = 'error' | 'dropOldest' | 'dropLatest';

/** Options of {@link fromObservable}. */
export interface FromObservableOptions {
  /**
   * The receiver's name, used in `toString()`, errors and warnings.
   * @defaultValue `fromObservable-<n>`, numbered in creation order
   */
  readonly name?: string | undefined;
  /**
   * How many values the receiver buffers before `overflow` applies. An integer from 1 and up, or
   * `Infinity` for a buffer without bound (for a finite source that emits all at once).
   * @defaultValue `50`
   */
  readonly maxsize?: number | undefined;
  /**
   * What happens to a value that arrives while the buffer is full; see {@link BufferOverflow}.
   * @defaultValue `'error'`: no value is ever dropped silently or otherwise; an overflow ends
   * the receiver with a {@link ReceiverError}.
   */
  readonly overflow?: BufferOverflow | undefined;
}

/**
 * The receiver {@link fromObservable} returns: a {@link Receiver} that also tells how full its
 * buffer is and how many values its overflow policy dropped. With a drop policy, the values
 * received plus `dropped` plus `size` add up to the values the source emitted.
 *
 * @example
 * ```ts
 * const receiver = fromObservable(of(1, 2, 3), { maxsize: 2, overflow: 'dropOldest' });
 * console.log(receiver.size, receiver.dropped); // Logs: 2 1
 * ```
 */
export interface ObservableReceiver<T> extends Receiver<T> {
  /** How many values are buffered now, waiting for a consumer. */
  readonly size: number;
  /** How many values the overflow policy dropped, in total (always `0` with `'error'`). */
  readonly dropped: number;
}

const OVERFLOW_POLICIES: readonly BufferOverflow[] = ['error', 'dropOldest', 'dropLatest'];
let receiversMade = 0;

/**
 * A {@link Receiver} of the values of an Observable (or any `Subscribable` or interop
 * Observable), subscribed at once.
 *
 * ## Guarantees
 * - **Ordering:** values are received in the order the source emitted them; an Observable
 *   subscriber of the receiver gets each one in the source's own call stack (exact marbles).
 * - **Buffer:** `maxsize` values (default 50) wait for a consumer; `size` tells how many do now.
 * - **When full:** per `overflow` (default `'error'`: the value that overflowed is kept, the
 *   source is unsubscribed, and the receiver ends with a {@link ReceiverError} once the buffer is
 *   drained; nothing is dropped). The drop policies count what they drop (in `dropped`) and log a warning
 *   through the library's logger once per overflow episode.
 * - **Closing:** when the source completes the receiver stops after its buffer drains. When the
 *   source errors, the buffered values come first, then `consume()` throws a
 *   {@link ReceiverError} whose `cause` is the source's error, once; after that the receiver is
 *   stopped. `close()` unsubscribes from the source; what was buffered is still delivered.
 * - **Cancellation:** an aborted `ready()`/`receive()` takes nothing.
 * - **Not guaranteed:** that an unused receiver lets go of its source: the source holds it, so
 *   call `close()` (or let the source complete) when done.
 *
 * @example
 * ```ts
 * const receiver = fromObservable(of(1, 2, 3));
 * for await (const value of receiver) console.log(value);
 * // Logs: 1 2 3
 * ```
 */
export function fromObservable<T>(
  source: Observable<T> | Subscribable<T> | InteropObservable<T>,
  options: FromObservableOptions = {},
): ObservableReceiver<T> {
  checkOptions('options', options);
  const { name = `fromObservable-${++receiversMade}`, maxsize = 50, overflow = 'error' } = options;
  checkString('name', name);
  checkCount('maxsize', maxsize, 1, true);
  if (!OVERFLOW_POLICIES.includes(overflow)) {
    throw new TypeError(`Expected \`overflow\` to be one of ${OVERFLOW_POLICIES.join(', ')}, got ${String(overflow)}`);
  }
  const upstream = toObservable(source);
  const receiver = new SubscribedReceiver<T>(name, maxsize, overflow);
  receiver.subscribeTo(upstream);
  return receiver;
}

/** Any accepted source as an RxJS Observable, whose Subscriber can stop a synchronous source. */
function toObservable<T>(source: Subscribable<T> | InteropObservable<T>): Observable<T> {
  if (source instanceof Observable) {
    return source as Observable<T>;
  }
  const candidate = source as Partial<Subscribable<T>> | null;
  if (typeof candidate === 'object' && candidate !== null && typeof candidate.subscribe === 'function') {
    const subscribable = source as Subscribable<T>;
    return new Observable<T>((subscriber) => subscribable.subscribe(subscriber));
  }
  try {
    return from(source as InteropObservable<T>);
  } catch {
    throw new TypeError('Expected `source` to be an Observable, a Subscribable or an interop Observable');
  }
}

/** How the source ended, if it has: the error still to be thrown, or none. */
type SourceEnd = { readonly error: ReceiverError<unknown> | undefined };

/**
 * The receiver behind {@link fromObservable}: RxJS subscribes and pushes (it has the guarantee of
 * ordering and of the source's own call stack); the buffer and its overflow policy are
 * `OverflowBuffer`'s, and taking on consume is our pull protocol.
 */
class SubscribedReceiver<T> extends Receiver<T> implements ObservableReceiver<T> {
  /** Values emitted and not yet consumed, oldest first. */
  private readonly buffer: OverflowBuffer<T>;
  /** The Subscriber of our subscription to the source, set before the source can emit. */
  private upstream: Subscriber<T> | undefined;
  /** Set once the source completed, errored or overflowed; never unset. */
  private end: SourceEnd | undefined;
  /** Set once by `close()`; never unset. */
  private closed = false;
  /** Set when `_poll()` reported READY, cleared by `consume()`. */
  private announced = false;

  constructor(
    private readonly name: string,
    maxsize: number,
    overflow: BufferOverflow,
  ) {
    super(PROTOCOL_VERSION);
    this.buffer = new OverflowBuffer<T>(maxsize, overflow, () => this.toString());
  }

  /** How many values are buffered now. */
  get size(): number {
    return this.buffer.length;
  }

  /** How many values the overflow policy dropped, in total. */
  get dropped(): number {
    return this.buffer.dropped;
  }

  /** Subscribes to the source; called once, right after construction. */
  subscribeTo(source: Observable<T>): void {
    // Wrapped so that the Subscriber the source gets is known before a synchronous source
    // emits: an overflow or a close() from inside `next` can then stop it mid-emission.
    new Observable<T>((subscriber) => {
      this.upstream = subscriber;
      return source.subscribe(subscriber);
    }).subscribe({
      next: (value) => this.onValue(value),
      error: (error: unknown) =>
        this.onEnd(new ReceiverError(`${this.toString()}: the source errored`, this, { cause: error })),
      complete: () => this.onEnd(undefined),
    });
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  consume(): T {
    if (this.announced) {
      this.announced = false;
      return this.takeOne();
    }
    if (this.isStopped()) {
      throw new ReceiverStoppedError(this);
    }
    throw this._notReady();
  }

  /** Unsubscribes from the source; what was buffered is still delivered, then it stops. */
  override close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.upstream?.unsubscribe();
    this._wake();
  }

  override toString(): string {
    return `FromObservable:${this.name}`;
  }

  /** @internal */
  override _poll(): PollState {
    if (this.buffer.length > 0 || this.end?.error !== undefined) {
      this.announced = true;
      return READY;
    }
    return this.isStopped() ? STOPPED : PENDING;
  }

  private onValue(value: T): void {
    if (this.end !== undefined) {
      return;
    }
    if (!this.buffer.push(value)) {
      // 'error': the value that overflowed is kept too; the receiver ends after it.
      const message = `${this.toString()}: buffer full (maxsize ${this.buffer.maxsize}); the source was unsubscribed`;
      this.onEnd(new ReceiverError(message, this));
      return;
    }
    this._wake();
  }

  private onEnd(error: ReceiverError<unknown> | undefined): void {
    if (this.end !== undefined) {
      return;
    }
    this.end = { error };
    // Also the way an overflow stops a source that is still emitting synchronously.
    this.upstream?.unsubscribe();
    this._wake();
  }

  /** Takes the next buffered value, or throws the source's error once it is the next thing. */
  private takeOne(): T {
    if (this.buffer.length > 0) {
      return this.buffer.shift();
    }
    const error = this.end?.error as ReceiverError<unknown>;
    // Thrown once: afterwards the receiver is simply stopped.
    this.end = { error: undefined };
    throw error;
  }

  private isStopped(): boolean {
    return this.buffer.length === 0 && this.end?.error === undefined && (this.closed || this.end !== undefined);
  }
}
