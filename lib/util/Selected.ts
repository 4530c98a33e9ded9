import { ReceiverStoppedError } from '../errors';
import { STOPPED, type PollState } from '../internal/readiness';
import type { SourceSet } from '../internal/SourceSet';
import type { Receiver } from '../Receiver';

/** What a receiver's `consume()` gave: a message, or the error it threw. */
type Outcome<T> = { readonly message: T } | { readonly exception: unknown };

/**
 * One receiver's turn, handed out by {@link select} (the successor API) and by
 * {@link Select} (the seed's API): the message that was taken from the receiver, or the error
 * its `consume()` threw, or the news that it stopped.
 *
 * ## Guarantees
 * - **Ordering:** the message was taken from the receiver when this item was made; nothing
 *   else was taken with it.
 * - **Closing:** a stopped receiver gives one item with `wasStopped` true and `exception` its
 *   {@link ReceiverStoppedError} (whose `cause` says why, for example a `ChannelClosedError`).
 * - **Not guaranteed:** that reading `message` is safe: it throws the receiver's error; test
 *   `exception` first, or catch.
 *
 * @example
 * ```ts
 * for await (const selected of select(numbers)) {
 *   if (selectedFrom(selected, numbers) && !selected.wasStopped) {
 *     console.log(selected.message); // Logs: 1
 *   }
 * }
 * ```
 */
export class Selected<T> {
  /** @internal The receiver this item came from, matched by {@link selectedFrom}. */
  readonly _receiver: Receiver<T>;
  /** @internal Set by the first {@link selectedFrom} call that matched this item's receiver. */
  _handled = false;
  readonly #outcome: Outcome<T>;

  private constructor(receiver: Receiver<T>, outcome: Outcome<T>) {
    this._receiver = receiver;
    this.#outcome = outcome;
  }

  /**
   * The message.
   *
   * @throws the error the receiver's `consume()` threw (a {@link ReceiverStoppedError} when it
   * had stopped); see {@link Selected.exception}.
   */
  get message(): T {
    const outcome = this.#outcome;
    if ('exception' in outcome) {
      throw outcome.exception;
    }
    return outcome.message;
  }

  /** The error the receiver's `consume()` threw, or `undefined` when it gave a message. */
  get exception(): unknown {
    const outcome = this.#outcome;
    return 'exception' in outcome ? outcome.exception : undefined;
  }

  /** Whether the receiver had stopped: then `exception` is its {@link ReceiverStoppedError}. */
  get wasStopped(): boolean {
    return this.exception instanceof ReceiverStoppedError;
  }

  /**
   * The seed's `inner`: the message, or `undefined` when the receiver had stopped.
   *
   * @throws the receiver's error when `consume()` threw anything but a stop.
   */
  get inner(): T | undefined {
    return this.wasStopped ? undefined : this.message;
  }

  toString(): string {
    return `Selected:${String(this._receiver)}`;
  }

  /**
   * Takes the turn of `sources`' receiver `index`, whose state (not PENDING) is `state`:
   * consumes its message (or error), or, when it has stopped, gets its stop error and marks it
   * finished.
   *
   * @internal
   */
  static _take<T>(sources: SourceSet<T>, index: number, state: PollState = sources.stateAt(index)): Selected<T> {
    const receiver = sources.receivers[index] as Receiver<T>;
    const stopped = state === STOPPED;
    let outcome: Outcome<T>;
    try {
      outcome = { message: sources.consume(index) };
    } catch (exception) {
      outcome = { exception };
    }
    const item = new Selected(receiver, stopped ? stopOutcome(receiver, outcome) : outcome);
    if (item.wasStopped) {
      sources.finish(index);
    }
    return item;
  }
}

/** A stopped receiver's outcome as a ReceiverStoppedError, even from a receiver that threw another. */
function stopOutcome<T>(receiver: Receiver<T>, outcome: Outcome<T>): Outcome<T> {
  if ('exception' in outcome && outcome.exception instanceof ReceiverStoppedError) {
    return outcome;
  }
  const cause = 'exception' in outcome ? outcome.exception : undefined;
  return { exception: new ReceiverStoppedError(receiver, { cause }) };
}
