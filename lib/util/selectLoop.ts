import { Observable, observable, type InteropObservable } from 'rxjs';
import { ChannelsError, type ChannelsErrorOptions } from '../errors';
import { claimSelected } from '../internal/claim';
import { checkReceivers, FanIn } from '../internal/FanIn';
import { PENDING, STOPPED, type Source } from '../internal/protocol';
import { SharedFace } from '../internal/ReceiverObservable';
import { PendingWait } from '../internal/wait';
import type { Receiver } from '../Receiver';
import type { MessageOf } from './Merge';
import { Selected } from './Selected';

declare const selectedFromBrand: unique symbol;

/**
 * A {@link Selected} that {@link selectedFrom} matched to receiver `R`: a `Selected` of `R`'s
 * message type, still a union of message, failure and stop (check `wasStopped` and `exception`
 * before reading `message`). The brand (a property that exists only in the type) is what lets an
 * `if (selectedFrom(s, a)) … else if (selectedFrom(s, b))` chain narrow over two receivers of
 * the same message type: without it the `else` branch would narrow to `never`.
 *
 * @example
 * ```ts
 * if (selectedFrom(selected, numbers) && !selected.wasStopped && selected.exception === undefined) {
 *   const matched: SelectedMessage<number> & SelectedFrom<Receiver<number>> = selected;
 * }
 * ```
 */
export type SelectedFrom<R> = Selected<MessageOf<R>> & {
  /** The receiver the item was matched to; it exists only in the type. */
  readonly [selectedFromBrand]: R;
};

/**
 * The base class of the errors of {@link select}.
 *
 * @example
 * ```ts
 * try { for await (const s of select(a)) {} } catch (err) { if (err instanceof SelectError) { ... } }
 * ```
 */
export class SelectError extends ChannelsError {}

/**
 * A {@link select} loop yielded an item that no {@link selectedFrom} call matched: the loop
 * throws it at its next step, so that a receiver missing from the `if` chain does not go
 * unnoticed. `selected` is that item.
 *
 * @example
 * ```ts
 * for await (const selected of select(a, b)) {
 *   if (selectedFrom(selected, a)) { ... } // b is not handled: the next step throws
 * }
 * ```
 */
export class UnhandledSelectedError<T = unknown> extends SelectError {
  /** The item no `selectedFrom` call matched. */
  readonly selected: Selected<T>;

  constructor(selected: Selected<T>, options?: ChannelsErrorOptions) {
    super(`Selected receiver ${String(selected._receiver)} was not handled in the if-chain`, options);
    this.selected = selected;
  }
}

/**
 * Whether `selected` came from `receiver`; a type guard that narrows `selected` to a
 * {@link Selected} of `receiver`'s message type. A match also marks the item handled (see
 * {@link UnhandledSelectedError}). `message` can be read once `wasStopped` and `exception` are
 * checked.
 *
 * @example
 * ```ts
 * if (selectedFrom(selected, numbers)) {
 *   if (selected.exception === undefined && !selected.wasStopped) console.log(selected.message + 1);
 * } else if (selectedFrom(selected, otherNumbers)) { ... }
 * ```
 */
export function selectedFrom<S extends Selected<unknown>, R extends Receiver<unknown>>(
  selected: S,
  receiver: R,
): selected is S & SelectedFrom<R> {
  return claimSelected(selected, receiver);
}

/**
 * Waits on all `receivers` at once and yields a {@link Selected} for each message, error or
 * stop, the first ready receiver winning as in RxJS `race()`; the successor API to
 * {@link Select}. Tell the items apart with {@link selectedFrom}.
 *
 * ## Guarantees
 * - **Ordering:** each receiver's messages in its order; when several receivers are ready at
 *   once, each is yielded once before any is yielded twice (round-robin, no starvation).
 * - **Buffer:** none: a message is taken from its receiver only when its item is yielded.
 * - **When full:** nothing of its own fills up; a receiver not yet read keeps its own policy.
 * - **Errors:** an error a receiver's `consume()` throws is yielded as the item's `exception`
 *   (the item has no `message` in its type; at run time reading it rethrows the error), and the
 *   receiver stays in the loop. An item no `selectedFrom`
 *   call matched throws {@link UnhandledSelectedError} at the next step.
 * - **Closing:** a stopped receiver is yielded once with `wasStopped` true, then no more; the
 *   loop ends when every receiver has stopped. The receivers are never closed by the loop.
 * - **Cancellation:** leaving the loop (`break`, `return`, `throw`) or calling `return()` on
 *   the iterator releases every pending wait at once and takes nothing more.
 *
 * @throws TypeError when no receiver is given, or an argument is not a {@link Receiver}.
 *
 * @example
 * ```ts
 * for await (const selected of select(prices, orders)) {
 *   if (selected.wasStopped || selected.exception !== undefined) console.log(String(selected), selected.exception);
 *   else if (selectedFrom(selected, prices)) console.log('price', selected.message);
 *   else if (selectedFrom(selected, orders)) console.log('order', selected.message);
 * }
 * ```
 */
export function select<const R extends readonly Receiver<unknown>[]>(
  ...receivers: R
): SelectLoop<Selected<MessageOf<R[number]>>> {
  const entries = receivers.map((receiver, index) => [`receivers[${index}]`, receiver] as const);
  return new SelectIterator(new FanIn(checkReceivers<MessageOf<R[number]>>(entries, '`select()`')));
}

/**
 * What {@link select} returns: an async iterator of its items, and an RxJS interop Observable of
 * them (`from(select(a, b))`, `asObservable()`).
 *
 * The Observable face is shared like a receiver's: each item is emitted to every subscriber
 * attached when it is taken; a message is taken only to be emitted, so unsubscribing (even from
 * inside `next`, or a component destroyed under an `async` pipe) takes nothing more. It completes
 * when every receiver has stopped. Unlike the loop, it does not throw
 * {@link UnhandledSelectedError}: operators may look at an item after `next` returns.
 *
 * @example
 * ```ts
 * from(select(prices, orders)).pipe(take(10)).subscribe((selected) => {
 *   if (selectedFrom(selected, prices)) console.log('price', selected.message);
 * });
 * ```
 */
export interface SelectLoop<S> extends AsyncIterableIterator<S>, InteropObservable<S> {
  /** The items as a plain Observable (see the interface's notes). */
  asObservable(): Observable<S>;
}

type Step<T> = IteratorResult<Selected<T>, undefined>;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The iterator behind {@link select}: a thin layer over the one fan-in, which waits on every
 * receiver at once (as RxJS `race()` does) and takes a message only when its item is yielded.
 */
class SelectIterator<T> implements SelectLoop<Selected<T>> {
  /** The item yielded last, until the next step checks that a `selectedFrom` call matched it. */
  private lastYielded: Selected<T> | undefined;
  /** Set once the loop is over (every receiver stopped, `return()`, an error); never unset. */
  private ended = false;
  /** The `next()` that waits for a receiver, while one does. */
  private waiting: PendingWait<Step<T>, FanIn<T>> | undefined;

  /** The Observable face, made at its first subscription. */
  private face: SharedFace<Selected<T>> | undefined;

  constructor(private readonly fanIn: FanIn<T>) {
    // The interop entry under RxJS's runtime key (`'@@observable'` where `Symbol.observable` does
    // not exist), set per instance: a class member with a computed key keeps the class in every
    // bundle (bundlers cannot prove such a key free of side effects).
    Object.defineProperty(this, observable, { value: interopObservable });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The RxJS interop entry, typed as RxJS types it. */
  declare [Symbol.observable]: () => Observable<Selected<T>>;

  asObservable(): Observable<Selected<T>> {
    return new Observable<Selected<T>>((subscriber) => {
      this.face ??= new SharedFace(selectedItems(this.fanIn));
      return this.face.attach(subscriber);
    });
  }

  next(): Promise<Step<T>> {
    if (this.waiting !== undefined) {
      // A next() while another waits runs after it, as with an async generator.
      const after = (): Promise<Step<T>> => this.next();
      return this.waiting.promise.then(after, after);
    }
    try {
      if (this.ended || this.fanIn._poll() !== PENDING) {
        return Promise.resolve(this.step());
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const waiting = new PendingWait(
      this.fanIn,
      () => {
        this.waiting = undefined;
        return this.step();
      },
      undefined,
    );
    // A wait may be over within its constructor (a source that turned ready while it parked).
    if (!waiting.settled) {
      this.waiting = waiting;
    }
    return waiting.promise;
  }

  /** Ends the loop: releases the pending wait, if any; the last item needs no match any more. */
  return(): Promise<Step<T>> {
    this.lastYielded = undefined;
    this.end();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<Step<T>> {
    this.lastYielded = undefined;
    this.end();
    return Promise.reject(error);
  }

  /** One step, when the fan-in is not PENDING: the next item or the end. */
  private step(): Step<T> {
    const last = this.lastYielded;
    this.lastYielded = undefined;
    if (last !== undefined && !last._handled) {
      this.end();
      throw new UnhandledSelectedError(last);
    }
    const fanIn = this.fanIn;
    if (this.ended || fanIn._poll() === STOPPED) {
      this.end();
      return DONE;
    }
    this.lastYielded = Selected._take(fanIn, fanIn.found, fanIn.foundState);
    return { done: false, value: this.lastYielded };
  }

  private end(): void {
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.cancel(DONE);
  }
}

function interopObservable<T>(this: SelectIterator<T>): Observable<Selected<T>> {
  return this.asObservable();
}

/** The fan-in as a source of items: consuming takes one message (or stop) as a {@link Selected}. */
function selectedItems<T>(fanIn: FanIn<T>): Source<Selected<T>> {
  return {
    _poll: () => fanIn._poll(),
    _park: (waker) => fanIn._park(waker),
    _unpark: (waker) => fanIn._unpark(waker),
    consume: () => Selected._take(fanIn, fanIn.found, fanIn.foundState),
  };
}
