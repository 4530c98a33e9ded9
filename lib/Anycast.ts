import { readyOf } from './internal/wait';
import { ChannelClosedError, ReceiverStoppedError, SenderError } from './errors';
import { checkSignal, listenForAbort } from './internal/abortable';
import { releaseWhenCollected, type Releasable } from './internal/collected';
import { Deque } from './internal/Deque';
import { ASYNC_DISPOSE, defineDisposal, closeAsync } from './internal/dispose';
import { PENDING, PROTOCOL_VERSION, READY, STOPPED, type PollState } from './internal/protocol';
import { CoreSender, type SenderCore } from './internal/CoreSender';
import type { Taken } from './internal/taken';
import { checkBoolean, checkCount, checkOptions, checkString } from './internal/validate';
import { waitNode, WaitQueue, type WaitNode } from './internal/WaitQueue';
import { Receiver, type AbortOptions } from './Receiver';
import type { Sender } from './Sender';

/** Options of {@link Anycast}. */
export interface AnycastOptions {
  /**
   * The channel's name, used in `toString()` and error messages.
   * @defaultValue `anycast-<n>`, numbered in creation order
   */
  readonly name?: string | undefined;
  /**
   * How many messages the buffer holds before `send()` waits: an integer from 0 and up, or
   * `Infinity`. `0` makes a rendezvous channel (Go's unbuffered channel): `send()` resolves only
   * once a receiver has the message. `Infinity` makes an unbounded one: `send()` never waits.
   * @defaultValue `10`
   */
  readonly maxsize?: number | undefined;
  /**
   * Close the channel once at least one sender was made and every sender made from it was
   * closed (Go's "the producer closes the channel"). Garbage collection of a sender does not
   * count as closing it.
   * @defaultValue `false`
   */
  readonly autoClose?: boolean | undefined;
}

const SENT: Promise<void> = Promise.resolve();
let anycastCount = 0;

/** A sender waiting for room, in arrival order. */
interface BlockedSend<T> {
  readonly message: T;
  readonly sender: Sender<T>;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  stopListening: (() => void) | undefined;
}

/** The `await using` face of {@link Anycast}, merged into the class. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameters (each instance gets the method under ASYNC_DISPOSE, lib/internal/dispose.ts)
export interface Anycast<T> {
  /**
   * Closes the channel when an `await using` scope ends: the same as {@link Anycast.close}.
   * Idempotent.
   *
   * @example
   * ```ts
   * {
   *   await using channel = new Anycast<number>();
   *   await channel.newSender().send(1);
   * } // await channel.close() runs here, also on a throw
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A channel that delivers each message to exactly one receiver.
 *
 * ## Guarantees
 * - **Ordering:** messages are received in send order; senders blocked together resume in
 *   arrival order.
 * - **Buffer:** one shared buffer of `maxsize` messages (default 10). With room, `send()` places
 *   the message before it returns its promise. `maxsize: Infinity` never runs out of room.
 * - **Rendezvous (`maxsize: 0`):** nothing is buffered: `send()` resolves once a receiver has
 *   the message (a waiting receiver was handed it, or a receiver's `ready()` resolved for it, or
 *   a subscriber of its Observable face took it); until then senders wait in arrival order, and
 *   `trySend()` succeeds only when a receiver is waiting. A message a receiver had and gave back
 *   (closed before consuming) goes to the front, and `size` counts it.
 * - **When full:** `send()` waits until a receiver makes room; nothing is dropped. `trySend()`
 *   returns `false` instead of waiting, also while other senders wait for room (it never
 *   overtakes them). `size` is the number of messages buffered now.
 * - **Receivers:** a message goes to one receiver; a waiting receiver is handed it in the
 *   sender's call stack. A receiver whose `ready()` resolved holds that message for itself; if
 *   it is closed (or garbage-collected) before consuming, the message goes back to the front
 *   of the channel.
 * - **Closing a sender:** its `send()` rejects with {@link SenderClosedError}, a send of it
 *   waiting for room is released with that error; other senders are unaffected. With
 *   `autoClose: true`, closing the last open sender closes the channel.
 * - **Closing:** `send()` rejects and `trySend()` throws {@link SenderError} (cause {@link ChannelClosedError}), blocked
 *   senders are released with it; receivers drain the buffer, then stop with
 *   {@link ReceiverStoppedError} (cause {@link ChannelClosedError}). All of it from the moment
 *   `close()` returns; its promise is already resolved and does not wait for the receivers to
 *   drain: a receiver's `for await` loop ending is what says it has (see `close()`).
 * - **Cancellation:** an aborted `send()` has not sent its message and loses its place in line;
 *   an aborted `ready()`/`receive()` takes nothing.
 * - **Not guaranteed:** which of several waiting receivers gets a given message (the one that
 *   has waited longest, in practice).
 *
 * @example
 * ```ts
 * const channel = new Anycast<number>({ name: 'jobs', maxsize: 2 });
 * const sender = channel.newSender();
 * const receiver = channel.newReceiver();
 * await sender.send(1);
 * await sender.send(2);
 * console.log(await receiver.receive(), await receiver.receive());
 * // Logs: 1 2
 * ```
 *
 * @example Closing, then waiting until the receivers have drained the buffer
 * ```ts
 * const worker = (async () => { for await (const job of receiver) await run(job); })();
 * await channel.close(); // sends fail from now on; jobs may still be buffered
 * await worker; // the loop ends once the buffer is drained
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Anycast<T> {
  /** @internal */
  readonly _core: AnycastCore<T>;

  constructor(options: AnycastOptions = {}) {
    checkOptions('options', options);
    const { name = `anycast-${++anycastCount}`, maxsize = 10 } = options;
    checkString('name', name);
    const size = checkCount('maxsize', maxsize, 0, true);
    const autoClose = checkBoolean('autoClose', options.autoClose, false);
    this._core = new AnycastCore<T>(this, name, size, autoClose);
    defineDisposal(this, ASYNC_DISPOSE, closeAsync);
  }

  /** The channel's name. */
  get name(): string {
    return this._core.name;
  }

  /** How many messages the buffer holds. */
  get maxsize(): number {
    return this._core.maxsize;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this._core.closed;
  }

  /**
   * How many messages the buffer holds now: sent, and not yet handed to a receiver. A message a
   * receiver has reserved (its `ready()` resolved) is no longer counted; given back, it is again.
   */
  get size(): number {
    return this._core.buffer.length;
  }

  /**
   * How many receivers are open: made from this channel and neither closed nor garbage
   * collected. `0` once the channel is closed, as for a Broadcast.
   */
  get receiverCount(): number {
    return this._core.receiverCount;
  }

  /** A new sender; on a closed channel, one whose `send()` rejects. */
  newSender(): Sender<T> {
    return new CoreSender(this._core, 'AnycastSender');
  }

  /** A new receiver; on a closed channel, one that drains the buffer and then stops. */
  newReceiver(): Receiver<T> {
    return new AnycastReceiver(this._core);
  }

  /**
   * Closes the channel: sends fail from now on, blocked senders are released with
   * {@link SenderError}, and receivers stop once the buffer is drained. Idempotent.
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

  /** `Anycast:<name>`, as used in error messages. */
  toString(): string {
    return `Anycast:${this._core.name}`;
  }
}

/** The state of one Anycast channel, shared by its facade, senders and receivers. */
class AnycastCore<T> implements SenderCore<T> {
  /** Messages sent and not yet handed to a receiver, oldest first. */
  readonly buffer = new Deque<T>();
  /** Receivers someone is waiting on that hold no message, longest waiting first. */
  readonly waitingReceivers = new WaitQueue<AnycastReceiver<T>>();
  /** Senders waiting for room, in arrival order. */
  readonly blockedSenders = new WaitQueue<BlockedSend<T>>();
  /** Set once by `close()`; never unset. */
  closed = false;
  /** Receivers made while open, neither closed nor collected since (see `Reservation`); 0 once closed. */
  receiverCount = 0;
  openSenders = 0;

  constructor(
    readonly channel: Anycast<T>,
    readonly name: string,
    readonly maxsize: number,
    readonly autoClose: boolean,
  ) {}

  get waitingSends(): number {
    return this.blockedSenders.length;
  }

  /** Whether a receiver can take a message now: buffered, or (rendezvous) offered by a waiting send. */
  get hasMessage(): boolean {
    return this.buffer.length > 0 || this.blockedSenders.length > 0;
  }

  /** Places `message` without waiting if it can: to a waiting receiver, or in the buffer. */
  trySend(message: T): boolean {
    const receiver = this.waitingReceivers.shift();
    if (receiver !== undefined) {
      receiver.hand(message);
      return true;
    }
    if (this.buffer.length < this.maxsize) {
      this.buffer.push(message);
      return true;
    }
    return false;
  }

  send(message: T, sender: Sender<T>, signal: AbortSignal | undefined): Promise<void> {
    // The signal first, as in ready(): an already-aborted call rejects with its reason.
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.closed) {
      return Promise.reject(this.senderClosedError(sender));
    }
    if (this.trySend(message)) {
      return SENT;
    }
    return this.waitForRoom(message, sender, signal);
  }

  /**
   * Takes the oldest message (`hasMessage` must be true) and lets a blocked sender in. With an
   * empty buffer (a rendezvous channel) that is the message of the longest-waiting send, which
   * resolves: a receiver has it.
   */
  take(): T {
    if (this.buffer.length === 0) {
      const blocked = this.blockedSenders.shift() as BlockedSend<T>;
      blocked.stopListening?.();
      blocked.resolve();
      return blocked.message;
    }
    const message = this.buffer.shift();
    this.admitBlockedSenders();
    return message;
  }

  /** A message a closing receiver had reserved: to a waiting receiver, else to the front. */
  giveBack(message: T): void {
    const receiver = this.waitingReceivers.shift();
    if (receiver !== undefined) {
      receiver.hand(message);
    } else {
      this.buffer.unshift(message);
    }
  }

  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.receiverCount = 0;
    for (let blocked = this.blockedSenders.shift(); blocked !== undefined; blocked = this.blockedSenders.shift()) {
      blocked.stopListening?.();
      blocked.reject(this.senderClosedError(blocked.sender));
    }
    for (
      let receiver = this.waitingReceivers.shift();
      receiver !== undefined;
      receiver = this.waitingReceivers.shift()
    ) {
      receiver.channelClosed();
    }
  }

  senderClosedError(sender: Sender<T>): SenderError<T> {
    const cause = new ChannelClosedError(this.channel);
    return new SenderError('The channel was closed', sender, { cause });
  }

  releaseSends(sender: Sender<T>, error: SenderError<T>): void {
    for (const blocked of this.blockedSenders.removeIf((blocked) => blocked.sender === sender)) {
      blocked.stopListening?.();
      blocked.reject(error);
    }
  }

  private waitForRoom(message: T, sender: Sender<T>, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const blocked: BlockedSend<T> = { message, sender, resolve, reject, stopListening: undefined };
      const node = this.blockedSenders.push(blocked);
      if (signal !== undefined) {
        blocked.stopListening = listenForAbort(signal, () => {
          this.blockedSenders.remove(node);
          reject(signal.reason);
        });
      }
    });
  }

  private admitBlockedSenders(): void {
    while (this.buffer.length < this.maxsize) {
      const blocked = this.blockedSenders.shift();
      if (blocked === undefined) {
        return;
      }
      blocked.stopListening?.();
      this.buffer.push(blocked.message);
      blocked.resolve();
    }
  }
}

/**
 * The message a receiver was handed or reserved, kept until `consume()` or `close()`, and the
 * receiver's place in the channel's `receiverCount`. It lives apart from the receiver so that it
 * outlives one that is garbage-collected, and then gives the message back and leaves the count
 * (see `collected.ts`).
 */
class Reservation<T> implements Releasable {
  holding = false;
  message: T | undefined;
  /** Whether the receiver counts in `receiverCount`: made while the channel was open, and not yet released. */
  private counted: boolean;

  constructor(private readonly core: AnycastCore<T>) {
    this.counted = !core.closed;
    if (this.counted) {
      core.receiverCount++;
    }
  }

  hold(message: T): void {
    this.message = message;
    this.holding = true;
  }

  take(): T {
    const message = this.message as T;
    this.message = undefined;
    this.holding = false;
    return message;
  }

  /** Gives the message back to the front of the channel, if one is held, and leaves the count once. */
  release(): void {
    if (this.holding) {
      this.core.giveBack(this.take());
    }
    if (this.counted) {
      this.counted = false;
      // A closed channel has already set its count to 0.
      if (!this.core.closed) {
        this.core.receiverCount--;
      }
    }
  }
}

/**
 * A receiver of an {@link Anycast}: the channel's waiting line and reservations are our own pull
 * protocol (RxJS has no take-on-consume); the Observable face is the base class's.
 */
class AnycastReceiver<T> extends Receiver<T> {
  private readonly reservation: Reservation<T>;
  /** Set once by `close()`; never unset. */
  private closed = false;
  /** Set once `_poll()` reported STOPPED; never unset: a stopped receiver stays stopped. */
  private stopped = false;
  /** This receiver's place among the channel's waiting receivers (in line while `queued`), reused for every wait. */
  private readonly waitingNode: WaitNode<AnycastReceiver<T>> = waitNode<AnycastReceiver<T>>(this);

  constructor(private readonly core: AnycastCore<T>) {
    super(PROTOCOL_VERSION);
    this.reservation = new Reservation(core);
    releaseWhenCollected(this, this.reservation);
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  consume(): T {
    if (this.reservation.holding) {
      return this.reservation.take();
    }
    // Not _poll(): that would reserve a message that ready() never announced.
    const core = this.core;
    if (this.stopped || this.closed || (core.closed && core.buffer.length === 0)) {
      this.stopped = true;
      throw this.stoppedError();
    }
    throw this._notReady();
  }

  override close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.leaveWaitingLine();
    this.reservation.release();
    this._wake();
  }

  override toString(): string {
    return `AnycastReceiver:${this.core.name}`;
  }

  override _poll(): PollState {
    if (this.reservation.holding) {
      return READY;
    }
    if (this.stopped) {
      return STOPPED;
    }
    const core = this.core;
    if (!this.closed && core.hasMessage) {
      this.reservation.hold(core.take());
      return READY;
    }
    if (this.closed || core.closed) {
      this.stopped = true;
      return STOPPED;
    }
    return PENDING;
  }

  /** The reserved message with its way back to the channel, for a `filter()` that holds it. */
  _take(): Taken<T> | undefined {
    if (!this.reservation.holding) {
      return undefined;
    }
    const message = this.reservation.take();
    const core = this.core;
    return { failed: false, value: message, giveBack: () => core.giveBack(message) };
  }

  /** Called by the channel, which has taken this receiver out of its waiting line. */
  hand(message: T): void {
    this.reservation.hold(message);
    this._wake();
  }

  /** Called by the channel on close, which has taken this receiver out of its waiting line. */
  channelClosed(): void {
    this._wake();
  }

  /** @internal */
  override _parked(): boolean {
    if (!this.closed && !this.core.closed) {
      this.core.waitingReceivers.pushNode(this.waitingNode);
    }
    return false;
  }

  /** @internal */
  protected override _idle(): void {
    this.leaveWaitingLine();
  }

  private leaveWaitingLine(): void {
    this.core.waitingReceivers.remove(this.waitingNode);
  }

  private stoppedError(): ReceiverStoppedError<T> {
    if (this.closed) {
      return new ReceiverStoppedError(this);
    }
    return new ReceiverStoppedError(this, { cause: new ChannelClosedError(this.core.channel) });
  }
}
