import { checkSignal } from './internal/abortable';
import { readyOf } from './internal/wait';
import { PROTOCOL_VERSION } from './internal/protocol';
import { Receiver, type AbortOptions } from './Receiver';
import type { Observer, Subscription } from 'rxjs';
import { ChannelClosedError, ReceiverInvalidatedError, ReceiverStoppedError } from './errors';
import { OverflowBuffer } from './internal/overflow';
import { PENDING, READY, STOPPED, type PollState } from './internal/protocol';
import { checkCount, checkOptions, checkString } from './internal/validate';
import type { Broadcast, BroadcastReceiverOptions } from './Broadcast';
import type { Peekable } from './Peekable';

/** What a receiver needs of its channel's state. @internal */
export interface BroadcastHub<T> {
  readonly channel: Broadcast<T>;
  readonly name: string;
  readonly closed: boolean;
  readonly resendLatest: boolean;
  readonly hasLatest: boolean;
  readonly latest: T | undefined;
  receiversMade: number;
  attach(link: ReceiverLink<T>, receiver: BroadcastReceiver<T>): Subscription;
  detach(link: ReceiverLink<T>): void;
  newPeekable(): Peekable<T>;
}

/**
 * What the channel holds for one receiver: a weak reference, so that a receiver nobody uses can
 * be collected, and a strong one while someone waits on it, so that a loop awaiting only this
 * receiver is not collected with it.
 *
 * @internal
 */
export class ReceiverLink<T> implements Observer<T> {
  readonly weak: WeakRef<BroadcastReceiver<T>>;
  strong: BroadcastReceiver<T> | undefined;
  /** Whether the channel delivers to this link; set by attach, cleared by detach and close. */
  attached = false;
  /** What detaches the link, once attached. */
  subscription: Subscription | undefined;

  constructor(receiver: BroadcastReceiver<T>) {
    this.weak = new WeakRef(receiver);
  }

  next(message: T): void {
    (this.strong ?? this.weak.deref())?._push(message);
  }

  error(): void {}

  complete(): void {
    (this.strong ?? this.weak.deref())?._channelClosed();
  }
}

/** Lets only the channel construct receivers: `new BroadcastReceiver()` from outside fails at once. */
const constructing: { allowed: boolean } = { allowed: false };

/**
 * A receiver of a {@link Broadcast} channel, with a buffer of its own (a per-receiver replay
 * buffer, as a `ReplaySubject` would keep, drained by our pull protocol so that nothing is taken
 * before `consume()`). Get one with `broadcast.newReceiver()`.
 *
 * @example
 * ```ts
 * const receiver = channel.newReceiver({ name: 'ui', maxsize: 2, warnOnOverflow: false });
 * for (const n of [1, 2, 3]) await sender.send(n);
 * console.log(receiver.size, receiver.dropped); // Logs: 2 1
 * ```
 */
export class BroadcastReceiver<T> extends Receiver<T> {
  private readonly hub: BroadcastHub<T>;
  private readonly name: string;
  /** Messages delivered and not yet consumed, oldest first; never more than `maxsize`. */
  private readonly buffer: OverflowBuffer<T>;
  /** Set when `ready()` reported a message, cleared by `consume()`. */
  private announced = false;
  private readonly link: ReceiverLink<T>;
  /** Lifecycle flags; each is set once and never unset. */
  private closedByUser = false;
  private invalidated = false;
  private channelClosed: boolean;

  /**
   * Made only by {@link Broadcast.newReceiver}: calling it otherwise throws a `TypeError`.
   * `warnAs` names the receiver in overflow warnings, when its owner is what users know (a
   * Bidirectional); by default the receiver's `toString()`.
   */
  private constructor(hub: BroadcastHub<T>, options: BroadcastReceiverOptions, warnAs?: () => string) {
    if (!constructing.allowed) {
      throw new TypeError('BroadcastReceiver cannot be constructed directly: use broadcast.newReceiver()');
    }
    constructing.allowed = false;
    super(PROTOCOL_VERSION);
    checkReceiverOptions(options);
    const { name = `${hub.name}-${hub.receiversMade + 1}`, maxsize = 50, warnOnOverflow = true } = options;
    this.name = name;
    hub.receiversMade++;
    this.hub = hub;
    const owner = warnOnOverflow === false ? undefined : (warnAs ?? (() => this.toString()));
    this.buffer = new OverflowBuffer<T>(maxsize, 'dropOldest', owner);
    this.link = new ReceiverLink(this);
    this.channelClosed = hub.closed;
    if (!hub.closed) {
      hub.attach(this.link, this);
      if (hub.resendLatest && hub.hasLatest) {
        this._push(hub.latest as T);
      }
    }
  }

  /** @internal */
  static _make<T>(
    hub: BroadcastHub<T>,
    options: BroadcastReceiverOptions,
    warnAs?: () => string,
  ): BroadcastReceiver<T> {
    constructing.allowed = true;
    try {
      return new BroadcastReceiver(hub, options, warnAs);
    } finally {
      constructing.allowed = false;
    }
  }

  /** How many messages are buffered now. */
  get size(): number {
    return this.buffer.length;
  }

  /** How many messages were dropped for this receiver by overflow, in total. */
  get dropped(): number {
    return this.buffer.dropped;
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  consume(): T {
    if (this.announced && this.buffer.length > 0) {
      this.announced = false;
      return this.buffer.shift();
    }
    if (this.invalidated) {
      throw new ReceiverInvalidatedError(`${this.toString()} was turned into a peekable`, this);
    }
    if (this.isStopped()) {
      throw this.stoppedError();
    }
    throw this._notReady();
  }

  /**
   * Detaches this receiver and returns a {@link Peekable} of its channel. The messages it had
   * buffered are still delivered; after them `consume()` and `receive()` throw
   * {@link ReceiverInvalidatedError}.
   */
  override intoPeekable(): Peekable<T> {
    this.detach();
    this.invalidated = true;
    this._wake();
    return this.hub.newPeekable();
  }

  /** Detaches this receiver; it delivers what it had buffered, then stops. Idempotent. */
  override close(): void {
    if (this.closedByUser) {
      return;
    }
    this.closedByUser = true;
    this.detach();
    this._wake();
  }

  override toString(): string {
    return `BroadcastReceiver:${this.name}`;
  }

  /** @internal */
  override _poll(): PollState {
    if (this.buffer.length > 0 || this.invalidated) {
      this.announced = true;
      return READY;
    }
    // The buffer is empty here: stopped is the flags alone (this runs once per receive()).
    return this.closedByUser || this.channelClosed ? STOPPED : PENDING;
  }

  /** @internal Called by the channel for every message. */
  _push(message: T): void {
    // With nothing buffered, a waiting receive() takes the message at once: no buffer round trip.
    if (this.buffer.length === 0 && this._handDirect(message)) {
      return;
    }
    this.buffer.push(message);
    this._wake();
  }

  /** @internal Called by the channel when it closes. */
  _channelClosed(): void {
    this.channelClosed = true;
    this._wake();
  }

  /** @internal */
  override _parked(): boolean {
    this.link.strong = this;
    return false;
  }

  /** @internal */
  protected override _idle(): void {
    this.link.strong = undefined;
  }

  private detach(): void {
    this.hub.detach(this.link);
    this.link.strong = undefined;
  }

  private isStopped(): boolean {
    return this.buffer.length === 0 && (this.closedByUser || this.channelClosed);
  }

  private stoppedError(): ReceiverStoppedError<T> {
    if (this.closedByUser) {
      return new ReceiverStoppedError(this);
    }
    return new ReceiverStoppedError(this, { cause: new ChannelClosedError(this.hub.channel) });
  }
}

/**
 * The checks of {@link Broadcast.newReceiver}'s options, naming the option that is wrong; also
 * made at once by {@link Broadcast.observe}, before any subscription makes a receiver.
 *
 * @internal
 */
export function checkReceiverOptions(options: BroadcastReceiverOptions): void {
  checkOptions('options', options);
  if (options.name !== undefined) {
    checkString('name', options.name);
  }
  if (options.maxsize !== undefined) {
    checkCount('maxsize', options.maxsize, 1, false);
  }
}
