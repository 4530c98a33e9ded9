import { ReceiverStoppedError } from '../errors';
import { ASYNC_DISPOSE, defineDisposal, stopAsync } from '../internal/dispose';
import { warn } from '../logger';
import { Receiver } from '../Receiver';
import { Sender } from '../Sender';

/** The `await using` face of {@link Pipe}, merged into the class. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameter (each instance gets the method under ASYNC_DISPOSE, lib/internal/dispose.ts)
export interface Pipe<T> {
  /**
   * Stops the pipe when an `await using` scope ends: the same as {@link Pipe.stop}. Idempotent.
   *
   * @example
   * ```ts
   * {
   *   await using pipe = new Pipe(source.newReceiver(), target.newSender());
   *   pipe.start();
   *   // ...
   * } // await pipe.stop() runs here; both channels stay open
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Forwards every message of a receiver to a sender (Python 1.x's `Pipe`), in order and with
 * back-pressure. Our own loop of `receive()` then `send()`, each awaited before the next; no RxJS.
 *
 * It does not start on construction: call `start()` (Python's `Pipe` needs `start()` too).
 *
 * ## Guarantees
 * - **Ordering:** messages are sent in the order the receiver gives them, one send at a time.
 * - **Buffer:** none of its own. At most one message is in flight: taken from the receiver and
 *   not yet placed by the sender. The next one is taken only once that send has resolved.
 * - **When full:** a sender that waits for room (Anycast back-pressure) makes the pipe wait;
 *   the pipe takes nothing more meanwhile, so the messages stay upstream (an Anycast sender
 *   upstream then waits too, and the channel's other receivers can still take them).
 * - **Receiver stops:** the pipe ends cleanly (`error` stays `undefined`, nothing is logged).
 * - **Errors:** a send that rejects (a closed channel downstream: a `SenderError` whose `cause`
 *   is the `ChannelClosedError`) ends the pipe; its message is lost with it, as with any failed
 *   send. A receiver that throws anything but its stop ends the pipe too. Either error is kept as
 *   {@link Pipe.error} and logged once through the library's logger (`setLogger()`).
 * - **Stopping:** `stop()` cancels a pending wait on the receiver, which takes nothing: the
 *   message stays in the receiver (an Anycast keeps it for its other receivers). A message
 *   already taken (even in the same tick as `stop()`) is still sent, and `stop()` resolves once
 *   that send has settled: nothing taken is lost, but while the downstream stays full `stop()`
 *   waits (close the downstream channel to end it: the send then fails and is logged).
 *   `stop()` closes neither end.
 * - **Not guaranteed:** a message that is a thenable is adopted by `receive()`, as by every
 *   promise. A pipe runs once: `start()` after `stop()` does nothing (Python's would start a new
 *   loop); make a new `Pipe` to forward again.
 *
 * @example
 * ```ts
 * const source = new Anycast<number>({ name: 'source' });
 * const target = new Broadcast<number>('target');
 * const out = target.newReceiver();
 * const pipe = new Pipe(source.newReceiver(), target.newSender());
 * pipe.start();
 * await source.newSender().send(10);
 * console.log(await out.receive()); // Logs: 10
 * await pipe.stop();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Pipe<T> {
  readonly #receiver: Receiver<T>;
  readonly #sender: Sender<T>;
  /** Aborted by `stop()` (never un-aborted): cancels the wait on the receiver and ends the loop. */
  readonly #stopping = new AbortController();
  /** Set by `start()`: resolves once the loop has ended. `undefined` while not started. */
  #done: Promise<void> | undefined;
  /** Resolves `#done`; called once, when the loop ends. */
  #end!: () => void;
  /** The error that ended the pipe. */
  #error: unknown;

  /**
   * @param receiver - where messages come from; the pipe is its consumer while it runs.
   * @param sender - where they go.
   * @throws TypeError when `receiver` is not a {@link Receiver} or `sender` not a {@link Sender}.
   */
  constructor(receiver: Receiver<T>, sender: Sender<T>) {
    if (!(receiver instanceof Receiver) || !(sender instanceof Sender)) {
      throw new TypeError('Expected `receiver` to be a Receiver and `sender` a Sender');
    }
    this.#receiver = receiver;
    this.#sender = sender;
    defineDisposal(this, ASYNC_DISPOSE, stopAsync);
  }

  /**
   * The error that ended the pipe: a send's rejection (usually a {@link SenderError}) or the
   * receiver's error (a {@link ReceiverError}); `undefined` while running, after `stop()`, and
   * when the receiver stopped.
   */
  get error(): unknown {
    return this.#error;
  }

  /** Starts forwarding. Idempotent; does nothing after `stop()`. */
  start(): void {
    if (this.#done === undefined && !this.#stopping.signal.aborted) {
      this.#done = new Promise((resolve) => {
        this.#end = resolve;
      });
      this.#take();
    }
  }

  /**
   * Stops forwarding: takes no further message, and resolves once the loop has ended (after the
   * send of a message already taken has settled). Closes neither end. Idempotent; never rejects.
   */
  stop(): Promise<void> {
    this.#stopping.abort();
    return this.#done ?? Promise.resolve();
  }

  /** `Pipe:<receiver>-><sender>`. */
  toString(): string {
    return `Pipe:${String(this.#receiver)}->${String(this.#sender)}`;
  }

  /**
   * One turn of the loop: take a message, send it, then the next turn. Each turn starts afresh
   * from a callback rather than returning a chained promise, so a long run does not pile up
   * promises that resolve one another.
   */
  #take(): void {
    const { signal } = this.#stopping;
    if (signal.aborted) {
      this.#end();
      return;
    }
    let taken = false;
    this.#receiver
      .receive({ signal })
      .then((message) => {
        // Taken, so sent even if stop() came meanwhile: never lost. A send() that throws at
        // once fails the pipe as one that rejects does.
        taken = true;
        return this.#sender.send(message);
      })
      .then(
        () => this.#take(),
        (error: unknown) => {
          // The receiver's stop, or the wait that stop() cancelled, is a clean end; a send's failure never is.
          if (taken || !(error instanceof ReceiverStoppedError || signal.aborted)) {
            this.#error = error;
            warn(`${String(this)} stopped: ${String(error)}`);
          }
          this.#end();
        },
      );
  }
}
