import { ReceiverStoppedError } from '../errors';
import type { FanIn } from '../internal/FanIn';
import { STOPPED, type PollState } from '../internal/protocol';
import type { Receiver } from '../Receiver';

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
  /** Whether `consume()` threw: then `#value` is the error, else the message. */
  readonly #failed: boolean;
  // One field for the message or the error, not an outcome object: an item is made per message.
  readonly #value: unknown;
  /** Whether `#value` is a {@link ReceiverStoppedError}, tested once here, not at every read. */
  readonly #stopped: boolean;

  private constructor(receiver: Receiver<T>, failed: boolean, value: unknown) {
    this._receiver = receiver;
    this.#failed = failed;
    this.#value = value;
    this.#stopped = failed && value instanceof ReceiverStoppedError;
  }

  /**
   * The message.
   *
   * @throws the error the receiver's `consume()` threw (a {@link ReceiverStoppedError} when it
   * had stopped); see {@link Selected.exception}.
   */
  get message(): T {
    if (this.#failed) {
      throw this.#value;
    }
    return this.#value as T;
  }

  /** The error the receiver's `consume()` threw, or `undefined` when it gave a message. */
  get exception(): unknown {
    return this.#failed ? this.#value : undefined;
  }

  /** Whether the receiver had stopped: then `exception` is its {@link ReceiverStoppedError}. */
  get wasStopped(): boolean {
    return this.#stopped;
  }

  /**
   * The seed's `inner`: the message, or `undefined` when the receiver had stopped.
   *
   * @throws the receiver's error when `consume()` threw anything but a stop.
   */
  get inner(): T | undefined {
    return this.wasStopped ? undefined : this.message;
  }

  /** `Selected:<receiver>`, for logs and error messages. */
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
  static _take<T>(sources: FanIn<T>, index: number, state: PollState = sources.stateAt(index)): Selected<T> {
    const receiver = sources.receivers[index] as Receiver<T>;
    let item: Selected<T>;
    try {
      item = new Selected(receiver, false, sources.consume(index));
    } catch (exception) {
      item = new Selected(receiver, true, exception);
    }
    if (state === STOPPED && !item.wasStopped) {
      // A stopped receiver that gave a message or another error: its item is still a stop.
      item = new Selected(receiver, true, new ReceiverStoppedError(receiver, { cause: item.exception }));
    }
    if (item.wasStopped) {
      sources.finish(index);
    }
    return item;
  }
}
