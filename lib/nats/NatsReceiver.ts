import type { Consumer, ConsumerMessages, JsMsg } from 'nats';
import { ChannelClosedError, ReceiverError, ReceiverStoppedError } from '../errors';
import { checkSignal } from '../internal/abortable';
import { Inbox } from '../internal/Inbox';
import { isMissingResource } from '../internal/nats/apiError';
import { after, nextDelay } from '../internal/nats/backoff';
import { PROTOCOL_VERSION, type PollState } from '../internal/protocol';
import { readyOf } from '../internal/wait';
import { Receiver, type AbortOptions } from '../Receiver';
import type { Codec } from './Codec';

/**
 * Options of `NatsAnycast.newReceiver()`.
 *
 * @example
 * ```ts
 * const worker = jobs.newReceiver({ prefetch: 32 }); // up to 32 messages fetched ahead
 * ```
 */
export interface NatsReceiverOptions {
  /**
   * How many messages this receiver fetches ahead while someone waits on it: the most it holds
   * unconsumed (and unacknowledged). `1` (the default) never holds a message that another
   * receiver could take; more trades that for throughput.
   * @defaultValue `1`
   */
  readonly prefetch?: number | undefined;
}

/** What a NATS Anycast receiver needs from its channel. @internal */
export interface NatsReceiverLink {
  readonly channelName: string;
  readonly codec: Codec<unknown>;
  readonly channel: object;
  /** The shared durable pull consumer. */
  consumer(): Promise<Consumer>;
  /** Whether the channel is known here to be closed (sealed). */
  readonly closed: boolean;
  /** Whether the stream is sealed and holds no message (acknowledged messages leave it). */
  drained(): Promise<boolean>;
  _forget(receiver: NatsReceiver<unknown>): void;
}

/** How long one pull request waits on the server (the client's minimum): the longest a stall or a close goes unseen. */
const FETCH_EXPIRES = 1000;
const RETRY_FIRST = 100;
const RETRY_MAX = 2000;

/**
 * A receiver of a `NatsAnycast`, in any process: the library's `Receiver` (Observable face,
 * `for await`, `select()`, Merge, `AbortSignal`), fed by pull requests (`fetch`) on the channel's
 * one durable consumer, which all its receivers share.
 *
 * The waiting is the library's own pull protocol; the fetching wraps the NATS client's
 * `consumer.fetch()` (an async iterator, read with promise chains). No RxJS.
 *
 * ## Guarantees
 * - **Ordering:** the stream's order among first deliveries; a redelivered message comes when
 *   the server redelivers it, after later ones.
 * - **At least once:** a message is acknowledged inside `consume()`, when it is handed to the
 *   caller. One that a receiver fetched and did not consume (its process died, or it was closed)
 *   is delivered again, to any receiver, after the channel's `ackWaitMs` (at once when
 *   `close()` could give it back). So a message may be delivered twice; never zero times while
 *   the stream lives.
 * - **Buffering:** it fetches only while a `ready()`, `receive()`, iteration, subscription,
 *   `select()` or Merge waits on it, at most `prefetch` messages ahead (default 1); with a
 *   `prefetch` above 1 it also refills when a `consume()` leaves it half empty. A pull request
 *   outlives the wait that made it by at most one second: what it brings then is held here for
 *   the next wait (or given back by `close()`).
 * - **When the channel closes:** it delivers what the stream still holds, then `ready()`
 *   resolves `false` and `consume()` throws `ReceiverStoppedError` (cause `ChannelClosedError`);
 *   seen within about a second in other processes (immediately in the closing one).
 * - **On faults:** a timeout, a disconnection or a server restart is retried with a backoff
 *   (100 ms doubling to 2 s); every pull request ends within about a second (the server sends
 *   heartbeats meanwhile), so a stalled consumer cannot go unnoticed. A deleted stream or
 *   consumer stops it with a `ReceiverError` whose cause is the client's error.
 * - **Cancellation:** an aborted wait takes nothing; a message fetched for it stays here.
 * - **Closing:** `close()` stops it at once and gives back (`nak`) what it holds.
 * - **Not guaranteed:** a message held longer than `ackWaitMs` without being consumed may be
 *   delivered to another receiver too.
 *
 * @example
 * ```ts
 * for await (const job of jobs.newReceiver()) {
 *   console.log(job); // acknowledged when the loop got it
 * }
 * ```
 */
export class NatsReceiver<T> extends Receiver<T> {
  private readonly inbox = new Inbox<JsMsg>();
  /** The pull request under way. */
  private fetching: ConsumerMessages | undefined;
  private starting = false;
  private retryDelay = 0;
  private cancelRetry: (() => void) | undefined;

  /** @internal */
  constructor(
    private readonly link: NatsReceiverLink,
    private readonly prefetch: number,
  ) {
    super(PROTOCOL_VERSION);
  }

  /** Messages fetched and not consumed yet. */
  get size(): number {
    return this.inbox.buffer.length;
  }

  /** Waits until a message is here (fetching one) or the receiver stopped. */
  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * Takes the message `ready()` announced and acknowledges it to the server.
   *
   * @throws `ReceiverStoppedError` once stopped and drained (cause `ChannelClosedError` when the
   * channel was closed); `ReceiverError` with the cause when the stream or consumer is gone;
   * the codec's error when the message cannot be decoded (the message is then terminated).
   */
  consume(): T {
    return this.inbox.consume(
      this,
      (msg) => this.take(msg),
      () => this._notReady(),
    );
  }

  /** A fetched message as the receiver's message: decoded, then acknowledged. */
  private take(msg: JsMsg): T {
    let message: T;
    try {
      message = this.link.codec.decode(msg.data) as T;
    } catch (error) {
      msg.term();
      throw error;
    }
    msg.ack();
    if (this.prefetch > 1 && this.inbox.buffer.length * 2 <= this.prefetch) {
      // Refill at half the window, before it runs dry: the receive loop that consumed is
      // about to wait again (a window of 1 fetches only while waited on).
      this.pull(false, true);
    }
    return message;
  }

  /** Stops at once; gives back (`nak`) the messages it holds. Idempotent. */
  override close(): void {
    if (this.inbox.closed) {
      return;
    }
    this.inbox.closed = true;
    this.release();
    this.link._forget(this);
    this._wake();
  }

  /** `NatsReceiver:<channel>`. */
  override toString(): string {
    return `NatsReceiver:${this.link.channelName}`;
  }

  /** @internal */
  override _poll(): PollState {
    return this.inbox.poll();
  }

  /** @internal Someone waits: fetch. */
  override _parked(): boolean {
    this.pull();
    return false;
  }

  /** @internal The channel was closed in this process: look now instead of at the next expiry. */
  _channelClosed(): void {
    if (!this.inbox.closed && this.inbox.stopError === undefined && this.inbox.buffer.length === 0) {
      this.checkDrained();
    }
  }

  /** @internal Stops with `error` (after what it holds). */
  _stop(error: Error): void {
    // A channel close stops it (STOPPED); any other error is thrown once by `consume()` first.
    if (!this.inbox.closed && this.inbox.stop(this, error, true)) {
      this.cancelRetry?.();
      this.cancelRetry = undefined;
      this.fetching?.stop();
      this.fetching = undefined;
      this.link._forget(this);
      this._wake();
    }
  }

  private release(): void {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    // Stopping the pull request: what the server had sent to it and we have not seen is
    // redelivered after ackWaitMs; what we hold goes back at once.
    this.fetching?.stop();
    this.fetching = undefined;
    for (const msg of this.inbox.buffer.toArray()) {
      msg.nak();
    }
    this.inbox.buffer.clear();
  }

  private get stopped(): boolean {
    return this.inbox.stopped;
  }

  /**
   * Starts a pull request, if someone waits, none is under way and there is room. On a channel
   * known to be closed, first looks whether the stream is drained (`checked` once it did).
   */
  private pull(checked = false, refill = false): void {
    if (this.stopped || this.fetching !== undefined || this.starting || this.cancelRetry !== undefined) {
      return;
    }
    const want = this.prefetch - this.inbox.buffer.length;
    if (want <= 0 || (!this._waited && !refill)) {
      return;
    }
    if (this.link.closed && !checked && this.inbox.buffer.length === 0) {
      this.checkDrained();
      return;
    }
    this.starting = true;
    this.link
      .consumer()
      .then((consumer) => {
        if (this.stopped) {
          return undefined;
        }
        return consumer.fetch({ max_messages: want, expires: FETCH_EXPIRES });
      })
      .then(
        (messages) => {
          this.starting = false;
          if (messages === undefined) {
            return;
          }
          if (this.stopped) {
            messages.stop();
            return;
          }
          this.fetching = messages;
          this.read(messages, messages[Symbol.asyncIterator](), 0, want);
        },
        (error: unknown) => {
          this.starting = false;
          this.failed(error);
        },
      );
  }

  /** Reads one pull request's messages, one promise per message. */
  private read(messages: ConsumerMessages, iterator: AsyncIterator<JsMsg>, count: number, want: number): void {
    iterator.next().then(
      (result) => {
        if (result.done === true) {
          this.ended(messages, count, want);
          return;
        }
        this.deliver(result.value);
        this.read(messages, iterator, count + 1, want);
      },
      (error: unknown) => {
        if (this.fetching === messages) {
          this.fetching = undefined;
        }
        this.failed(error);
      },
    );
  }

  private deliver(msg: JsMsg): void {
    if (this.stopped) {
      msg.nak();
      return;
    }
    this.retryDelay = 0;
    this.inbox.buffer.push(msg);
    this._wake();
  }

  /** A pull request ended: fewer messages than asked means the stream had none left (maybe closed). */
  private ended(messages: ConsumerMessages, count: number, want: number): void {
    if (this.fetching !== messages) {
      return;
    }
    this.fetching = undefined;
    if (this.stopped) {
      return;
    }
    if (count < want && this.inbox.buffer.length === 0) {
      this.checkDrained();
    } else {
      this.pull();
    }
  }

  private checkDrained(): void {
    if (this.starting) {
      return;
    }
    this.starting = true;
    this.link.drained().then(
      (drained) => {
        this.starting = false;
        if (drained && this.inbox.buffer.length === 0 && !this.stopped) {
          this._stop(new ReceiverStoppedError(this, { cause: new ChannelClosedError(this.link.channel) }));
          return;
        }
        this.pull(true);
      },
      (error: unknown) => {
        this.starting = false;
        this.failed(error);
      },
    );
  }

  /** A fetch or a look at the stream failed: stop when the stream or consumer is gone, else retry. */
  private failed(error: unknown): void {
    if (this.stopped) {
      return;
    }
    if (isMissingResource(error)) {
      this._stop(new ReceiverError(`${String(this)}: the stream or its consumer is gone`, this, { cause: error }));
      return;
    }
    this.retryDelay = nextDelay(this.retryDelay, RETRY_FIRST, RETRY_MAX);
    this.cancelRetry = after(this.retryDelay, () => {
      this.cancelRetry = undefined;
      this.pull();
    });
  }
}
