import type { ConsumerMessages, JetStreamClient, JsMsg, StreamInfo } from 'nats';
import type { DeliverPolicy } from 'nats';
import { ChannelClosedError, ReceiverError, ReceiverStoppedError } from '../errors';
import { checkSignal } from '../internal/abortable';
import { Inbox } from '../internal/Inbox';
import { isMissingResource } from '../internal/nats/apiError';
import { after } from '../internal/nats/backoff';
import { PROTOCOL_VERSION, type PollState } from '../internal/protocol';
import { readyOf } from '../internal/wait';
import { Receiver, type AbortOptions } from '../Receiver';
import type { Codec } from './Codec';

/**
 * Options of `NatsBroadcast.newReceiver()`.
 *
 * @example
 * ```ts
 * const chart = prices.newReceiver({ name: 'chart', maxsize: 10 });
 * ```
 */
export interface NatsBroadcastReceiverOptions {
  /** The receiver's name, in `toString()` and errors. */
  readonly name?: string | undefined;
  /** How many messages it keeps unconsumed; beyond that it drops the oldest. @defaultValue `50` */
  readonly maxsize?: number | undefined;
}

/** What a NATS Broadcast receiver needs from its channel. @internal */
export interface NatsBroadcastLink {
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly subject: string;
  readonly channelName: string;
  readonly codec: Codec<unknown>;
  readonly channel: object;
  readonly resendLatest: boolean;
  info(): Promise<StreamInfo>;
  /** Whether `info` says the channel is closed (its end marker is in the stream). */
  isClosed(info: StreamInfo): boolean;
}

/** The consumer statuses after which the receiver looks whether its stream still exists. */
const WATCHED = new Set([
  'stream_not_found',
  'consumer_deleted',
  'consumer_not_found',
  'heartbeats_missed',
  'no_responders',
]);

/**
 * A receiver of a `NatsBroadcast`, in any process: the library's `Receiver`, fed by its own
 * ordered consumer (an ephemeral consumer the client recreates after a fault, from the next
 * stream sequence). Like a local Broadcast receiver it keeps a window of `maxsize` messages and
 * drops the oldest.
 *
 * The waiting is the library's own pull protocol; the feeding wraps the client's ordered
 * `consumer.consume()` with a callback. No RxJS.
 *
 * ## Guarantees
 * - **Every message, in order:** it gets every message stored after its consumer was made on
 *   the server (one round trip after `newReceiver()`; sends of the same `NatsBroadcast` object
 *   wait for that), in the stream's order, with no duplicates.
 * - **Buffering:** at most `maxsize` messages unconsumed; beyond, the oldest is dropped.
 *   `dropped` counts exactly what it missed: those dropped here, and those the stream discarded
 *   (its `history` limit) before this receiver read them, seen as gaps in the stream sequence.
 * - **resendLatest:** the channel's latest message, if any, comes first.
 * - **When the channel closes:** it delivers what it holds, up to the end marker, then stops
 *   with `ReceiverStoppedError` (cause `ChannelClosedError`).
 * - **On faults:** the client recreates the consumer from the next sequence after a disconnection
 *   or a server restart; a deleted stream stops it with a `ReceiverError` whose cause is the
 *   client's error.
 * - **Closing:** `close()` stops it at once and deletes nothing on the server (the ephemeral
 *   consumer goes away by itself).
 * - **Not guaranteed:** messages stored before its consumer existed (except the latest, with
 *   `resendLatest`).
 *
 * @example
 * ```ts
 * const receiver = prices.newReceiver({ maxsize: 10 });
 * for await (const price of receiver) console.log(price, receiver.dropped);
 * ```
 */
export class NatsBroadcastReceiver<T> extends Receiver<T> {
  private readonly inbox = new Inbox<JsMsg>();
  /** Cancels a pending look at the stream, after a worrying status of the consumer. */
  private cancelCheck: (() => void) | undefined;
  private messages: ConsumerMessages | undefined;
  /** The stream sequence of the last message seen. */
  private lastSeq = 0;
  private droppedCount = 0;
  /** @internal Resolves once the consumer exists on the server (or setting it up failed). */
  readonly _setup: Promise<void>;

  /** @internal */
  constructor(
    private readonly link: NatsBroadcastLink,
    private readonly receiverName: string,
    private readonly maxsize: number,
  ) {
    super(PROTOCOL_VERSION);
    this._setup = this.start();
  }

  /** Messages received and not consumed yet. */
  get size(): number {
    return this.inbox.buffer.length;
  }

  /** How many messages this receiver missed: dropped from its window, or discarded by the stream before it read them. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Waits until a message is ready or the receiver stopped. */
  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * Takes the oldest message it holds.
   *
   * @throws `ReceiverStoppedError` once stopped and drained; `ReceiverError` with the cause when
   * the stream is gone; the codec's error for a message it cannot decode.
   */
  consume(): T {
    return this.inbox.consume(
      this,
      (msg) => this.link.codec.decode(msg.data) as T,
      () => this._notReady(),
    );
  }

  /** Stops at once; what it holds is discarded. Idempotent. */
  override close(): void {
    if (this.inbox.closed) {
      return;
    }
    this.inbox.closed = true;
    this.inbox.buffer.clear();
    this.end();
    this._wake();
  }

  /** `NatsBroadcastReceiver:<channel>:<name>`. */
  override toString(): string {
    return `NatsBroadcastReceiver:${this.link.channelName}:${this.receiverName}`;
  }

  /** @internal */
  override _poll(): PollState {
    return this.inbox.poll();
  }

  private start(): Promise<void> {
    const { link } = this;
    return link
      .info()
      .then((info) => {
        const last = info.state.last_seq;
        // After a close, start at the end marker (the last message): stop at once.
        const start = last > 0 && (link.resendLatest || link.isClosed(info)) ? last : last + 1;
        this.lastSeq = start - 1;
        return link.js.consumers.get(link.stream, {
          deliver_policy: 'by_start_sequence' as DeliverPolicy,
          opt_start_seq: start,
        });
      })
      .then((consumer) => {
        if (this.inbox.closed) {
          return;
        }
        return consumer.consume({ callback: (msg) => this.deliver(msg) }).then((messages) => {
          if (this.inbox.closed || this.inbox.stopError !== undefined) {
            messages.stop();
            return;
          }
          this.messages = messages;
          this.watch(messages);
          void messages.closed().then((error) => {
            if (error instanceof Error) {
              this.stop(new ReceiverError(`${String(this)}: its consumer ended`, this, { cause: error }));
            }
          });
        });
      })
      .catch((error: unknown) => {
        this.stop(new ReceiverError(`${String(this)}: could not make its consumer`, this, { cause: error }));
      });
  }

  /**
   * The client recreates an ordered consumer by itself and only notifies a missing stream; ask
   * the server then, and stop when the stream is gone.
   */
  private watch(messages: ConsumerMessages): void {
    void messages.status().then((statuses) => {
      const iterator = statuses[Symbol.asyncIterator]();
      const next = (): void => {
        void iterator.next().then((result) => {
          if (result.done === true || this.messages !== messages) {
            return;
          }
          const type = String(result.value.type);
          if (WATCHED.has(type) && this.cancelCheck === undefined) {
            // A moment later: a consumer is deleted along with its stream, just before it.
            this.cancelCheck = after(250, () => {
              this.cancelCheck = undefined;
              this.link.info().then(
                () => undefined,
                (error: unknown) => {
                  if (isMissingResource(error)) {
                    this.stop(new ReceiverError(`${String(this)}: the stream is gone`, this, { cause: error }));
                  }
                },
              );
            });
          }
          next();
        });
      };
      next();
    });
  }

  private deliver(msg: JsMsg): void {
    if (this.inbox.closed || this.inbox.stopError !== undefined) {
      return;
    }
    const seq = msg.seq;
    if (seq <= this.lastSeq) {
      return; // Already seen (a recreated consumer starts at the next one; this is a guard).
    }
    this.droppedCount += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    if (msg.subject !== this.link.subject) {
      // The end marker that close() stored: nothing follows it.
      this.stop(new ReceiverStoppedError(this, { cause: new ChannelClosedError(this.link.channel) }));
      return;
    }
    if (this.inbox.buffer.length >= this.maxsize) {
      this.inbox.buffer.shift();
      this.droppedCount++;
    }
    this.inbox.buffer.push(msg);
    this._wake();
  }

  /** A channel close stops it (STOPPED); any other error is thrown once by `consume()` first. */
  private stop(error: Error): void {
    if (!this.inbox.closed && this.inbox.stop(this, error, true)) {
      this.end();
      this._wake();
    }
  }

  private end(): void {
    this.cancelCheck?.();
    this.cancelCheck = undefined;
    const messages = this.messages;
    this.messages = undefined;
    messages?.stop();
  }
}
