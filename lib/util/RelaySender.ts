import { SenderClosedError, SenderError } from '../errors';
import { checkSignal, listenForAbort } from '../internal/abortable';
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
 *   own); its `send()` then rejects with {@link SenderClosedError}, and a send in progress is
 *   released with that error: the member it waits on and the later ones do not get the message.
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
  /** One per send in progress, aborted by `close()` with a {@link SenderClosedError}. */
  readonly #inProgress = new Set<AbortController>();

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
    const signal = checkSignal(options.signal);
    if (signal?.aborted) {
      return Promise.reject(signal.reason);
    }
    if (this.isClosed) {
      return Promise.reject(new SenderClosedError(this));
    }
    // The members see one signal: the caller's abort or this relay's close(), whichever first.
    const linked = new AbortController();
    this.#inProgress.add(linked);
    const stopListening = signal === undefined ? undefined : listenForAbort(signal, () => linked.abort(signal.reason));
    const memberOptions: AbortOptions = { signal: linked.signal };
    return this.#senders
      .reduce<Promise<void>>(
        (previous, sender) =>
          previous.then(() => {
            // Aborted or closed between two members: the later ones do not get the message.
            linked.signal.throwIfAborted();
            return sender.send(message, memberOptions);
          }),
        Promise.resolve(),
      )
      .finally(() => {
        this.#inProgress.delete(linked);
        stopListening?.();
      });
  }

  /**
   * Closes the relay, not its members (which it does not own): its `send()` rejects with
   * {@link SenderClosedError} from now on, and a send of it in progress is released with that
   * error (the member it waits on is passed it as an abort; the members after it do not get the
   * message). Idempotent.
   */
  override close(): void {
    if (this.isClosed) {
      return;
    }
    super.close();
    const error = new SenderClosedError(this);
    for (const linked of this.#inProgress) {
      linked.abort(error);
    }
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
