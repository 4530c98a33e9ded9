import { SenderClosedError, SenderError } from '../errors';
import type { AbortOptions } from '../Receiver';
import { Sender } from '../Sender';

/**
 * A {@link Sender} that sends every message to each of several senders in turn (Python's
 * `RelaySender`). Our own code on top of the members' `send()`; no RxJS here.
 *
 * ## Guarantees
 *
 * - Ordering: `send()` sends to the members in the order they were given, each send awaited
 *   before the next starts, so every member gets the relay's messages in the order of the
 *   relay's (awaited) sends.
 * - Buffering: none of its own; each member buffers as its channel does.
 * - When full: a member that waits for room (Anycast back-pressure) makes the relay's `send()`
 *   wait too; it resolves once every member has the message.
 * - When closed: a member whose send rejects (a closed channel: a {@link SenderError} whose
 *   `cause` is a {@link ChannelClosedError}) makes the relay's `send()` reject with that very
 *   error; the members after it do not get the message.
 * - Closing the relay: its `close()` closes the relay only (not its members, which it does not
 *   own); its `send()` then rejects with {@link SenderClosedError}.
 * - When aborted: the signal is passed to the member send in progress, which rejects with the
 *   signal's reason; an already-aborted signal rejects at once and places nothing.
 * - Not guaranteed: atomicity. The members before a failing or aborted one keep the message
 *   (as in Python). `trySend()` is not supported (it throws a {@link SenderError}): placing the
 *   message in some members and then answering `false` would make a caller that retries send
 *   duplicates to those members.
 *
 * @example
 * ```ts
 * const jobs = new Anycast<string>({ name: 'jobs' });
 * const audit = new Broadcast<string>('audit');
 * const log = audit.newReceiver();
 * const relay = new RelaySender(jobs.newSender(), audit.newSender());
 * await relay.send('build');
 * console.log(await jobs.newReceiver().receive(), await log.receive()); // Logs: build build
 * ```
 */
export class RelaySender<T> extends Sender<T> {
  readonly #senders: readonly Sender<T>[];

  /**
   * @param senders - the members, at least one, in the order each message is sent to them.
   * @throws TypeError when there is no member or one of them is not a {@link Sender}.
   */
  constructor(...senders: Sender<T>[]) {
    super();
    if (senders.length === 0) {
      throw new TypeError('RelaySender: at least one sender is required');
    }
    senders.forEach((sender, i) => {
      if (!(sender instanceof Sender)) {
        throw new TypeError(`RelaySender: senders[${i}] is not a Sender: ${String(sender)}`);
      }
    });
    this.#senders = [...senders];
  }

  /**
   * Sends `message` to every member in turn and resolves once all have it.
   *
   * @throws the first failing member's error (a {@link SenderError}); earlier members keep the
   * message, later ones do not get it. Aborted: the signal's reason.
   */
  override send(message: T, options: AbortOptions = {}): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.isClosed) {
      return Promise.reject(new SenderClosedError(this));
    }
    return this.#senders.reduce<Promise<void>>(
      (previous, sender) => previous.then(() => sender.send(message, options)),
      Promise.resolve(),
    );
  }

  /**
   * Not supported: always throws a {@link SenderError}. A relay only sends by waiting, because
   * a `false` after some members took the message would have retries duplicate it there.
   */
  override trySend(message: T): boolean;
  override trySend(): boolean {
    throw new SenderError(`${String(this)} does not support trySend(): a relay only sends by waiting`, this);
  }

  /** `RelaySender:<n> members`. */
  override toString(): string {
    return `RelaySender:${this.#senders.length} members`;
  }
}
