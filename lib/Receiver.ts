import { Observable, type Subscriber } from 'rxjs';
import { ReceiverError, ReceiverStoppedError } from './errors';
import { checkSignal } from './internal/abortable';
import { isPollable, PENDING, READY, readyOf, STOPPED, type PollState, type Pollable } from './internal/readiness';
import { observeReceiver } from './internal/ReceiverObservable';
import { checkFunction } from './internal/validate';
import type { Waker } from './internal/WakerSet';
import type { Peekable } from './Peekable';

/** Options of the calls that wait: `ready()`, `receive()`, `send()`. */
export interface AbortOptions {
  /**
   * Aborts the wait: the call rejects with `signal.reason` and changes nothing. A signal that is
   * already aborted rejects at once, even where the call could have completed.
   */
  readonly signal?: AbortSignal;
}

const NOT_READY = 'consume() was called before ready() resolved true';
const DONE: Promise<IteratorResult<never>> = Promise.resolve({ value: undefined, done: true });

/**
 * The receiving end of a channel, and an RxJS `Observable` of its messages at the same time.
 *
 * Wait with `ready()` and take with `consume()`, or do both with `receive()`; iterate with
 * `for await`; transform with `map()` / `filter()`; or subscribe, pipe, and
 * `await firstValueFrom(receiver)` as with any Observable.
 *
 * ## Guarantees
 * - **Ready:** `ready()` resolves `true` when a message (or an error) is ready, `false` once the
 *   receiver has stopped; it stays ready, resolving at once, until `consume()`.
 * - **Consumers:** one consumer at a time. Concurrent `ready()` calls all resolve when a message
 *   is ready and `consume()` hands it to one of them; concurrent `receive()` calls and iterators
 *   each wait for a message of their own. For several consumers, make several receivers.
 * - **Cancellation:** an aborted `ready()` or `receive()` rejects with the signal's reason and
 *   takes nothing: every message stays in place for the next call.
 * - **Observable:** cold. While subscribed it takes messages and emits them synchronously, in
 *   the call stack that made them ready; it completes when the receiver stops and errors with
 *   the receiver's error. Unsubscribing stops taking messages and loses none.
 * - **Not guaranteed:** a message that is a thenable is adopted by `receive()` and `for await`,
 *   as by every promise; use `ready()` + `consume()` or the Observable to get it as it is.
 *
 * @example
 * ```ts
 * const channel = new Anycast<number>();
 * const receiver = channel.newReceiver();
 * await channel.newSender().send(1);
 * console.log(await receiver.receive()); // Logs: 1
 * ```
 */
export abstract class Receiver<T> extends Observable<T> implements AsyncIterable<T> {
  constructor() {
    super(function (this: Observable<T>, subscriber: Subscriber<T>) {
      return observeReceiver(this as Receiver<T>, subscriber);
    });
  }

  /**
   * Waits until a message or an error is ready to be consumed.
   *
   * Cancellation: an aborted call rejects with the signal's reason and leaves every message in
   * place.
   *
   * @returns `true` when `consume()` will return or throw at once, `false` when the receiver has
   * stopped.
   */
  abstract ready(options?: AbortOptions): Promise<boolean>;

  /**
   * Returns the message that `ready()` announced.
   *
   * @throws {@link ReceiverStoppedError} when the receiver has stopped (for a closed channel, its
   * `cause` is the {@link ChannelClosedError}).
   * @throws {@link ReceiverInvalidatedError} when the receiver was turned into a peekable.
   * @throws {@link ReceiverError} when `ready()` has not resolved `true` since the last consume.
   */
  abstract consume(): T;

  /**
   * Waits for the next message and takes it: `ready()` then `consume()`.
   *
   * Cancellation: an aborted call rejects with the signal's reason and takes nothing.
   *
   * @throws `ReceiverStoppedError` when the receiver has stopped.
   *
   * @example
   * ```ts
   * const message = await receiver.receive({ signal: AbortSignal.timeout(1000) });
   * ```
   */
  receive(options?: AbortOptions): Promise<T> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted !== true && isPollable(this) && this._poll() !== PENDING) {
      return consumeNow(this);
    }
    return this.receiveAfterReady(signal);
  }

  /**
   * Iterates over the messages until the receiver stops; then the loop ends cleanly. Leaving
   * the loop early does not close the receiver.
   *
   * @example
   * ```ts
   * for await (const message of receiver) {
   *   console.log(message);
   * }
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new ReceiverIterator(this);
  }

  /**
   * A receiver of `fn(message)` for every message of this one. `fn` runs in `consume()`, and an
   * error it throws is thrown from there. Closing the result closes this receiver.
   *
   * @example
   * ```ts
   * const lengths = receiver.map((text) => text.length);
   * ```
   */
  map<U>(fn: (message: T) => U): Receiver<U> {
    checkFunction('fn', fn);
    return new MapReceiver(this, fn);
  }

  /**
   * A receiver of the messages for which `predicate` holds; the others are consumed from this
   * receiver and discarded. With a type guard, the element type narrows. Closing the result
   * closes this receiver.
   *
   * @example
   * ```ts
   * const numbers = receiver.filter((value): value is number => typeof value === 'number');
   * ```
   */
  filter<S extends T>(guard: (message: T) => message is S): Receiver<S>;
  filter(predicate: (message: T) => boolean): Receiver<T>;
  filter(predicate: (message: T) => boolean): Receiver<T> {
    checkFunction('predicate', predicate);
    return new FilterReceiver(this, predicate);
  }

  /**
   * Turns this receiver into a {@link Peekable} of its channel. Only Broadcast receivers can; the
   * base class throws a {@link ReceiverError}, as the seed does.
   */
  intoPeekable(): Peekable<T> {
    throw new ReceiverError(`${String(this)} cannot be turned into a peekable`, this);
  }

  /**
   * This receiver as a plain cold `Observable`, hiding the receiver API.
   *
   * @example
   * ```ts
   * receiver.asObservable().pipe(take(2)).subscribe(console.log);
   * ```
   */
  asObservable(): Observable<T> {
    return new Observable<T>((subscriber) => this.subscribe(subscriber));
  }

  /**
   * The string-keyed interop entry point, for libraries that look up `'@@observable'`. RxJS
   * defines it only where `Symbol.observable` does not exist (no polyfill), so it is kept here.
   *
   * @example
   * ```ts
   * const observable = receiver['@@observable'](); // the receiver itself, as an Observable
   * ```
   */
  ['@@observable'](): Observable<T> {
    return this;
  }

  /**
   * Stops this receiver; idempotent. What it had buffered is still delivered where the receiver
   * kind says so (Broadcast), then `ready()` resolves `false`. The base class holds nothing to
   * release; receivers that do override this.
   */
  close(): void {}

  /**
   * The receiver's kind (and name, where it has one), as error messages show it. Built-in
   * receivers give `Kind:name`; a subclass written outside the library gets its class name.
   */
  override toString(): string {
    return this.constructor.name;
  }

  private receiveAfterReady(signal: AbortSignal | undefined): Promise<T> {
    // On a stopped receiver consume() throws its ReceiverStoppedError, with the cause it knows.
    return whenReadyForThisCall(this, signal === undefined ? undefined : { signal }, () => this.consume());
  }
}

/**
 * Waits with `ready()` until this call can consume, then runs `take` in the same tick: a
 * concurrent consumer of the same receiver may take the message that `ready()` announced, and
 * then this call waits for the next one.
 */
async function whenReadyForThisCall<R>(
  receiver: Receiver<unknown>,
  options: AbortOptions | undefined,
  take: (ready: boolean) => R | Promise<R>,
): Promise<R> {
  let ready = await receiver.ready(options);
  while (ready && isPollable(receiver) && receiver._poll() === PENDING) {
    ready = await receiver.ready(options);
  }
  return take(ready);
}

function consumeNow<T>(receiver: Receiver<T>): Promise<T> {
  try {
    return Promise.resolve(receiver.consume());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The async iterator of a receiver: a fast path when a message is ready, `ready()` otherwise. */
class ReceiverIterator<T> implements AsyncIterator<T> {
  constructor(private readonly receiver: Receiver<T>) {}

  next(): Promise<IteratorResult<T>> {
    const receiver = this.receiver;
    if (isPollable(receiver)) {
      const state = receiver._poll();
      if (state === READY) {
        return this.consumeResult();
      }
      if (state === STOPPED) {
        return DONE;
      }
    }
    return this.nextAfterReady();
  }

  return(): Promise<IteratorResult<T>> {
    return DONE;
  }

  private consumeResult(): Promise<IteratorResult<T>> {
    try {
      return Promise.resolve({ value: this.receiver.consume(), done: false });
    } catch (error) {
      return error instanceof ReceiverStoppedError ? DONE : Promise.reject(error);
    }
  }

  private nextAfterReady(): Promise<IteratorResult<T>> {
    return whenReadyForThisCall(this.receiver, undefined, (ready) => (ready ? this.consumeResult() : DONE));
  }
}

/*
 * The receivers behind map() and filter() live in this file because Receiver.map() constructs
 * them and they extend Receiver: in a module of their own, the import cycle would evaluate
 * `extends Receiver` before Receiver exists.
 */

/** Delegates waiting to the receiver it wraps, so it is pollable exactly when that one is. */
abstract class WrappingReceiver<T, U> extends Receiver<U> implements Pollable {
  /** Whether the wrapped receiver has the synchronous face; if not, neither has this one. */
  readonly _pollable: boolean;

  constructor(protected readonly inner: Receiver<T>) {
    super();
    this._pollable = isPollable(inner);
  }

  abstract _poll(): PollState;

  _park(waker: Waker): void {
    (this.inner as Receiver<T> & Pollable)._park(waker);
  }

  _unpark(waker: Waker): void {
    (this.inner as Receiver<T> & Pollable)._unpark(waker);
  }

  override close(): void {
    this.inner.close();
  }
}

class MapReceiver<T, U> extends WrappingReceiver<T, U> {
  constructor(
    inner: Receiver<T>,
    private readonly fn: (message: T) => U,
  ) {
    super(inner);
  }

  _poll(): PollState {
    return (this.inner as Receiver<T> & Pollable)._poll();
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return this.inner.ready(options);
  }

  consume(): U {
    return this.fn(this.inner.consume());
  }

  override toString(): string {
    return `Map:${String(this.inner)}`;
  }
}

class FilterReceiver<T> extends WrappingReceiver<T, T> {
  /** Whether a message that passed (or an error to throw) waits in `held`. */
  private holding = false;
  private held: { readonly message: T } | { readonly error: unknown } | undefined;
  /** Set once the wrapped receiver reported that it stopped. */
  private stopped = false;

  constructor(
    inner: Receiver<T>,
    private readonly predicate: (message: T) => boolean,
  ) {
    super(inner);
  }

  _poll(): PollState {
    const inner = this.inner as Receiver<T> & Pollable;
    while (!this.holding) {
      const state = inner._poll();
      if (state !== READY) {
        this.stopped = state === STOPPED;
        return state;
      }
      this.takeOne();
    }
    return READY;
  }

  ready(options?: AbortOptions): Promise<boolean> {
    const signal = checkSignal(options?.signal);
    return this._pollable ? readyOf(this, signal) : this.readyThroughPromises(signal);
  }

  consume(): T {
    const held = this.held;
    if (!this.holding || held === undefined) {
      if (this.stopped) {
        // The wrapped receiver's own stop error, as map() gives it: it carries the cause.
        return this.inner.consume();
      }
      throw new ReceiverError(NOT_READY, this);
    }
    this.holding = false;
    this.held = undefined;
    if ('error' in held) {
      throw held.error;
    }
    return held.message;
  }

  override toString(): string {
    return `Filter:${String(this.inner)}`;
  }

  private async readyThroughPromises(signal: AbortSignal | undefined): Promise<boolean> {
    signal?.throwIfAborted();
    while (!this.holding) {
      const innerReady = await this.inner.ready(signal === undefined ? undefined : { signal });
      if (this.holding) {
        // A concurrent ready() took and kept a message while this one waited: taking another
        // would overwrite it.
        break;
      }
      if (!innerReady) {
        this.stopped = true;
        return false;
      }
      this.takeOne();
    }
    return true;
  }

  /** Consumes one ready message of the wrapped receiver and keeps it if it passes. */
  private takeOne(): void {
    try {
      const message = this.inner.consume();
      if (this.predicate(message)) {
        this.hold({ message });
      }
    } catch (error) {
      this.hold({ error });
    }
  }

  private hold(held: { readonly message: T } | { readonly error: unknown }): void {
    this.held = held;
    this.holding = true;
  }
}
