import type { JetStreamClient } from 'nats';
import { ChannelClosedError, SenderClosedError, SenderError } from '../errors';
import { checkSignal, listenForAbort } from '../internal/abortable';
import { Deque } from '../internal/Deque';
import { STREAM_FULL, STREAM_SEALED, apiErrorCode, isMissingResource, isNoResponders } from '../internal/nats/apiError';
import { after, nextDelay } from '../internal/nats/backoff';
import { newIdPrefix } from '../internal/nats/names';
import type { AbortOptions } from '../Receiver';
import { Sender } from '../Sender';
import type { Codec } from './Codec';

/** What a NATS sender needs from its channel. @internal */
export interface NatsSenderLink {
  readonly js: JetStreamClient;
  readonly subject: string;
  readonly channelName: string;
  readonly kind: string;
  readonly codec: Codec<unknown>;
  /** The channel object, for `ChannelClosedError`. */
  readonly channel: object;
  /** Whether the channel is known to be closed (sealed). */
  readonly closed: boolean;
  /** A send met the sealed stream. */
  _sealed(): void;
  /** Whether the channel is closed on the server; rejects with the server's error when the stream is gone. */
  closedOnServer(): Promise<boolean>;
  /** What a send must wait for first (receivers of this channel object still being set up), if anything. */
  setups(): Promise<void> | undefined;
}

interface PendingSend {
  readonly data: Uint8Array;
  readonly signal: AbortSignal | undefined;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  stopListening: (() => void) | undefined;
  /** Set once the send left the queue (an attempt is under way or waits for its retry). */
  started: boolean;
}

/** Retries of a full stream: from 5 ms, doubling, at most 250 ms apart. */
const FULL_FIRST = 5;
const FULL_MAX = 250;
/** Retries after a fault (timeout, disconnection, server restart): from 100 ms, at most 2 s apart. */
const FAULT_FIRST = 100;
const FAULT_MAX = 2000;

/**
 * The sender of a NATS channel (`NatsAnycast`, `NatsBroadcast`): the library's `Sender`, whose
 * `send()` publishes to the channel's JetStream stream and resolves once the server has stored
 * the message (its publish acknowledgement). Made by the channel's `newSender()`.
 *
 * Wraps the client's `js.publish()` with our own retry loop; no RxJS.
 *
 * ## Guarantees
 * - **Ordering:** this sender's messages are stored in its send order: it publishes one at a
 *   time, the next once the previous is stored (or failed).
 * - **Buffering:** its sends wait here in order, without bound, as sends a caller does not await
 *   do locally; the stream (a `NatsAnycast`'s `maxsize`) is the bound.
 * - **Stored once:** each message carries its own message id (`Nats-Msg-Id`); a retry after a
 *   lost reply is stored once (within the stream's duplicate window, 2 minutes by default).
 * - **When full (Anycast):** `send()` waits, retrying with a backoff (5 ms doubling to 250 ms)
 *   until a receiver acknowledges a message and makes room.
 * - **On faults:** a timeout, a disconnection or a server restart is retried with a backoff
 *   (100 ms doubling to 2 s) under the same message id, until it is stored, aborted or closed.
 * - **When closed:** a sealed stream (the channel was closed, here or in another process) makes
 *   `send()` reject with `SenderError` (cause `ChannelClosedError`); a deleted stream, with
 *   `SenderError` whose cause is the client's error. `close()` makes its `send()` reject with
 *   `SenderClosedError`, and releases its waiting sends with it.
 * - **When aborted:** a send still queued, or waiting for its retry, rejects with the signal's
 *   reason and publishes nothing more; a publish under way is waited for: if the server stored
 *   it, the send resolves (it was sent).
 * - **Not guaranteed:** `trySend()` (whether the stream has room is known only by publishing:
 *   it throws). An aborted send whose last attempt timed out may still have been stored. Blocked
 *   senders take turns in FIFO order only within one sender: across senders and processes,
 *   whichever retries first after room is made gets it.
 *
 * @example
 * ```ts
 * const sender = jobs.newSender();
 * await sender.send({ id: 1 }, { signal: AbortSignal.timeout(5000) });
 * ```
 */
export class NatsSender<T> extends Sender<T> {
  private readonly queue = new Deque<PendingSend>();
  private readonly idPrefix = newIdPrefix();
  private counter = 0;
  private busy = false;
  /** Cancels the retry timer of the send under way, if it waits for one. */
  private cancelRetry: (() => void) | undefined;
  /** The send that waits for its retry timer, if any. */
  private retrying: PendingSend | undefined;

  /** @internal */
  constructor(private readonly link: NatsSenderLink) {
    super();
  }

  /** Publishes `message`; resolves once the server stored it. */
  override send(message: T, options?: AbortOptions): Promise<void> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.isClosed) {
      return Promise.reject(new SenderClosedError(this));
    }
    if (this.link.closed) {
      return Promise.reject(this.closedError());
    }
    let data: Uint8Array;
    try {
      data = this.link.codec.encode(message);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      const send: PendingSend = { data, signal, resolve, reject, stopListening: undefined, started: false };
      if (signal !== undefined) {
        send.stopListening = listenForAbort(signal, () => this.abort(send));
      }
      this.queue.push(send);
      this.next();
    });
  }

  /**
   * Not supported: whether the stream has room is known only by publishing, which is what
   * `send()` does. Throws a `SenderError` saying so.
   */
  override trySend(message: T): boolean;
  override trySend(): boolean {
    throw new SenderError(
      `${String(this)} does not support trySend(): across machines it can only send by waiting`,
      this,
    );
  }

  /** Closes this sender: its queued sends reject with `SenderClosedError`. Idempotent. */
  override close(): void {
    if (this.isClosed) {
      return;
    }
    super.close();
    this.failQueued(() => new SenderClosedError(this));
  }

  /** `NatsSender:<channel>`. */
  override toString(): string {
    return `NatsSender:${this.link.channelName}`;
  }

  /** @internal The channel was closed: every waiting send fails. */
  _channelClosed(): void {
    this.failQueued(() => this.closedError());
  }

  private closedError(): SenderError<T> {
    return new SenderError(`${String(this)}: the channel is closed`, this, {
      cause: new ChannelClosedError(this.link.channel),
    });
  }

  private failQueued(error: () => Error): void {
    const retrying = this.retrying;
    if (retrying !== undefined) {
      this.cancelRetry?.();
      this.settle(retrying, false, error());
      this.busy = false;
      this.retrying = undefined;
      this.cancelRetry = undefined;
    }
    const waiting = this.queue.toArray();
    this.queue.clear();
    for (const send of waiting) {
      this.settle(send, false, error());
    }
  }

  private settle(send: PendingSend, sent: boolean, error?: unknown): void {
    send.stopListening?.();
    send.stopListening = undefined;
    if (sent) {
      send.resolve();
    } else {
      send.reject(error);
    }
  }

  /** Starts the next queued send, when none is under way. */
  private next(): void {
    if (this.busy || this.queue.length === 0) {
      return;
    }
    const send = this.queue.shift();
    send.started = true;
    this.busy = true;
    const msgID = `${this.idPrefix}-${++this.counter}`;
    const setups = this.link.setups();
    if (setups === undefined) {
      this.attempt(send, msgID, 0);
    } else {
      // A receiver made before this send gets it: wait until its consumer exists on the server.
      void setups.then(() => {
        if (!this.failIfStopped(send)) {
          this.attempt(send, msgID, 0);
        }
      });
    }
  }

  private done(): void {
    this.busy = false;
    this.cancelRetry = undefined;
    this.retrying = undefined;
    this.next();
  }

  private attempt(send: PendingSend, msgID: string, delay: number): void {
    this.link.js.publish(this.link.subject, send.data, { msgID }).then(
      () => {
        this.settle(send, true);
        this.done();
      },
      (error: unknown) => {
        const code = apiErrorCode(error);
        if (code === STREAM_SEALED) {
          this.link._sealed();
          this.fail(send, this.closedError());
        } else if (isMissingResource(error)) {
          this.fail(send, this.goneError(error));
        } else if (isNoResponders(error)) {
          // Nobody answers the subject: the stream is gone, or the server is still starting.
          this.link.closedOnServer().then(
            (closed) => {
              if (closed) {
                this.link._sealed();
                this.fail(send, this.closedError());
              } else {
                this.retry(send, msgID, delay, false);
              }
            },
            (infoError: unknown) => {
              if (isMissingResource(infoError)) {
                this.fail(send, this.goneError(infoError));
              } else {
                this.retry(send, msgID, delay, false);
              }
            },
          );
        } else {
          this.retry(send, msgID, delay, code === STREAM_FULL);
        }
      },
    );
  }

  /** Fails `send` when it was aborted or its sender or channel closed meanwhile; returns whether it did. */
  private failIfStopped(send: PendingSend): boolean {
    if (send.signal?.aborted) {
      this.fail(send, send.signal.reason);
    } else if (this.isClosed) {
      this.fail(send, new SenderClosedError(this));
    } else if (this.link.closed) {
      this.fail(send, this.closedError());
    } else {
      return false;
    }
    return true;
  }

  /** Waits (with a backoff) and tries again under the same message id, unless aborted or closed meanwhile. */
  private retry(send: PendingSend, msgID: string, delay: number, full: boolean): void {
    if (this.failIfStopped(send)) {
      return;
    }
    const wait = full ? nextDelay(delay, FULL_FIRST, FULL_MAX) : nextDelay(delay, FAULT_FIRST, FAULT_MAX);
    this.retrying = send;
    this.cancelRetry = after(wait, () => {
      this.cancelRetry = undefined;
      this.retrying = undefined;
      this.attempt(send, msgID, wait);
    });
  }

  private fail(send: PendingSend, error: unknown): void {
    this.settle(send, false, error);
    this.done();
  }

  private goneError(cause: unknown): SenderError<T> {
    return new SenderError(`${String(this)}: the stream is gone`, this, { cause });
  }

  private abort(send: PendingSend): void {
    if (!send.started) {
      const kept = this.queue.toArray().filter((queued) => queued !== send);
      this.queue.clear();
      for (const queued of kept) {
        this.queue.push(queued);
      }
      this.settle(send, false, send.signal?.reason);
      return;
    }
    if (this.retrying === send) {
      // Between attempts: the last one was rejected, so nothing of it is stored (unless it timed out).
      this.cancelRetry?.();
      this.settle(send, false, send.signal?.reason);
      this.done();
    }
    // Otherwise an attempt is under way: its outcome decides (see attempt()).
  }
}
