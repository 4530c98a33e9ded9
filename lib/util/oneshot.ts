import { Anycast } from '../Anycast';
import { SenderClosedError } from '../errors';
import { checkSignal } from '../internal/abortable';
import { checkOptions, checkString } from '../internal/validate';
import type { AbortOptions, Receiver } from '../Receiver';
import { Sender } from '../Sender';

/** Options of {@link oneshot}. */
export interface OneshotOptions {
  /**
   * The channel's name, used in `toString()` and error messages.
   * @defaultValue `oneshot-<n>`, numbered in creation order
   */
  readonly name?: string | undefined;
}

/** The receiving end of a {@link oneshot} channel: an ordinary receiver that delivers one message, then stops. */
export type OneshotReceiver<T> = Receiver<T>;

let oneshotCount = 0;

/** Closes the inner sender of a OneshotSender that was garbage-collected unsent. */
const droppedSenders = new FinalizationRegistry<{ close(): void }>((inner) => inner.close());

/**
 * The sending end of a {@link oneshot} channel: its first `send()` places the message and closes
 * it; any later one rejects with {@link SenderClosedError}.
 *
 * @example
 * ```ts
 * const [reply, replies] = oneshot<string>();
 * await reply.send('done');
 * console.log(reply.isClosed); // Logs: true
 * ```
 */
export class OneshotSender<T> extends Sender<T> {
  /** @internal */
  constructor(
    private readonly inner: Sender<T>,
    private readonly name: string,
  ) {
    super();
  }

  /**
   * Set by the first send before it places the message: a send from inside that delivery (a
   * `map()` callback or subscriber run in its call stack) finds the sender closed already.
   */
  #used = false;

  /** Whether the one message was sent or `close()` was called. */
  override get isClosed(): boolean {
    return this.#used || this.inner.isClosed;
  }

  /**
   * Sends the one message, which never waits (the slot is empty), and closes the sender.
   *
   * @throws {@link SenderClosedError} when a message was already sent or `close()` was called.
   */
  send(message: T, options?: AbortOptions): Promise<void> {
    const signal = checkSignal(options?.signal);
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    try {
      this.trySend(message);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Sends the one message and closes the sender: `true`, or a {@link SenderClosedError} thrown. */
  override trySend(message: T): boolean {
    if (this.isClosed) {
      throw new SenderClosedError(this);
    }
    this.#used = true;
    // The slot holds one message and only this sender fills it, once: there is always room.
    try {
      this.inner.trySend(message);
    } finally {
      this.inner.close();
    }
    return true;
  }

  /** Closes the sender unsent: the receiver stops. Idempotent. */
  override close(): void {
    this.inner.close();
  }

  /** `OneshotSender:<name>`. */
  override toString(): string {
    return `OneshotSender:${this.name}`;
  }
}

/**
 * A channel for exactly one message (Python 1.x's `OneshotChannel`, tokio's `oneshot`): a reply
 * slot for request/response. Built on an {@link Anycast} of one slot with `autoClose`, so the
 * receiver is an ordinary one (Observable face, `for await`, `select()`, `AbortSignal`).
 *
 * ## Guarantees
 * - **Ordering / buffer:** one message, held until the receiver takes it. `send()` never waits.
 * - **Sending:** the first `send()` places the message and closes the sender; a second one
 *   rejects with {@link SenderClosedError} and places nothing, also one made from inside the
 *   first send's own delivery (a `map()` callback or subscriber run in its call stack).
 * - **Closing:** the receiver delivers the message, then stops with `ReceiverStoppedError`
 *   (cause `ChannelClosedError`); a sender closed unsent stops the receiver at once, and so does
 *   one garbage-collected unsent (as tokio's dropped sender), when the collector runs. Closing
 *   the receiver first leaves the sender's one `send()` succeeding: the message is dropped with
 *   the channel, as nobody can take it.
 * - **Cancellation:** an aborted `receive()` takes nothing; the message stays for the next one.
 * - **Not guaranteed:** that anyone receives it; pair the wait with a timeout (see the example).
 *
 * @example A reply slot with a timeout
 * ```ts
 * const [reply, replyReceiver] = oneshot<string>();
 * await requests.send({ question: 'status?', reply });
 * const timeout = Timer.once(1000);
 * for await (const selected of select(replyReceiver, timeout)) {
 *   if (!replyReceiver.triggered(selected)) console.log('no answer in time');
 *   else if (selected.exception === undefined) console.log('answer:', selected.message);
 *   else console.log('the service closed the reply slot unanswered');
 *   break;
 * }
 * timeout.close();
 * ```
 */
export function oneshot<T>(options: OneshotOptions = {}): [OneshotSender<T>, OneshotReceiver<T>] {
  checkOptions('options', options);
  const { name = `oneshot-${oneshotCount + 1}` } = options;
  checkString('name', name);
  oneshotCount++;
  const channel = new Anycast<T>({ name, maxsize: 1, autoClose: true });
  const inner = channel.newSender();
  const sender = new OneshotSender(inner, name);
  // tokio's oneshot: a sender dropped unsent ends the receiver's wait. Its registration holds
  // the inner sender, never the OneshotSender, which could then never be collected.
  droppedSenders.register(sender, inner);
  return [sender, channel.newReceiver()];
}
