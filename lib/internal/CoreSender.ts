import { SenderClosedError, type SenderError } from '../errors';
import type { AbortOptions } from '../Receiver';
import { Sender } from '../Sender';
import { checkSignal } from './abortable';
import { brandChannelSender, type ChannelSender } from './SenderObserver';

/** What a channel's state offers the senders made from it (an Anycast's and a Broadcast's). */
export interface SenderCore<T> {
  readonly name: string;
  readonly closed: boolean;
  readonly channel: { close(): Promise<void> };
  /** Close the channel once every sender made from it was closed (the `autoClose` option). */
  readonly autoClose: boolean;
  /** Senders made from the channel and not closed since. */
  openSenders: number;
  /** How many sends wait for room now; a `trySend()` must not overtake them. */
  readonly waitingSends: number;
  send(message: T, sender: Sender<T>, signal: AbortSignal | undefined): Promise<void>;
  /** Places `message` without waiting if it can (the channel is open); `false` when it cannot. */
  trySend(message: T): boolean;
  senderClosedError(sender: Sender<T>): SenderError<T>;
  /** Releases every send of `sender` still waiting for room with `error`. */
  releaseSends(sender: Sender<T>, error: SenderError<T>): void;
  close(): void;
}

/**
 * The one sender class of the built-in channels: the closing of a sender (`close()`,
 * `isClosed`, {@link SenderClosedError}, `autoClose`) in one place, the channel's own rules
 * (waiting for room, delivering) in its core.
 */
export class CoreSender<T> extends Sender<T> implements ChannelSender<T> {
  constructor(
    private readonly core: SenderCore<T>,
    private readonly kind: string,
  ) {
    super();
    brandChannelSender(this);
    core.openSenders++;
  }

  send(message: T, options?: AbortOptions): Promise<void> {
    const signal = checkSignal(options?.signal);
    // The signal first, as everywhere: an already-aborted call rejects with its reason.
    if (this.isClosed && signal?.aborted !== true) {
      return Promise.reject(new SenderClosedError(this));
    }
    return this.core.send(message, this, signal);
  }

  override trySend(message: T): boolean {
    const core = this.core;
    if (this.isClosed) {
      throw new SenderClosedError(this);
    }
    if (core.closed) {
      throw core.senderClosedError(this);
    }
    // Sends waiting for room came first: a message placed now would overtake theirs.
    return core.waitingSends === 0 && core.trySend(message);
  }

  override close(): void {
    if (this.isClosed) {
      return;
    }
    super.close();
    const core = this.core;
    core.releaseSends(this, new SenderClosedError(this));
    if (--core.openSenders === 0 && core.autoClose) {
      core.close();
    }
  }

  /** @internal */
  _trySend(message: T): boolean {
    return !this.isClosed && !this.core.closed && this.core.trySend(message);
  }

  /** @internal */
  _closeChannel(): Promise<void> {
    return this.core.channel.close();
  }

  override toString(): string {
    return `${this.kind}:${this.core.name}`;
  }
}
