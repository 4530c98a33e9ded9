import { Observable, Subject, Subscription } from 'rxjs';
import { BroadcastReceiver, checkReceiverOptions, type BroadcastHub, type ReceiverLink } from './BroadcastReceiver';
import { ChannelClosedError, SenderError } from './errors';
import { Deque } from './internal/Deque';
import { ASYNC_DISPOSE, defineDisposal, closeAsync } from './internal/dispose';
import { CoreSender, type SenderCore } from './internal/CoreSender';
import { reportUnhandledError } from './internal/reportUnhandledError';
import { checkBoolean, checkOptions, checkString } from './internal/validate';
import { Peekable } from './Peekable';
import type { Sender } from './Sender';

/** Options of {@link Broadcast}. */
export interface BroadcastOptions {
  /**
   * Give every new receiver the latest message sent before it was created, first.
   * @defaultValue `false`
   */
  readonly resendLatest?: boolean | undefined;
  /**
   * Close the channel once at least one sender was made and every sender made from it was
   * closed. Garbage collection of a sender does not count as closing it.
   * @defaultValue `false`
   */
  readonly autoClose?: boolean | undefined;
}

/** Options of {@link Broadcast.newReceiver}. */
export interface BroadcastReceiverOptions {
  /**
   * The receiver's name, used in `toString()`, errors and overflow warnings.
   * @defaultValue `<channel name>-<n>`, numbered in creation order
   */
  readonly name?: string | undefined;
  /**
   * How many messages this receiver buffers; past that the oldest is dropped. An integer from 1
   * and up.
   * @defaultValue `50`
   */
  readonly maxsize?: number | undefined;
  /**
   * Log a warning through the library's logger when this receiver starts dropping messages.
   * @defaultValue `true`
   */
  readonly warnOnOverflow?: boolean | undefined;
}

const SENT: Promise<void> = Promise.resolve();

/** The `await using` face of {@link Broadcast}, merged into the class. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameters (each instance gets the method under ASYNC_DISPOSE, lib/internal/dispose.ts)
export interface Broadcast<T> {
  /**
   * Closes the channel when an `await using` scope ends: the same as {@link Broadcast.close}.
   * Idempotent.
   *
   * @example
   * ```ts
   * {
   *   await using channel = new Broadcast<string>('events');
   *   await channel.newSender().send('hello');
   * } // await channel.close() runs here, also on a throw
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A channel that delivers every message to every receiver.
 *
 * ## Guarantees
 * - **Ordering:** every receiver gets every message sent after it was created, in send order
 *   (also when a message is sent from inside a receiver's subscriber).
 * - **Buffer:** one buffer per receiver, of `maxsize` messages (default 50).
 * - **When full:** the oldest message is dropped for that receiver alone, counted in its
 *   `dropped`, and a warning is logged once per overflow episode (until its buffer next
 *   empties), unless `warnOnOverflow: false`. `send()` never waits, and `trySend()` always
 *   places the message (returns `true`).
 * - **Receivers:** closed or garbage-collected receivers stop counting in `receiverCount` and
 *   cost `send()` nothing; a receiver with a pending `ready()` or a subscriber is kept alive by
 *   the channel.
 * - **Closing a sender:** its `send()` rejects with {@link SenderClosedError}; other senders are
 *   unaffected. With `autoClose: true`, closing the last open sender closes the channel.
 * - **Closing:** `send()` and `trySend()` throw {@link SenderError} (cause
 *   {@link ChannelClosedError}); receivers drain their buffer, then stop with
 *   {@link ReceiverStoppedError} (cause {@link ChannelClosedError}); `asObservable()` completes;
 *   `peek()` is `undefined`. All of it from the moment `close()` returns; its promise is already
 *   resolved and does not wait for the receivers to drain: a receiver's `for await` loop ending
 *   is what says it has.
 * - **Cancellation:** an aborted `ready()`/`receive()` takes nothing.
 * - **Not guaranteed:** that a slow receiver sees every message (see "When full").
 *
 * @example
 * ```ts
 * const channel = new Broadcast<string>('events');
 * const first = channel.newReceiver();
 * const second = channel.newReceiver();
 * await channel.newSender().send('hello');
 * console.log(await first.receive(), await second.receive());
 * // Logs: hello hello
 * ```
 *
 * @example Closing, then waiting until a receiver has drained its buffer
 * ```ts
 * const printer = (async () => { for await (const event of first) console.log(event); })();
 * await channel.close(); // sends fail from now on; events may still be buffered
 * await printer; // the loop ends once `first` has drained its buffer
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Broadcast<T> {
  /** @internal */
  readonly _core: BroadcastCore<T>;

  constructor(name: string, options: BroadcastOptions = {}) {
    checkOptions('options', options);
    const resendLatest = checkBoolean('resendLatest', options.resendLatest, false);
    const autoClose = checkBoolean('autoClose', options.autoClose, false);
    this._core = new BroadcastCore<T>(this, checkString('name', name), resendLatest, autoClose);
    defineDisposal(this, ASYNC_DISPOSE, closeAsync);
  }

  /** The channel's name. */
  get name(): string {
    return this._core.name;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this._core.closed;
  }

  /** How many receivers are attached: not closed, not turned into peekables, not collected. */
  get receiverCount(): number {
    return this._core.receiverCount;
  }

  /** A new sender; on a closed channel, one whose `send()` rejects. */
  newSender(): Sender<T> {
    return new CoreSender(this._core, 'BroadcastSender');
  }

  /**
   * A new receiver of every message sent from now on (with `resendLatest`, the latest one
   * first); on a closed channel, one that is already stopped.
   */
  newReceiver(options: BroadcastReceiverOptions = {}): BroadcastReceiver<T> {
    return BroadcastReceiver._make(this._core, options);
  }

  /** A {@link Peekable} of the latest message sent. */
  newPeekable(): Peekable<T> {
    return this._core.newPeekable();
  }

  /**
   * A hot Observable of every message sent while subscribed; it completes when the channel
   * closes. It has no buffer: a subscriber sees messages synchronously as they are sent.
   */
  asObservable(): Observable<T> {
    return this._core.hub.asObservable();
  }

  /**
   * An Observable whose every subscription makes its own receiver (with these options: `name`,
   * `maxsize`, `warnOnOverflow`; with `resendLatest`, the latest message first) and closes it on
   * unsubscribe. It is what a template's `async` pipe wants: the subscription owns its receiver,
   * so a destroyed component leaves nothing attached, buffering and warning.
   *
   * Unlike {@link Broadcast.asObservable | asObservable()}, each subscription is a receiver:
   * it counts in `receiverCount`, gets the latest message first with `resendLatest`, and
   * completes when the channel closes after its buffer drains. Observables have no
   * back-pressure, so each message is emitted as it is sent (in send order, also for sends made
   * from inside `next`), and the buffer of `maxsize` only ever holds messages sent from inside a
   * delivery. Built on a {@link BroadcastReceiver}'s Observable face.
   *
   * @throws TypeError or RangeError at once when an option is invalid, naming it.
   *
   * @example
   * ```ts
   * // In an Angular component: `{{ prices$ | async }}`, detached when the component is destroyed.
   * readonly prices$ = inject(PriceService).prices.observe({ maxsize: 1, warnOnOverflow: false });
   * ```
   */
  observe(options: BroadcastReceiverOptions = {}): Observable<T> {
    checkReceiverOptions(options);
    return new Observable<T>((subscriber) => {
      const receiver = this.newReceiver(options);
      subscriber.add(() => receiver.close());
      return receiver.subscribe(subscriber);
    });
  }

  /**
   * Closes the channel (see the class's guarantees): sends fail from now on, and each receiver
   * stops once its buffer is drained. Idempotent.
   *
   * It takes effect before it returns, like every `close()` and `stop()` of the library.
   *
   * @returns a promise that is already resolved: nothing is left to wait for once `close()`
   * has returned (a `Promise` for the Python original's `async close()`). It does not wait for
   * receivers to drain what is buffered; to wait for that, wait for each receiver to stop (its
   * `for await` loop ends, its `ready()` resolves `false`).
   */
  close(): Promise<void> {
    this._core.close();
    return SENT;
  }

  /** `Broadcast:<name>`, as used in error messages. */
  toString(): string {
    return `Broadcast:${this._core.name}`;
  }
}

/** A message sent from inside a delivery, and the receivers attached when it was sent. */
interface PendingDelivery<T> {
  readonly message: T;
  readonly links: readonly ReceiverLink<T>[];
}

/** The state of one Broadcast channel, shared by its facade, senders, receivers and peekables. */
class BroadcastCore<T> implements BroadcastHub<T>, SenderCore<T> {
  /** What `asObservable()` exposes: the channel's hot face. Receivers are not subscribed to it. */
  readonly hub = new Subject<T>();
  /**
   * The attached receivers, in attach order. Delivery walks this array itself instead of going
   * through the Subject's subscriber chain (half the cost of a fan-out); it is replaced, never
   * changed in place, so a delivery keeps walking the array it started with.
   */
  private links: readonly ReceiverLink<T>[] = [];
  /** Detaches receivers that were garbage-collected without `close()`. */
  private readonly collected = new FinalizationRegistry<ReceiverLink<T>>((link) => this.detach(link));
  latest: T | undefined;
  hasLatest = false;
  /** Set once by `close()`; never unset. */
  closed = false;
  receiverCount = 0;
  openSenders = 0;
  /** A Broadcast never waits for room. */
  readonly waitingSends = 0;
  /** Numbers receivers for their default names. */
  receiversMade = 0;
  /**
   * Messages sent from inside a delivery, waiting for it to finish: delivering them at once
   * would let receivers earlier in the list see them before the message being delivered. Each
   * keeps the receivers attached when it was sent, so a receiver made later does not get it.
   */
  private readonly reentrantSends = new Deque<PendingDelivery<T>>();
  private delivering = false;

  constructor(
    readonly channel: Broadcast<T>,
    readonly name: string,
    readonly resendLatest: boolean,
    readonly autoClose: boolean,
  ) {}

  /** Delivers `message` to every receiver, as `send()` does: a Broadcast always has room. */
  trySend(message: T): boolean {
    this.deliver(message);
    return true;
  }

  /** No send of a Broadcast ever waits. */
  releaseSends(): void {}

  send(message: T, sender: Sender<T>, signal: AbortSignal | undefined): Promise<void> {
    // The signal first, as in ready(): an already-aborted call rejects with its reason.
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.closed) {
      return Promise.reject(this.senderClosedError(sender));
    }
    this.deliver(message);
    return SENT;
  }

  deliver(message: T): void {
    this.latest = message;
    this.hasLatest = true;
    if (this.delivering) {
      this.reentrantSends.push({ message, links: this.links });
      return;
    }
    this.delivering = true;
    try {
      this.deliverOne(message, this.links);
      while (this.reentrantSends.length > 0) {
        const pending = this.reentrantSends.shift();
        this.deliverOne(pending.message, pending.links);
      }
    } finally {
      this.delivering = false;
    }
    if (this.closed) {
      // close() was called from inside this delivery and left completing to it.
      this.completeAll();
    }
  }

  /** Attaches a receiver's link; unsubscribing the result detaches it. */
  attach(link: ReceiverLink<T>, receiver: BroadcastReceiver<T>): Subscription {
    this.receiverCount++;
    this.links = [...this.links, link];
    link.attached = true;
    link.subscription = new Subscription(() => this.removeLink(link));
    this.collected.register(receiver, link, link);
    return link.subscription;
  }

  /** Detaches a receiver's link if it is still attached (closed, made a peekable, or collected). */
  detach(link: ReceiverLink<T>): void {
    const subscription = link.subscription;
    if (subscription === undefined || subscription.closed) {
      return;
    }
    subscription.unsubscribe();
    this.receiverCount--;
    this.collected.unregister(link);
  }

  newPeekable(): Peekable<T> {
    return new BroadcastPeekable(this);
  }

  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.receiverCount = 0;
    this.latest = undefined;
    // Inside a delivery, completing now would cut it short: receivers later in the list would
    // miss the message being delivered and those sent from inside it. deliver() completes.
    if (!this.delivering) {
      this.completeAll();
    }
  }

  /** Every receiver of `links` still attached, then every `asObservable()` subscriber. */
  private deliverOne(message: T, links: readonly ReceiverLink<T>[]): void {
    for (let index = 0; index < links.length; index++) {
      const link = links[index] as ReceiverLink<T>;
      // A receiver detached during this delivery (by an earlier one's subscriber) gets nothing.
      if (link.attached) {
        try {
          link.next(message);
        } catch (error) {
          reportUnhandledError(error);
        }
      }
    }
    if (this.hub.observed) {
      this.hub.next(message);
    }
  }

  private removeLink(link: ReceiverLink<T>): void {
    link.attached = false;
    this.links = this.links.filter((attached) => attached !== link);
  }

  /** Tells every attached receiver, then the hub's subscribers, that the channel closed. */
  private completeAll(): void {
    const links = this.links;
    this.links = [];
    for (const link of links) {
      link.subscription?.unsubscribe();
      link.complete();
    }
    this.hub.complete();
  }

  senderClosedError(sender: Sender<T>): SenderError<T> {
    return new SenderError('The channel was closed', sender, { cause: new ChannelClosedError(this.channel) });
  }
}

class BroadcastPeekable<T> extends Peekable<T> {
  constructor(private readonly core: BroadcastCore<T>) {
    super();
  }

  peek(): T | undefined {
    return this.core.latest;
  }

  override toString(): string {
    return `BroadcastPeekable:${this.core.name}`;
  }
}
