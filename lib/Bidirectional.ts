import { checkSignal } from './internal/abortable';
import { readyOf } from './internal/wait';
import { PROTOCOL_VERSION } from './internal/protocol';
import type { Observer } from 'rxjs';
import { Broadcast } from './Broadcast';
import { BroadcastReceiver } from './BroadcastReceiver';
import { ChannelError, ReceiverError, ReceiverStoppedError, SenderClosedError, SenderError } from './errors';
import { carryBrand } from './internal/brand';
import { ASYNC_DISPOSE, defineDisposal, closeAsync } from './internal/dispose';
import type { PollState, Waker } from './internal/protocol';
import { brandChannelSender, SenderObserver, type ChannelSender } from './internal/SenderObserver';
import { checkCount, checkOptions, checkString, checkType } from './internal/validate';
import { Receiver, type AbortOptions } from './Receiver';
import type { Sender, SenderObserverOptions } from './Sender';

/** Options of {@link Bidirectional}. */
export interface BidirectionalOptions {
  /**
   * How many messages each handle buffers, in each direction (requests for the service,
   * responses for the client); past that the oldest is dropped. An integer from 1 and up.
   * @defaultValue `50`
   */
  readonly maxsize?: number | undefined;
  /**
   * Log a warning, naming the Bidirectional and the direction, when a handle's buffer overflows
   * (once per overflow episode).
   * @defaultValue `true`
   */
  readonly warnOnOverflow?: boolean | undefined;
}

/** Lets only a Bidirectional construct its handles. */
const constructingHandle = { allowed: false, branded: false };

/**
 * One end of a {@link Bidirectional} channel: a receiver of `R` that can also send `S`.
 *
 * @example
 * ```ts
 * const handle: BidirectionalHandle<string, number> = channel.clientHandle;
 * await handle.send('ping');
 * ```
 */
export class BidirectionalHandle<S, R> extends Receiver<R> implements Sender<S> {
  /** Made only by a {@link Bidirectional} (its `clientHandle` and `serviceHandle`): calling it otherwise throws a `TypeError`. */
  private constructor(
    private readonly owner: { close(): Promise<void> },
    private readonly sender: Sender<S>,
    private readonly receiver: BroadcastReceiver<R>,
  ) {
    if (!constructingHandle.allowed) {
      throw new TypeError(
        "BidirectionalHandle cannot be constructed directly: use a Bidirectional's clientHandle or serviceHandle",
      );
    }
    constructingHandle.allowed = false;
    super(PROTOCOL_VERSION);
    brandChannelSender(this);
  }

  /** @internal */
  static _make<S, R>(
    owner: { close(): Promise<void> },
    sender: Sender<S>,
    receiver: BroadcastReceiver<R>,
  ): BidirectionalHandle<S, R> {
    if (!constructingHandle.branded) {
      // A handle is a Sender too (`handle instanceof Sender`). Done at the first handle, not at
      // load time, so that a bundle that never makes one can drop this file.
      carryBrand(BidirectionalHandle.prototype, 'Sender');
      constructingHandle.branded = true;
    }
    constructingHandle.allowed = true;
    try {
      return new BidirectionalHandle(owner, sender, receiver);
    } finally {
      constructingHandle.allowed = false;
    }
  }

  /**
   * Sends `message` to the other end.
   *
   * @throws {@link SenderError} when the channel is closed; its `cause` is a {@link ChannelError}
   * whose `channel` is the Bidirectional and whose own `cause` is the {@link ChannelClosedError}.
   */
  send(message: S, options?: AbortOptions): Promise<void> {
    if (this.sender.isClosed && options?.signal?.aborted !== true) {
      return Promise.reject(new SenderClosedError(this));
    }
    // A promise chain: zone.js cannot see the continuation of a native `await`.
    return this.sender.send(message, options).then(undefined, (error: unknown) => {
      throw this.rewrapSenderError(error);
    });
  }

  /**
   * Sends `message` to the other end; the other end is a Broadcast, which always has room, so it
   * returns `true`.
   *
   * @throws {@link SenderError} when the channel is closed, with the same `cause` as `send()`.
   */
  trySend(message: S): boolean {
    if (this.sender.isClosed) {
      throw new SenderClosedError(this);
    }
    try {
      return this.sender.trySend(message);
    } catch (error) {
      throw this.rewrapSenderError(error);
    }
  }

  /** See {@link Sender.asObserver}. */
  asObserver(options: SenderObserverOptions = {}): Observer<S> {
    return new SenderObserver(this, options);
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * @throws {@link ReceiverStoppedError} when the channel was closed and drained; its `cause` is a
   * {@link ChannelError} whose `channel` is the Bidirectional and whose own `cause` is the
   * {@link ChannelClosedError}.
   */
  consume(): R {
    try {
      return this.receiver.consume();
    } catch (error) {
      throw this.rewrapReceiverError(error);
    }
  }

  /**
   * Closes both sides of this handle: its sends reject with {@link SenderClosedError} from now
   * on, and its receiving side stops (as a receiver's `close()`). The other handle and the
   * Bidirectional stay open. Idempotent.
   */
  override close(): void {
    this.sender.close();
    this.receiver.close();
  }

  /** Whether this handle was closed (`close()`), not whether its Bidirectional is. */
  get isClosed(): boolean {
    return this.sender.isClosed;
  }

  override toString(): string {
    return `BidirectionalHandle:${String(this.receiver)}`;
  }

  /** @internal */
  override _poll(): PollState {
    return this.receiver._poll();
  }

  /** @internal */
  override _park(waker: Waker): PollState {
    return this.receiver._park(waker);
  }

  /** @internal */
  override _unpark(waker: Waker): void {
    this.receiver._unpark(waker);
  }

  /** @internal */
  _trySend(message: S): boolean {
    return (this.sender as Sender<S> & ChannelSender<S>)._trySend(message);
  }

  /** @internal */
  _closeChannel(): Promise<void> {
    return this.owner.close();
  }

  private rewrapSenderError(error: unknown): unknown {
    if (error instanceof SenderError && error.cause instanceof ChannelError) {
      return new SenderError(error.message, this, { cause: this.channelError(error.cause) });
    }
    return error;
  }

  private rewrapReceiverError(error: unknown): unknown {
    if (!(error instanceof ReceiverError)) {
      return error;
    }
    const cause = error.cause instanceof ChannelError ? { cause: this.channelError(error.cause) } : {};
    if (error instanceof ReceiverStoppedError) {
      return new ReceiverStoppedError(this, cause);
    }
    // The message names the receiver it came from: name this handle instead.
    return new ReceiverError(error.message.split(String(this.receiver)).join(String(this)), this, cause);
  }

  private channelError(original: ChannelError): ChannelError {
    return new ChannelError(
      `Error in the underlying channel ${String(original.channel)}: ${original.message}`,
      this.owner,
      {
        cause: original,
      },
    );
  }
}

/** The `await using` face of {@link Bidirectional}, merged into the class. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameters (each instance gets the method under ASYNC_DISPOSE, lib/internal/dispose.ts)
export interface Bidirectional<T, U> {
  /**
   * Closes the channel (both directions) when an `await using` scope ends: the same as {@link Bidirectional.close}.
   * Idempotent.
   *
   * @example
   * ```ts
   * {
   *   await using channel = new Bidirectional<string, number>('client', 'service');
   *   await channel.clientHandle.send('hello');
   * } // await channel.close() runs here, also on a throw
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A pair of {@link Broadcast} channels for requests and responses between a client and a
 * service: `clientHandle` sends `T` and receives `U`, `serviceHandle` the reverse.
 *
 * ## Guarantees
 * - **Ordering, buffer, when full:** those of {@link Broadcast}, in each direction: each handle
 *   receives through one Broadcast receiver of `maxsize` messages (default 50), dropping the
 *   oldest when full, with a warning that names this Bidirectional and the direction
 *   (`Bidirectional:<client>:<service> requests: buffer full ...`), unless `warnOnOverflow: false`.
 * - **Channels:** named `req_<service>_<client>` and `resp_<service>_<client>`.
 * - **Closing:** `close()` closes both directions, before it returns; its promise does not wait
 *   for the handles to drain. Errors that come from an underlying channel
 *   are rethrown with a `cause` that is a {@link ChannelError} whose `channel` is this
 *   Bidirectional (message `Error in the underlying channel ...`), whose own `cause` is the
 *   original channel error.
 *
 * @example
 * ```ts
 * const channel = new Bidirectional<string, number>('client', 'lengths');
 * await channel.clientHandle.send('hello');
 * const request = await channel.serviceHandle.receive();
 * await channel.serviceHandle.send(request.length);
 * console.log(await channel.clientHandle.receive()); // Logs: 5
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Bidirectional<T, U> {
  /** The handle type, also reachable as `Bidirectional.Handle` as in the seed. */
  static readonly Handle: typeof BidirectionalHandle = BidirectionalHandle;

  /** The client's end: sends requests `T`, receives responses `U`. */
  readonly clientHandle: BidirectionalHandle<T, U>;
  /** The service's end: sends responses `U`, receives requests `T`. */
  readonly serviceHandle: BidirectionalHandle<U, T>;
  private readonly requests: Broadcast<T>;
  private readonly responses: Broadcast<U>;
  private readonly clientId: string;
  private readonly serviceId: string;

  /**
   * @param clientId - names the client, in the channel names and `toString()`.
   * @param serviceId - names the service, likewise.
   * @param options - the buffer of both directions and its overflow warning.
   * @throws TypeError when an id is not a string or an option has the wrong type.
   * @throws RangeError when `maxsize` is not an integer from 1 up.
   */
  constructor(clientId: string, serviceId: string, options: BidirectionalOptions = {}) {
    this.clientId = checkString('clientId', clientId);
    this.serviceId = checkString('serviceId', serviceId);
    checkOptions('options', options);
    const { maxsize = 50, warnOnOverflow = true } = options;
    const receiverOptions = { maxsize: checkCount('maxsize', maxsize, 1, false), warnOnOverflow };
    checkType('warnOnOverflow', warnOnOverflow, 'boolean');
    this.requests = new Broadcast<T>(`req_${serviceId}_${clientId}`);
    this.responses = new Broadcast<U>(`resp_${serviceId}_${clientId}`);
    // The handles' receivers warn in the Bidirectional's name: the Broadcasts are internal.
    const requests = BroadcastReceiver._make(this.requests._core, receiverOptions, () => `${String(this)} requests`);
    const responses = BroadcastReceiver._make(this.responses._core, receiverOptions, () => `${String(this)} responses`);
    this.clientHandle = BidirectionalHandle._make(this, this.requests.newSender(), responses);
    this.serviceHandle = BidirectionalHandle._make(this, this.responses.newSender(), requests);
    defineDisposal(this, ASYNC_DISPOSE, closeAsync);
  }

  /**
   * Closes both directions, as {@link Broadcast.close} does each: it takes effect before it
   * returns, and both handles' sends fail from then on. Idempotent.
   *
   * @returns a promise that resolves once both channels' `close()` promises have, which are
   * already resolved: it waits for nothing else, and not for the handles to drain what they
   * buffered (their `for await` loops ending says that).
   */
  close(): Promise<void> {
    return Promise.all([this.requests.close(), this.responses.close()]).then(() => undefined);
  }

  /** `Bidirectional:<clientId>:<serviceId>`, as used in error messages. */
  toString(): string {
    return `Bidirectional:${this.clientId}:${this.serviceId}`;
  }
}

/** Types reachable through the class, as in the seed: `Bidirectional.Handle<S, R>`. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Bidirectional {
  /** The type of {@link Bidirectional.clientHandle} and {@link Bidirectional.serviceHandle}. */
  type Handle<S, R> = BidirectionalHandle<S, R>;
}
