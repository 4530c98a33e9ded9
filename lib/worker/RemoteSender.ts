import { SenderClosedError, SenderError } from '../errors';
import { checkSignal, listenForAbort } from '../internal/abortable';
import { Deque } from '../internal/Deque';
import type { WireError } from '../internal/worker/wire';
import type { AbortOptions } from '../Receiver';
import { Sender } from '../Sender';

/**
 * Options of a remote sender's `send()`: abort, and what to transfer instead of copying.
 *
 * @example
 * ```ts
 * const frame = new ArrayBuffer(1 << 20);
 * await sender.send(frame, { transfer: [frame] });
 * ```
 */
export interface RemoteSendOptions extends AbortOptions {
  /** Transferred with the message (ArrayBuffers, MessagePorts), as `postMessage`'s transfer list. */
  readonly transfer?: readonly unknown[] | undefined;
}

/** What a remote sender needs from its connection. @internal */
export interface SenderLink {
  post(type: string, fields: Record<string, unknown>, transfer?: readonly unknown[]): void;
  revive(error: WireError, sender: RemoteSender<unknown>): Error;
  /** The error every send fails with once the connection is gone; `undefined` while it lives. */
  failure(): Error | undefined;
  /** A new id for a send, and where its answer goes. */
  track(settle: (outcome: SendOutcome) => void): number;
  untrack(id: number): void;
}

/** The owner's answer to a send. @internal */
export type SendOutcome =
  | { readonly sent: true }
  | {
      readonly sent: false;
      readonly aborted: boolean;
      /** The connection's failure, when it ended. */
      readonly error: Error | undefined;
      /** The owner's error, to rebuild naming this sender. */
      readonly wire: WireError | undefined;
    };

/** At most this many sends of one sender cross the port unanswered; the rest wait here, in order. */
const WINDOW = 64;

interface QueuedSend {
  readonly message: unknown;
  readonly transfer: readonly unknown[] | undefined;
  readonly signal: AbortSignal | undefined;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  stopListening: (() => void) | undefined;
}

/**
 * A sender in this thread of a channel in another (the owner thread), made by a remote
 * channel's `newSender()` (see `connectChannels()`). Its `send()` resolves once the owner has
 * placed the message, so the channel's back-pressure reaches this thread, and its blocked sends
 * wait in the owner's line in arrival order.
 *
 * ## Guarantees
 * - **Ordering:** this sender's messages are placed in its send order.
 * - **Buffer:** none of its own beyond a window: at most 64 sends cross the port unanswered; the
 *   rest wait here, in order, without bound (as sends a caller does not await do locally).
 * - **Closing:** `close()` makes `send()` reject with `SenderClosedError` and closes the owner-side
 *   sender (which counts for `autoClose`); a send of it waiting for room is released with that
 *   error. A closed channel rejects with `SenderError` (cause `ChannelClosedError`).
 * - **Cancellation:** an aborted send that had not been placed rejects with the signal's reason,
 *   one round trip later; if the owner had placed it already, the send resolves (it was sent).
 * - **Not guaranteed:** `trySend()` (it cannot know without asking the owner: it throws).
 *
 * @example
 * ```ts
 * const remote = connectChannels<{ jobs: Anycast<string> }>(parentPort);
 * const sender = remote.jobs.newSender();
 * await sender.send('build', { signal: AbortSignal.timeout(1000) });
 * ```
 */
export class RemoteSender<T> extends Sender<T> {
  private readonly queued = new Deque<QueuedSend>();
  private inFlight = 0;

  /** @internal */
  constructor(
    private readonly connection: SenderLink,
    private readonly sid: number,
    private readonly channelName: string,
  ) {
    super();
  }

  /**
   * Sends `message` (structured-cloned, or transferred as `options.transfer` lists); resolves
   * once the owner thread has placed it.
   */
  override send(message: T, options?: RemoteSendOptions): Promise<void> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.isClosed) {
      return Promise.reject(new SenderClosedError(this));
    }
    const failure = this.connection.failure();
    if (failure !== undefined) {
      return Promise.reject(new SenderError('The connection was closed', this, { cause: failure }));
    }
    return new Promise<void>((resolve, reject) => {
      const send: QueuedSend = {
        message,
        transfer: options?.transfer,
        signal,
        resolve,
        reject,
        stopListening: undefined,
      };
      if (this.inFlight < WINDOW && this.queued.length === 0) {
        this.post(send);
      } else {
        this.queued.push(send);
        if (signal !== undefined) {
          send.stopListening = listenForAbort(signal, () => this.withdraw(send));
        }
      }
    });
  }

  /**
   * Not supported across threads: whether the owner has room is known only by asking it, which
   * is what `send()` does. Throws a `SenderError` saying so.
   */
  override trySend(message: T): boolean;
  override trySend(): boolean {
    throw new SenderError(
      `${String(this)} does not support trySend(): across threads it can only send by waiting`,
      this,
    );
  }

  /** Closes this sender, and the owner-side one. Idempotent. */
  override close(): void {
    if (this.isClosed) {
      return;
    }
    super.close();
    for (const send of this.queued.toArray()) {
      send.stopListening?.();
      send.reject(new SenderClosedError(this));
    }
    this.queued.clear();
    if (this.connection.failure() === undefined) {
      this.connection.post('closeSender', { sid: this.sid });
    }
  }

  /** `RemoteSender:<channel>`. */
  override toString(): string {
    return `RemoteSender:${this.channelName}`;
  }

  /** @internal The connection ended: what waits here fails with `failure`. */
  _fail(failure: Error): void {
    for (const send of this.queued.toArray()) {
      send.stopListening?.();
      send.reject(new SenderError('The connection was closed', this, { cause: failure }));
    }
    this.queued.clear();
  }

  private post(send: QueuedSend): void {
    const { signal } = send;
    this.inFlight++;
    let stopListening: (() => void) | undefined;
    const id = this.connection.track((outcome) => {
      stopListening?.();
      this.inFlight--;
      if (outcome.sent) {
        send.resolve();
      } else if (outcome.aborted && signal !== undefined) {
        send.reject(signal.reason);
      } else if (outcome.wire !== undefined) {
        send.reject(this.connection.revive(outcome.wire, this as RemoteSender<unknown>));
      } else {
        send.reject(new SenderError('The connection was closed', this, { cause: outcome.error }));
      }
      this.postQueued();
    });
    try {
      this.connection.post('send', { id, sid: this.sid, m: send.message }, send.transfer);
    } catch (error) {
      // Not cloneable (a function, a class instance with private state...): nothing was sent.
      this.connection.untrack(id);
      this.inFlight--;
      send.reject(error);
      return;
    }
    if (signal !== undefined) {
      stopListening = listenForAbort(signal, () => this.connection.post('cancel', { id }));
    }
  }

  private postQueued(): void {
    while (this.inFlight < WINDOW && this.queued.length > 0) {
      const send = this.queued.shift();
      send.stopListening?.();
      this.post(send);
    }
  }

  private withdraw(send: QueuedSend): void {
    const kept = this.queued.toArray().filter((queued) => queued !== send);
    this.queued.clear();
    for (const queued of kept) {
      this.queued.push(queued);
    }
    send.reject(send.signal?.reason);
  }
}
