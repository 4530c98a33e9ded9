import { Observable, type Subscriber } from 'rxjs';
import { ReceiverError } from './errors';
import { checkSignal } from './internal/abortable';
import { claimSelected } from './internal/claim';
import { brand } from './internal/brand';
// The bare import stays in the declarations (the named one does not), and with it the global
// types of `Symbol.dispose` that the interface Receiver uses (see lib/internal/dispose.ts).
import './internal/dispose';
import { DISPOSE } from './internal/dispose';
import { pollableOf } from './internal/ForeignReceiver';
import { PENDING, POLLABLE, PROTOCOL_VERSION, type PollState, type Source, type Waker } from './internal/protocol';
import { observeReceiver } from './internal/ReceiverObservable';
import { ReceiverIterator } from './internal/ReceiverIterator';
import { receiveManyOf } from './internal/receiveMany';
import { rejectKeptFailure, tryReceiveOf } from './internal/tryReceive';
import { checkCount, checkFunction } from './internal/validate';
import { PendingWait } from './internal/wait';
import { WakerSet } from './internal/WakerSet';
import { filteredReceiver } from './FilteredReceiver';
import { mappedReceiver } from './MappedReceiver';
import type { Peekable } from './Peekable';
import type { Selected } from './util/Selected';
import type { SelectedFrom } from './util/selectLoop';

/** Options of the calls that wait: `ready()`, `receive()`, `send()`. */
export interface AbortOptions {
  /**
   * Aborts the wait: the call rejects with `signal.reason` and changes nothing. A signal that is
   * already aborted rejects at once, even where the call could have completed.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * What {@link Receiver.tryReceive} found: a message (`ok: true`), or why there is none.
 * Narrow on `ok`, then on `stopped`; a message may itself be `undefined`, hence the object.
 *
 * @example
 * ```ts
 * const result = receiver.tryReceive();
 * if (result.ok) console.log(result.message);
 * else if (result.stopped) console.log('stopped');
 * ```
 */
export type TryReceiveResult<T> =
  | {
      /** A message was ready and is now taken. */
      readonly ok: true;
      /** The message taken. */
      readonly message: T;
    }
  | {
      /** No message was taken. */
      readonly ok: false;
      /** `true` when the receiver has stopped and is drained; `false` when nothing is ready now. */
      readonly stopped: boolean;
    };

/**
 * The `using` face of every receiver, merged into the class {@link Receiver}.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameters (the key is DISPOSE of lib/internal/dispose.ts)
export interface Receiver<T> {
  /**
   * Closes this receiver when a `using` scope ends: the same as `close()` (a pending
   * `ready()` or `receive()` is released as `close()` releases it). Idempotent. Our own addition:
   * RxJS 7 has no disposal protocol.
   *
   * @example
   * ```ts
   * {
   *   using receiver = channel.newReceiver();
   *   console.log(await receiver.receive());
   * } // receiver.close() runs here, also on a throw
   * ```
   */
  [Symbol.dispose](): void;
}

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
 *   each wait for a message of their own, the one that waited longest first. For several
 *   consumers, make several receivers.
 * - **Without waiting:** `tryReceive()` takes a message only if one is ready now. It does not
 *   queue behind waiting `receive()` calls, so when it runs while a message is ready (in the call
 *   stack that made it ready) it may take one that a waiting call would have had; every message
 *   still goes to exactly one taker. `receiveMany(max)` waits in line like `receive()`, then takes
 *   up to `max` messages that are ready in that same tick.
 * - **Cancellation:** an aborted `ready()`, `receive()` or `receiveMany()` rejects with the
 *   signal's reason and takes nothing: every message stays in place for the next call.
 * - **Observable:** shared, as RxJS `share()` shares a source. The receiver stays one consumer
 *   of its channel: while at least one subscriber is attached it takes messages and emits each,
 *   synchronously in the call stack that made it ready, to every subscriber attached at that
 *   moment. It completes when the receiver stops and errors with the receiver's error. When the
 *   last subscriber leaves (even from inside `next`) it stops taking messages and loses none.
 *   Taking is the library's own pull protocol (RxJS cannot take on consume); fanning a taken
 *   message out to the subscribers is what a `Subject` does.
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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export abstract class Receiver<T> extends Observable<T> implements AsyncIterable<T> {
  static {
    // instanceof across copies of the package (the CommonJS and the ESM build in one program).
    brand(this, 'Receiver');
  }

  /**
   * @internal The wakers parked on a built-in receiver (the pull protocol of
   * `lib/internal/protocol.ts`); a receiver written outside the library has none, and is waited
   * on through its `ready()` instead (`lib/internal/ForeignReceiver.ts`).
   */
  declare readonly _wakers: WakerSet;
  /**
   * @internal The receive() slot (invariant 5 of `lib/internal/protocol.ts`): how the one
   * `receive()` without a signal that waits first in line is settled, held in the receiver itself.
   */
  declare _slotResolve: ((message: never) => void) | undefined;
  /** @internal The slot's reject. */
  declare _slotReject: ((reason: unknown) => void) | undefined;
  /** @internal Set while the slot's registration hook runs: a wake then only records that it came. */
  declare _slotHeld: boolean;
  /** @internal Set by a wake that came while the slot was held. */
  declare _slotWoke: boolean;
  /** @internal An error a `receiveMany()` met after taking messages, owed to the next take (`lib/internal/receiveMany.ts`). */
  declare _failure: { readonly error: unknown } | undefined;

  constructor();
  /** @internal A built-in receiver: it speaks the pull protocol and is branded for it. */
  constructor(protocol: typeof PROTOCOL_VERSION);
  constructor(protocol?: typeof PROTOCOL_VERSION) {
    super(function (this: Observable<T>, subscriber: Subscriber<T>) {
      return observeReceiver(this as Receiver<T>, subscriber);
    });
    if (protocol === PROTOCOL_VERSION) {
      // Per instance, not on a prototype: branding a class at load time would keep every
      // built-in receiver in every bundle (a call at module level is a side effect).
      (this as { _wakers: WakerSet })._wakers = new WakerSet();
      // Set here, not added later, so that every built-in receiver has one shape.
      this._slotResolve = undefined;
      this._slotReject = undefined;
      this._slotHeld = false;
      this._slotWoke = false;
      (this as unknown as Record<symbol, number>)[POLLABLE] = PROTOCOL_VERSION;
    }
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
    if (this._failure !== undefined) {
      return rejectKeptFailure(this, checkSignal(options?.signal));
    }
    if (options === undefined && this._wakers !== undefined) {
      // The common case, a built-in receiver and no signal: nothing to check or bridge.
      if (this._poll() !== PENDING) {
        return consumeNow(this);
      }
      return this._slotResolve === undefined && this._wakers.isIdle && this._park === parkOwnWakers
        ? waitInSlot(this)
        : new PendingWait(this, consumeFrom, undefined).promise;
    }
    const signal = checkSignal(options?.signal);
    const source = pollableOf(this);
    if (signal?.aborted !== true && source._poll() !== PENDING) {
      // The fast path: a message is ready, take it within this call.
      return consumeNow(source);
    }
    // On a stopped receiver consume() throws its ReceiverStoppedError, with the cause it knows.
    return new PendingWait(source, consumeFrom, signal).promise;
  }

  /*
   * Taking without waiting, and in batches (issue 12): built on the same synchronous poll and
   * promise wait as receive(); the logic lives in lib/internal/tryReceive.ts and receiveMany.ts.
   */

  /**
   * Takes a message if one is ready now, never waiting. A message taken is consumed, as by
   * `receive()`; nothing else changes: a pending `ready()`/`receive()` stays pending.
   *
   * It does not queue behind pending `receive()` calls: when it runs while a message is ready
   * (from a `map()` function or a subscriber's `next`, in the call stack that made the message
   * ready), it can take a message that a waiting `receive()` would have had next, as Go's
   * `select` with `default` and tokio's `try_recv` can. Every message still goes to exactly one
   * taker.
   *
   * A receiver written outside the library (a subclass with only `ready()` and `consume()`) can
   * tell nothing synchronously: it answers `{ ok: false, stopped: false }` unless the library is
   * already waiting on it and its `ready()` has resolved. Such a subclass may override this method.
   *
   * @returns `{ ok: true, message }` when a message was ready; `{ ok: false, stopped: false }`
   * when nothing is ready now; `{ ok: false, stopped: true }` when the receiver has stopped.
   * @throws the receiver's error where `consume()` would throw it (for example
   * `ReceiverInvalidatedError`, or the source error of `fromObservable()`).
   *
   * @example
   * ```ts
   * await sender.send(1);
   * console.log(receiver.tryReceive()); // Logs: { ok: true, message: 1 }
   * console.log(receiver.tryReceive()); // Logs: { ok: false, stopped: false }
   * ```
   */
  tryReceive(): TryReceiveResult<T> {
    return tryReceiveOf(this);
  }

  /**
   * Waits until at least one message is ready, then takes up to `max` messages that are ready
   * without waiting again (tokio's `recv_many`, Effect's `takeUpTo`). Resolves `[]` once the
   * receiver has stopped and is drained, never with `[]` otherwise.
   *
   * A receiver written outside the library (with only `ready()` and `consume()`) gives one
   * message per call: whether a second is ready cannot be known without waiting.
   *
   * Errors: an error met before any message rejects the call, as `receive()` would. One met
   * after some messages ends the batch: the call resolves with those messages and the error is
   * thrown by the next `tryReceive()`, `receive()` or `receiveMany()` of this receiver (an
   * iteration or subscription does not see it).
   *
   * Cancellation: an aborted call rejects with the signal's reason and takes nothing; the
   * messages are taken in the tick the receiver is found ready, so an abort after that changes
   * nothing.
   *
   * @param max - How many messages to take at most: an integer from 1 and up, or `Infinity` for
   * every message ready now (a source that makes a new message ready in each `consume()`, such
   * as a `map()` that sends to its own channel, then never ends the batch).
   * @throws `RangeError`, synchronously, when `max` is not an integer from 1 and up nor
   * `Infinity` (a `TypeError` when it is not a number).
   *
   * @example
   * ```ts
   * await sender.send(1);
   * await sender.send(2);
   * console.log(await receiver.receiveMany(10)); // Logs: [ 1, 2 ]
   * ```
   */
  receiveMany(max: number, options?: AbortOptions): Promise<T[]> {
    checkCount('max', max, 1, true);
    return receiveManyOf(this, max, checkSignal(options?.signal));
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
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ReceiverIterator(pollableOf(this));
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
    return mappedReceiver(this, fn);
  }

  /**
   * A receiver of the messages for which `predicate` holds; the others are consumed from this
   * receiver and discarded. With a type guard, the element type narrows. Closing the result
   * closes this receiver; closed from inside `predicate`, it gives the message being judged back
   * (to an Anycast). From inside `predicate` the result has nothing ready: its own `ready()` or
   * `receive()` begun there waits until `predicate` has returned.
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
    return filteredReceiver(this, predicate);
  }

  /**
   * Whether `selected` (an item of `select()` or `Select`) came from this receiver: the
   * method form of `selectedFrom()` (the Python library's `Receiver.triggered()`), the same
   * type guard, which narrows `selected` to this receiver's message type and marks it handled.
   *
   * @example
   * ```ts
   * for await (const selected of select(prices, orders)) {
   *   if (selected.wasStopped || selected.exception !== undefined) continue;
   *   if (prices.triggered(selected)) console.log('price', selected.message);
   *   else if (orders.triggered(selected)) console.log('order', selected.message);
   * }
   * ```
   */
  triggered<S extends Selected<unknown>, R extends Receiver<unknown>>(
    this: R,
    selected: S,
  ): selected is S & SelectedFrom<R> {
    return claimSelected(selected, this);
  }

  /**
   * Turns this receiver into a {@link Peekable} of its channel. Only Broadcast receivers can; the
   * base class throws a {@link ReceiverError}, as the seed does.
   */
  intoPeekable(): Peekable<T> {
    throw new ReceiverError(`${String(this)} cannot be turned into a peekable`, this);
  }

  /**
   * This receiver as a plain `Observable`, hiding the receiver API; it shares the receiver's
   * Observable face (every subscriber gets each message taken while it is attached).
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
   * Stops this receiver; idempotent. It takes effect before it returns and returns nothing to
   * wait for (a receiver's `close()` is `void`; a channel's returns a promise). What it had
   * buffered is still delivered where the receiver kind says so (Broadcast), then `ready()`
   * resolves `false`. The base class holds nothing to release; receivers that do override this.
   */
  close(): void {}

  /** @internal `[Symbol.dispose]()`, declared in the interface {@link Receiver} above. */
  [DISPOSE](): void {
    this.close();
  }

  /*
   * The pull protocol of a built-in receiver, written once (see lib/internal/protocol.ts for the
   * invariants). A built-in receiver says where it stands (`_poll()`), takes its message
   * (`consume()`), calls `_wake()` when its state may have left PENDING, and may hook the first
   * park and the last unpark (an Anycast receiver joins and leaves its channel's waiting line; a
   * timer arms and cancels its scheduled action).
   */

  /** @internal Where the receiver stands now (invariant 1); built-in receivers override it. */
  _poll(): PollState {
    return PENDING;
  }

  /** @internal Polls and, when PENDING, registers `waker`, atomically (invariant 2). */
  _park(waker: Waker): PollState {
    const state = this._poll();
    return state === PENDING ? this._wakers.register(waker, this) : state;
  }

  /** @internal Takes back a registered waker (invariant 3). */
  _unpark(waker: Waker): void {
    this._wakers.remove(waker);
    this._idleIfUnwaited();
  }

  /** @internal Whether someone waits on this receiver. */
  protected get _waited(): boolean {
    return this._slotResolve !== undefined || !this._wakers.isEmpty;
  }

  /** @internal Wakes the `receive()` in the slot, then every parked waker: the state may have left PENDING. */
  protected _wake(): void {
    if (this._slotResolve !== undefined) {
      wakeSlot(this);
    }
    this._wakers.wakeAll();
    this._idleIfUnwaited();
  }

  /**
   * @internal Hands `message` straight to the `receive()` in the slot, first in line: the
   * caller's buffer must be empty, so those parked behind it stay PENDING. Returns whether it
   * did; if not, buffer and wake.
   */
  protected _handDirect(message: T): boolean {
    const resolve = this._slotResolve;
    if (resolve === undefined || this._slotHeld) {
      return false;
    }
    this._slotResolve = undefined;
    this._slotReject = undefined;
    this._idleIfUnwaited();
    (resolve as (message: T) => void)(message);
    return true;
  }

  /** @internal Calls `_idle()` when nobody waits any more. */
  _idleIfUnwaited(): void {
    if (this._slotResolve === undefined && this._wakers.isEmpty) {
      this._idle();
    }
  }

  /**
   * @internal Called after a waker was added; returns whether it may have changed where the
   * receiver stands (see `WakerSet.register`). The base records nothing.
   */
  _parked(): boolean {
    return false;
  }

  /** @internal Called when the last waker left. */
  protected _idle(): void {}

  /** @internal The error of a `consume()` that `ready()` did not announce. */
  protected _notReady(): ReceiverError<T> {
    return new ReceiverError(`${String(this)}: consume() was called before ready() resolved true`, this);
  }

  /**
   * The receiver's kind (and name, where it has one), as error messages show it. Built-in
   * receivers give `Kind:name`; a subclass written outside the library gets its class name.
   */
  override toString(): string {
    return this.constructor.name;
  }
}

/** How a waiting `receive()` settles: it takes the message in the tick it finds it ready. */
function consumeFrom<T>(source: Source<T>): T {
  return source.consume();
}

/** Takes the message a source has ready now, as a promise. */
function consumeNow<T>(source: Source<T>): Promise<T> {
  try {
    return Promise.resolve(source.consume());
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Waits for one `receive()` in the receiver's slot (invariant 5 of `lib/internal/protocol.ts`):
 * the receiver has just polled PENDING and nothing else waits on it, so this call is first in
 * line. The receiver's registration hook runs with the slot held, as `WakerSet.register` holds
 * a waker: a wake meanwhile is recorded, and the re-check below decides.
 */
function waitInSlot<T>(receiver: Receiver<T>): Promise<T> {
  const promise = new Promise<T>((resolve, reject) => {
    receiver._slotResolve = resolve;
    receiver._slotReject = reject;
  });
  registerSlot(receiver);
  return promise;
}

/**
 * Runs the receiver's registration hook for the `receive()` in the slot, with the slot held, then
 * re-checks when the hook or a wake meanwhile may have changed the state. Also after a wake that
 * found the receiver still PENDING, as a parked waker parks again: a wake may have used up what
 * the hook set up (a timer's alarm).
 */
function registerSlot<T>(receiver: Receiver<T>): void {
  receiver._slotHeld = true;
  receiver._slotWoke = false;
  let changed: boolean;
  try {
    changed = receiver._parked();
  } catch (error) {
    // A hook that runs user code threw: this call fails, nothing is taken.
    receiver._slotHeld = false;
    settleSlot(receiver, () => {
      throw error;
    });
    receiver._idleIfUnwaited();
    return;
  }
  receiver._slotHeld = false;
  if (changed || receiver._slotWoke) {
    pollSlot(receiver, false);
  }
}

/** The slot's wake: polls, and takes the message in the same tick when there is one; else registers again. */
function wakeSlot<T>(receiver: Receiver<T>): void {
  if (receiver._slotHeld) {
    receiver._slotWoke = true;
  } else {
    pollSlot(receiver, true);
  }
}

/**
 * Polls for the `receive()` in the slot and settles it when the receiver is ready; when it is
 * not, a wake registers the slot again. The poll may wake the receiver itself (a timer fires its
 * tick in `_poll()` and tells its waiters at once): that nested wake may already have settled the
 * slot, and then there is nothing to do. A wake leaves `_idle()` to `_wake()`, after its round.
 */
function pollSlot<T>(receiver: Receiver<T>, woken: boolean): void {
  const state = receiver._poll();
  if (receiver._slotResolve === undefined) {
    return;
  }
  if (state !== PENDING) {
    settleSlot(receiver, consumeFrom);
    if (!woken) {
      receiver._idleIfUnwaited();
    }
  } else if (woken) {
    registerSlot(receiver);
  }
}

/**
 * Takes the message (or the stop error) for the `receive()` in the slot, which it leaves first:
 * a `receive()` made from inside `consume()` (a `map()` function) waits anew, behind those
 * already parked. The caller calls `_idle()` when nobody waits any more (`_wake()` does so once,
 * after its round).
 */
function settleSlot<T>(receiver: Receiver<T>, take: (source: Source<T>) => T): void {
  const resolve = receiver._slotResolve as (message: T) => void;
  const reject = receiver._slotReject as (reason: unknown) => void;
  receiver._slotResolve = undefined;
  receiver._slotReject = undefined;
  try {
    resolve(take(receiver));
  } catch (error) {
    reject(error);
  }
}
/** The base class's `_park()`, which receivers that delegate waiting override (compared, never called). */
// eslint-disable-next-line @typescript-eslint/unbound-method -- only compared by identity
const parkOwnWakers: Receiver<unknown>['_park'] = Receiver.prototype._park;
