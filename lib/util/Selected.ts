import { ReceiverError, ReceiverStoppedError } from '../errors';
import type { FanIn } from '../internal/FanIn';
import { STOPPED, type PollState } from '../internal/protocol';
import type { Receiver } from '../Receiver';

/**
 * What every {@link Selected} has, whatever it holds.
 *
 * @example
 * ```ts
 * const base: SelectedBase<number> = selected;
 * console.log(String(base)); // Logs: Selected:AnycastReceiver:numbers
 * ```
 */
export interface SelectedBase<T> {
  /** Whether the receiver had stopped: then `exception` is its {@link ReceiverStoppedError}. */
  readonly wasStopped: boolean;
  /** The error the receiver's `consume()` threw, or `undefined` when it gave a message. */
  readonly exception: unknown;
  /**
   * The seed's `inner`: the message, or `undefined` when the receiver had stopped.
   *
   * @throws the receiver's error when `consume()` threw anything but a stop.
   */
  readonly inner: T | undefined;
  /** `Selected:<receiver>`, for logs and error messages. */
  toString(): string;
  /** @internal The receiver this item came from, matched by {@link selectedFrom}. */
  readonly _receiver: Receiver<T>;
  /** @internal Set by the first {@link selectedFrom} call that matched this item's receiver. */
  _handled: boolean;
}

/**
 * A {@link Selected} that holds a message: `wasStopped` is `false` and `exception` is
 * `undefined`; only this kind has a readable `message`.
 *
 * @example
 * ```ts
 * if (!selected.wasStopped && selected.exception === undefined) {
 *   const item: SelectedMessage<number> = selected;
 *   console.log(item.message); // Logs: 1
 * }
 * ```
 */
export interface SelectedMessage<T> extends SelectedBase<T> {
  readonly wasStopped: false;
  readonly exception: undefined;
  /** The message taken from the receiver. */
  readonly message: T;
  readonly inner: T;
}

/**
 * A {@link Selected} that reports a stopped receiver: `wasStopped` is `true` and `exception` the
 * receiver's {@link ReceiverStoppedError} (whose `cause` says why). It has no `message` in its
 * type; at run time reading it throws that error.
 *
 * @example
 * ```ts
 * if (selected.wasStopped) {
 *   const stop: SelectedStop<number> = selected;
 *   console.log(stop.exception.message); // Logs: Receiver AnycastReceiver:numbers was stopped
 * }
 * ```
 */
export interface SelectedStop<T> extends SelectedBase<T> {
  readonly wasStopped: true;
  readonly exception: ReceiverStoppedError;
  readonly inner: undefined;
}

/**
 * A {@link Selected} that holds the error the receiver's `consume()` threw (any value but
 * `undefined`: a thrown `undefined` is wrapped in a {@link ReceiverError}); `wasStopped` is
 * `false`. It has no `message` in its type; at run time reading it throws that error.
 *
 * @example
 * ```ts
 * if (!selected.wasStopped && selected.exception !== undefined) {
 *   const failure: SelectedFailure<number> = selected;
 *   console.error(failure.exception);
 * }
 * ```
 */
export interface SelectedFailure<T> extends SelectedBase<T> {
  readonly wasStopped: false;
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- any thrown value but undefined
  readonly exception: {} | null;
  /** Reading it throws `exception`. */
  readonly inner: never;
}

/**
 * One receiver's turn, handed out by {@link select} (the successor API) and by
 * {@link Select} (the seed's API): the message that was taken from the receiver
 * ({@link SelectedMessage}), or the error its `consume()` threw ({@link SelectedFailure}), or the
 * news that it stopped ({@link SelectedStop}). One runtime class for all three; the type is their
 * union, discriminated by `wasStopped` and `exception`, so that `message` can be read only once
 * both are checked.
 *
 * ## Guarantees
 * - **Ordering:** the message was taken from the receiver when this item was made; nothing
 *   else was taken with it.
 * - **Closing:** a stopped receiver gives one item with `wasStopped` true and `exception` its
 *   {@link ReceiverStoppedError} (whose `cause` says why, for example a `ChannelClosedError`).
 * - **Errors:** `exception` is `undefined` exactly when the item holds a message.
 * - **Not guaranteed:** that `message` exists on an item not narrowed: it is a type error, and at
 *   run time it throws the receiver's error. Test `wasStopped`, then `exception`. (The check
 *   `'message' in selected` is always true at run time: do not narrow with it.)
 *
 * @example
 * ```ts
 * for await (const selected of select(numbers)) {
 *   if (!selectedFrom(selected, numbers)) continue;
 *   if (selected.wasStopped) console.log('stopped');
 *   else if (selected.exception !== undefined) console.error(selected.exception);
 *   else console.log(selected.message); // Logs: 1
 * }
 * ```
 */
export type Selected<T> = SelectedMessage<T> | SelectedStop<T> | SelectedFailure<T>;

/**
 * The runtime class of {@link Selected}: items are made by the library only, and
 * `instanceof Selected` tells them from other values.
 *
 * @example
 * ```ts
 * if (value instanceof Selected) console.log(value.wasStopped);
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- what makes `instanceof Selected` legal
export interface SelectedConstructor extends Function {
  /** The prototype every item shares. */
  readonly prototype: Selected<unknown>;
  /**
   * Takes the turn of `sources`' receiver `index`, whose state (not PENDING) is `state`:
   * consumes its message (or error), or, when it has stopped, gets its stop error and marks it
   * finished.
   *
   * @internal
   */
  _take<T>(sources: FanIn<T>, index: number, state?: PollState): Selected<T>;
}

// A class expression, so that the runtime class is named `Selected` while the type `Selected`
// is the union above (inside the class body, `Selected<T>` is the class itself).
const SelectedClass = class Selected<T> {
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
    // A thrown `undefined` is wrapped: `exception` is `undefined` only when there is a message.
    this.#value =
      failed && value === undefined
        ? new ReceiverError(`Receiver ${String(receiver)} threw undefined`, receiver)
        : value;
    this.#stopped = failed && value instanceof ReceiverStoppedError;
  }

  /** The message; throws the receiver's error (see {@link SelectedMessage.message}). */
  get message(): T {
    if (this.#failed) {
      throw this.#value;
    }
    return this.#value as T;
  }

  get exception(): unknown {
    return this.#failed ? this.#value : undefined;
  }

  get wasStopped(): boolean {
    return this.#stopped;
  }

  get inner(): T | undefined {
    return this.wasStopped ? undefined : this.message;
  }

  toString(): string {
    return `Selected:${String(this._receiver)}`;
  }

  /** @internal See {@link SelectedConstructor._take}. */
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
      const stop = new ReceiverStoppedError(receiver, { cause: item.exception });
      item = new Selected(receiver, true, stop);
    }
    if (item.wasStopped) {
      sources.finish(index);
    }
    return item;
  }
};

/** The runtime class of every {@link Selected} item (see {@link SelectedConstructor}). */
export const Selected: SelectedConstructor = SelectedClass as unknown as SelectedConstructor;
