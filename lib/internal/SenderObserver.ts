import type { Observer } from 'rxjs';
import type { Sender, SenderObserverOptions } from '../Sender';
import { Deque } from './Deque';
import { warn } from '../logger';

/**
 * What a built-in sender offers beyond `send()`: a synchronous attempt (so an Observable feeding
 * a channel with room places each value in its own call stack) and closing its channel.
 *
 * @internal
 */
export interface ChannelSender<T> {
  /** Places `message` now if the channel can take it without waiting; `false` otherwise. */
  _trySend(message: T): boolean;
  /** Closes the channel this sender sends to. */
  _closeChannel(): Promise<void>;
}

/** @internal */
export function isChannelSender<T>(sender: Sender<T>): sender is Sender<T> & ChannelSender<T> {
  // A brand, not a method name: a user's Sender with a `_trySend` of its own is not misread.
  return (sender as Partial<Record<typeof CHANNEL_SENDER, unknown>>)[CHANNEL_SENDER] === true;
}

/**
 * The brand of the library's own senders (a `Symbol.for` key, so that two copies of the package
 * know each other's): set on each instance by its constructor.
 *
 * @internal
 */
export const CHANNEL_SENDER: unique symbol = Symbol.for('rx-channels.channelSender') as never;

/** Brands `sender` as one of the library's own (see {@link isChannelSender}). @internal */
export function brandChannelSender(sender: object): void {
  (sender as Record<symbol, boolean>)[CHANNEL_SENDER] = true;
}

/** What {@link ChannelFeed} tells its owner. @internal */
export interface FeedListener<T> {
  /** `value` is in the channel now; called in the order the values were given. */
  placed(value: T): void;
  /** A send failed (the channel closed); `lost` values given were not sent. Called once. */
  failed(error: unknown, lost: number): void;
  /** `end()` was called and every value given before it is in the channel. */
  drained(): void;
}

/** What {@link ChannelFeed.push} did with a value. @internal */
export type PushResult = 'accepted' | 'full' | 'failed';

/**
 * Sends values to a channel in the order given, each as soon as the channel has room.
 *
 * On a built-in channel a value is placed synchronously when there is room; otherwise it is
 * handed to `send()` at once, and the channel's own line of blocked senders keeps the order and
 * places it synchronously when a receiver makes room (exact in virtual time). A sender written
 * outside the library gets one `send()` at a time instead, since nothing says that its
 * concurrent sends keep their order.
 *
 * @internal
 */
export class ChannelFeed<T> {
  /** Values given and not yet placed: blocked in the channel or queued in `queue`. */
  private pendingCount = 0;
  /** For a sender written outside the library: values behind the one being sent. */
  private readonly queue = new Deque<T>();
  private pumping = false;
  /** Lifecycle flags; each is set once and never unset. */
  private ended = false;
  private stopped = false;
  /**
   * One controller per `send()` in flight, oldest first (they settle in that order), to withdraw
   * the waiting values on `cancel()`. One per send, not one shared: a shared signal would collect
   * a listener per waiting value, and Node warns past ten.
   */
  private readonly inFlight = new Deque<AbortController>();

  constructor(
    private readonly sender: Sender<T>,
    private readonly listener: FeedListener<T>,
    private readonly maxPending = Infinity,
  ) {}

  /** How many values wait for room. */
  get pending(): number {
    return this.pendingCount;
  }

  push(value: T): PushResult {
    if (this.stopped) {
      return 'failed';
    }
    // Only with nothing waiting: a value placed now would overtake the waiting ones.
    if (this.pendingCount === 0 && isChannelSender(this.sender) && this.sender._trySend(value)) {
      this.listener.placed(value);
      return 'accepted';
    }
    if (this.pendingCount >= this.maxPending) {
      return 'full';
    }
    this.pendingCount++;
    if (isChannelSender(this.sender)) {
      this.sendWithSignal(value).then(
        () => this.onPlaced(value),
        (error: unknown) => this.onFailed(error),
      );
    } else {
      this.queue.push(value);
      this.pump();
    }
    return 'accepted';
  }

  /** No more values will come: `drained()` follows once the waiting ones are placed. */
  end(): void {
    this.ended = true;
    if (this.pendingCount === 0 && !this.stopped) {
      this.listener.drained();
    }
  }

  /** Withdraws every waiting value (they are not sent) and refuses new ones. */
  cancel(): void {
    this.stopped = true;
    this.queue.clear();
    const controllers = this.inFlight.toArray();
    this.inFlight.clear();
    for (const controller of controllers) {
      controller.abort();
    }
  }

  private sendWithSignal(value: T): Promise<void> {
    const controller = new AbortController();
    this.inFlight.push(controller);
    return this.sender.send(value, { signal: controller.signal });
  }

  private onPlaced(value: T): void {
    this.pendingCount--;
    if (this.stopped) {
      return;
    }
    this.inFlight.shift();
    this.listener.placed(value);
    if (this.ended && this.pendingCount === 0) {
      this.listener.drained();
    }
  }

  private onFailed(error: unknown): void {
    const lost = this.pendingCount;
    this.pendingCount--;
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.queue.clear();
    this.inFlight.clear();
    this.listener.failed(error, lost);
  }

  /**
   * One `send()` at a time over `queue`, for a sender written outside the library, as a promise
   * chain: zone.js cannot see the continuation of a native `await`.
   */
  private pump(): void {
    if (this.pumping) {
      return;
    }
    this.pumping = true;
    this.sendNext();
  }

  private sendNext(): void {
    if (this.queue.length === 0 || this.stopped) {
      this.pumping = false;
      return;
    }
    const value = this.queue.peekFirst() as T;
    let sending: Promise<void>;
    try {
      sending = this.sendWithSignal(value);
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      () => {
        this.queue.shift();
        this.onPlaced(value);
        this.sendNext();
      },
      (error: unknown) => {
        this.onFailed(error);
        this.pumping = false;
      },
    );
  }
}

/**
 * The observer behind `sender.asObserver()`: a {@link ChannelFeed} without bound that reports
 * what it cannot send through the logger and closes the channel when asked to.
 *
 * @internal
 */
export class SenderObserver<T> implements Observer<T> {
  private readonly feed: ChannelFeed<T>;
  /** Whether to close the channel once the feed drains; decided by how the Observable ends. */
  private closeWhenDrained = false;

  constructor(
    private readonly sender: Sender<T>,
    private readonly options: SenderObserverOptions,
  ) {
    this.feed = new ChannelFeed(sender, {
      placed: () => undefined,
      failed: (error, lost) => {
        warn(`${String(sender)}: ${lost} value(s) from an Observable could not be sent: ${String(error)}`);
      },
      drained: () => this.onDrained(),
    });
  }

  next(value: T): void {
    if (this.feed.push(value) === 'failed') {
      warn(`${String(this.sender)}: a value from an Observable could not be sent: the channel is closed`);
    }
  }

  error(error: unknown): void {
    warn(`${String(this.sender)}: the Observable feeding the channel errored: ${String(error)}`);
    this.closeWhenDrained = this.options.closeOnError === true;
    this.feed.end();
  }

  complete(): void {
    this.closeWhenDrained = this.options.closeOnComplete === true;
    this.feed.end();
  }

  private onDrained(): void {
    if (this.closeWhenDrained && isChannelSender(this.sender)) {
      void this.sender._closeChannel();
    }
  }
}
