import type { Observer } from 'rxjs';
import { SenderError } from './errors';
import { brand } from './internal/brand';
import { SenderObserver } from './internal/SenderObserver';
import type { AbortOptions } from './Receiver';

/** Options of {@link Sender.asObserver}. */
export interface SenderObserverOptions {
  /**
   * Close the channel once the Observable completes and every value it gave was sent.
   * @defaultValue `false`
   */
  readonly closeOnComplete?: boolean | undefined;
  /**
   * Close the channel once the Observable errors and every value it gave before was sent. The
   * error itself is logged through the library's logger either way.
   * @defaultValue `false`
   */
  readonly closeOnError?: boolean | undefined;
}

/**
 * The sending end of a channel.
 *
 * @example
 * ```ts
 * const channel = new Anycast<string>({ name: 'jobs' });
 * const sender = channel.newSender();
 * await sender.send('build');
 * ```
 */
export abstract class Sender<T> {
  static {
    // instanceof across copies of the package, and for a BidirectionalHandle (a Receiver too).
    brand(this, 'Sender');
  }

  /**
   * Sends `message`.
   *
   * Cancellation: an aborted call rejects with the signal's reason and has not sent its
   * message; a sender that was waiting for room loses its place in line.
   *
   * @throws {@link SenderError} when the channel is closed; its `cause` is a
   * {@link ChannelClosedError} whose `channel` is the channel.
   */
  abstract send(message: T, options?: AbortOptions): Promise<void>;

  /**
   * Sends `message` only if that needs no wait: returns `true` when it was placed, `false` when
   * the channel is full (an Anycast whose buffer is full, or that has senders already waiting
   * for room: `trySend()` never jumps their line). It never waits and never queues the message.
   * A Broadcast always has room.
   *
   * The base class throws: a sender written outside the library knows only `send()`, which
   * returns a promise, so whether it could place a message without waiting is unknown.
   * Answering `false` would have a caller retry forever; such a subclass may override this.
   *
   * @throws {@link SenderError} when the channel is closed (its `cause` is a
   * {@link ChannelClosedError} whose `channel` is the channel), as `send()` rejects; also, from
   * the base class, saying that the sender does not support it.
   *
   * @example
   * ```ts
   * const channel = new Anycast<number>({ maxsize: 1 });
   * const sender = channel.newSender();
   * console.log(sender.trySend(1), sender.trySend(2)); // Logs: true false
   * ```
   */
  trySend(message: T): boolean;
  trySend(): boolean {
    throw new SenderError(`${String(this)} does not support trySend(): it can only send by waiting`, this);
  }

  /**
   * Closes this sender (Python 1.x's `Sender.aclose()`, Go's `close(ch)` for one producer): from
   * now on its `send()` rejects with {@link SenderClosedError} and places nothing, and a `send()`
   * of it still waiting for room is released with that error. Other senders of the channel are
   * unaffected; a channel made with `autoClose: true` closes itself once every sender made from
   * it was closed. Idempotent. It takes effect before it returns.
   *
   * A sender written outside the library inherits a `close()` that only marks it closed
   * (`isClosed`); its own `send()` should check `isClosed` and reject with
   * {@link SenderClosedError}.
   *
   * @example
   * ```ts
   * const sender = channel.newSender();
   * await sender.send('last');
   * sender.close();
   * console.log(sender.isClosed); // Logs: true
   * ```
   */
  close(): void {
    this._closed = true;
  }

  /** Whether `close()` was called on this sender (not whether its channel is closed). */
  get isClosed(): boolean {
    return this._closed === true;
  }

  /**
   * @internal Set by `close()`. Optional and not private: a class that `implements Sender` (a
   * BidirectionalHandle) cannot carry another class's private fields.
   */
  declare _closed?: boolean;

  /**
   * An RxJS `Observer` that sends every value it is given, in order. While the channel is full
   * (Anycast back-pressure) the values wait in order, without bound and without loss, in the
   * channel's own line of blocked senders, and each is placed in the call stack of the receive
   * that makes room; on a channel with room a value is placed synchronously, in the Observable's
   * own call stack. For a bound on the waiting values, use the `toChannel()` operator.
   * Completion and errors close the channel only when asked to (see
   * {@link SenderObserverOptions}); values that can no longer be sent because the channel was
   * closed are reported through the logger.
   *
   * @example
   * ```ts
   * interval(1000).pipe(take(3)).subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
   * ```
   */
  asObserver(options: SenderObserverOptions = {}): Observer<T> {
    return new SenderObserver(this, options);
  }

  /**
   * The sender's kind and channel name, as error messages and warnings show it. Built-in senders
   * give `Kind:name`; a subclass written outside the library gets its class name.
   */
  toString(): string {
    return this.constructor.name;
  }
}
