import { checkSignal } from './internal/abortable';
import { readyOf } from './internal/wait';
import { PROTOCOL_VERSION } from './internal/protocol';
import type { Observer } from 'rxjs';
import { Broadcast } from './Broadcast';
import type { BroadcastReceiver } from './BroadcastReceiver';
import { ChannelError, ReceiverError, ReceiverStoppedError, SenderError } from './errors';
import { carryBrand } from './internal/brand';
import { ASYNC_DISPOSE, defineDisposal, closeAsync } from './internal/dispose';
import type { PollState, Waker } from './internal/protocol';
import { brandChannelSender, SenderObserver, type ChannelSender } from './internal/SenderObserver';
import { checkString } from './internal/validate';
import { Receiver, type AbortOptions } from './Receiver';
import type { Sender, SenderObserverOptions } from './Sender';

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
    // A promise chain: zone.js cannot see the continuation of a native `await`.
    return this.sender.send(message, options).then(undefined, (error: unknown) => {
      if (error instanceof SenderError && error.cause instanceof ChannelError) {
        throw new SenderError(error.message, this, { cause: this.channelError(error.cause) });
      }
      throw error;
    });
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

  override close(): void {
    this.receiver.close();
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
 *   receives through one Broadcast receiver of the default `maxsize` (50), dropping the oldest
 *   when full.
 * - **Channels:** named `req_<service>_<client>` and `resp_<service>_<client>`.
 * - **Closing:** `close()` closes both directions. Errors that come from an underlying channel
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

  constructor(clientId: string, serviceId: string) {
    this.clientId = checkString('clientId', clientId);
    this.serviceId = checkString('serviceId', serviceId);
    this.requests = new Broadcast<T>(`req_${serviceId}_${clientId}`);
    this.responses = new Broadcast<U>(`resp_${serviceId}_${clientId}`);
    this.clientHandle = BidirectionalHandle._make(this, this.requests.newSender(), this.responses.newReceiver());
    this.serviceHandle = BidirectionalHandle._make(this, this.responses.newSender(), this.requests.newReceiver());
    defineDisposal(this, ASYNC_DISPOSE, closeAsync);
  }

  /** Closes both directions. */
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
