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

function isChannelSender<T>(sender: Sender<T>): sender is Sender<T> & ChannelSender<T> {
  return typeof (sender as Partial<ChannelSender<T>>)._trySend === 'function';
}

/**
 * The observer behind `sender.asObserver()`: keeps the Observable's order by queueing values
 * behind the first one that had to wait, and sends them one at a time.
 *
 * @internal
 */
export class SenderObserver<T> implements Observer<T> {
  /** Values given while an earlier one still waits for room, in order. */
  private readonly waiting = new Deque<T>();
  /** Whether a send loop is running over `waiting`. */
  private pumping = false;
  /** What to do once `waiting` drains: nothing, or close the channel. */
  private closeWhenDrained = false;
  /** Set once a send failed: the channel is gone and later values are reported, not sent. */
  private failed = false;

  constructor(
    private readonly sender: Sender<T>,
    private readonly options: SenderObserverOptions,
  ) {}

  next(value: T): void {
    if (this.failed) {
      warn(`${String(this.sender)}: a value from an Observable could not be sent: the channel is closed`);
      return;
    }
    if (!this.pumping && isChannelSender(this.sender) && this.sender._trySend(value)) {
      return;
    }
    this.waiting.push(value);
    if (!this.pumping) {
      void this.pump();
    }
  }

  error(error: unknown): void {
    warn(`${String(this.sender)}: the Observable feeding the channel errored: ${String(error)}`);
    this.finish(this.options.closeOnError === true);
  }

  complete(): void {
    this.finish(this.options.closeOnComplete === true);
  }

  private finish(close: boolean): void {
    if (!close) {
      return;
    }
    if (this.pumping) {
      this.closeWhenDrained = true;
    } else {
      void this.closeChannel();
    }
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.waiting.length > 0 && !this.failed) {
      try {
        await this.sender.send(this.waiting.peekFirst() as T);
        this.waiting.shift();
      } catch (error) {
        this.failed = true;
        warn(`${String(this.sender)}: ${this.waiting.length} value(s) from an Observable could not be sent: ${String(error)}`);
        this.waiting.clear();
      }
    }
    this.pumping = false;
    if (this.closeWhenDrained) {
      await this.closeChannel();
    }
  }

  private async closeChannel(): Promise<void> {
    if (isChannelSender(this.sender)) {
      await this.sender._closeChannel();
    }
  }
}
