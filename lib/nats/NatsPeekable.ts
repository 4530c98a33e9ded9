import type { ConsumerMessages, DeliverPolicy, JsMsg } from 'nats';
import { Peekable } from '../Peekable';
import type { NatsBroadcastLink } from './NatsBroadcastReceiver';

/**
 * The latest message of a `NatsBroadcast`, across processes, without consuming anything: made by
 * `newPeekable()`. It follows the stream with its own ordered consumer, from its last message.
 * Our own, on the client's ordered `consume()`; no RxJS.
 *
 * ## Guarantees
 * - **Latest:** `peek()` gives the newest message it has seen: the stream's last one once its
 *   consumer is set up (one round trip after `newPeekable()`), then each newer one as it arrives.
 * - **Buffering:** it holds one message (decoded once, at the first `peek()` after it came).
 * - **When closed:** `close()` (or the channel's close) stops following; `peek()` then gives
 *   `undefined` after `close()`, and the last message after the channel's close.
 * - **Not guaranteed:** freshness across processes: a message sent elsewhere shows after it
 *   reached this process.
 *
 * @example
 * ```ts
 * const latest = prices.newPeekable();
 * setInterval(() => console.log(latest.peek()), 1000);
 * ```
 */
export class NatsPeekable<T> extends Peekable<T> {
  private latest: JsMsg | undefined;
  private decoded: { readonly msg: JsMsg; readonly value: T } | undefined;
  private messages: ConsumerMessages | undefined;
  private closed = false;
  /** @internal Resolves once its consumer exists (or could not be made). */
  readonly _setup: Promise<void>;

  /** @internal */
  constructor(private readonly link: NatsBroadcastLink) {
    super();
    this._setup = link
      .info()
      .then((info) =>
        link.js.consumers.get(link.stream, {
          deliver_policy: 'by_start_sequence' as DeliverPolicy,
          opt_start_seq: Math.max(1, info.state.last_seq),
        }),
      )
      .then((consumer) =>
        this.closed
          ? undefined
          : consumer.consume({ callback: (msg) => this.seen(msg) }).then((messages) => {
              if (this.closed) {
                messages.stop();
              } else {
                this.messages = messages;
              }
            }),
      )
      .catch(() => {
        // Nothing to follow (the stream is gone): peek() keeps what it had.
      });
  }

  /** The latest message of the channel seen here; `undefined` before any, and after `close()`. */
  peek(): T | undefined {
    const msg = this.latest;
    if (msg === undefined || this.closed) {
      return undefined;
    }
    if (this.decoded?.msg !== msg) {
      this.decoded = { msg, value: this.link.codec.decode(msg.data) as T };
    }
    return this.decoded.value;
  }

  /** Stops following the channel. Idempotent. */
  close(): void {
    this.closed = true;
    this.latest = undefined;
    this.decoded = undefined;
    this.messages?.stop();
    this.messages = undefined;
  }

  /** `NatsPeekable:<channel>`. */
  override toString(): string {
    return `NatsPeekable:${this.link.channelName}`;
  }

  private seen(msg: JsMsg): void {
    if (msg.subject !== this.link.subject) {
      // The end marker: the channel is closed; keep the last message.
      this.messages?.stop();
      this.messages = undefined;
      return;
    }
    this.latest = msg;
  }
}
