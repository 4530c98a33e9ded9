/**
 * The errors rx-channels throws. Every one extends {@link ChannelsError}, and each sets `name`
 * to its own class name, so `instanceof` and `err.name` both work at every level. `instanceof`
 * also works across copies of the package (the CommonJS and the ESM build loaded side by side, as
 * bundlers and Jest may do): each class is branded with a `Symbol.for('rx-channels.<Class>')`.
 *
 * ## Printing
 * The `channel`, `sender` and `receiver` fields are not enumerable, so `JSON.stringify(err)` and
 * printers that walk fields do not dump the channel's state; under Node, `console.log(err)` prints
 * a short form: `Name: message`, the first stack frames, the channel, sender or receiver as
 * `Kind:name`, and one `[cause] Name: message` line per cause.
 *
 * ## Causes
 * Errors that come from a deeper one keep it as the ES2022 `cause`: a send on a closed channel
 * throws a {@link SenderError} whose `cause` is the {@link ChannelClosedError}, and a receiver
 * of a closed channel stops with a {@link ReceiverStoppedError} whose `cause` is that same kind
 * of error.
 *
 * @example
 * ```ts
 * const channel = new Anycast<number>({ name: 'jobs' });
 * const sender = channel.newSender();
 * await channel.close();
 * try {
 *   await sender.send(1);
 * } catch (err) {
 *   if (err instanceof SenderError && err.cause instanceof ChannelClosedError) {
 *     console.log(String(err.cause.channel));
 *   }
 * }
 * // Logs: Anycast:jobs
 * ```
 *
 * @packageDocumentation
 */

import { brand, brandOf } from './internal/brand';
import type { Receiver } from './Receiver';
import type { Sender } from './Sender';

/** Node's `util.inspect.custom`, through the registry so that lib/ imports nothing from Node. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Lines of the stack the short printout shows: `Name: message` and 6 frames; `err.stack` keeps all. */
const SHOWN_STACK_LINES = 7;

/** Causes the short printout follows before it stops (a cause chain may loop). */
const SHOWN_CAUSES = 8;

/** The fields that name what an error is about, printed as `Kind:name`. */
const SUBJECTS = ['channel', 'sender', 'receiver'] as const;

/**
 * Keeps `value` as a read-only, non-enumerable own property: still `err.sender`, but printers and
 * `JSON.stringify` that walk own enumerable fields no longer dump the channel's internal state.
 */
function hide(error: ChannelsError, key: 'channel' | 'sender' | 'receiver', value: object): void {
  Object.defineProperty(error, key, { value });
}

/** One line for a cause: `Name: message` for an error, else what `inspect` (or `String`) gives. */
function describe(cause: unknown, inspect: ((value: unknown) => string) | undefined): string {
  if (cause instanceof Error) {
    return `${cause.name}: ${cause.message}`;
  }
  return inspect ? inspect(cause) : String(cause);
}

/** Options every error of the library takes: the ES2022 `cause`. */
export interface ChannelsErrorOptions {
  /** The error that led to this one. */
  readonly cause?: unknown;
}

/**
 * The base class of every error rx-channels throws (the seed's `Error`, renamed so that it does
 * not shadow the global `Error`).
 *
 * @example
 * ```ts
 * try { await receiver.receive(); } catch (err) { if (err instanceof ChannelsError) { ... } }
 * ```
 */
export class ChannelsError extends Error {
  static {
    brand(this, 'ChannelsError');
  }

  constructor(message: string, options?: ChannelsErrorOptions) {
    super(message, options);
    // The brand, not `new.target.name`, for the library's own classes: minifiers rename classes.
    this.name = brandOf(new.target) ?? new.target.name;
  }

  /**
   * The short printout of `console.log(err)` and `util.inspect(err)` under Node: the start of
   * the stack (`Name: message` and the first frames), the channel, sender or receiver by
   * `Kind:name`, and each `cause` as one `[cause] Name: message` line. `err.stack` and the
   * fields keep everything. Node finds it by the registry symbol, so it is no part of the API.
   *
   * @internal
   */
  [INSPECT](_depth?: number, _options?: object, inspect?: (value: unknown) => string): string {
    const lines = String(this.stack).split('\n').slice(0, SHOWN_STACK_LINES);
    for (const key of SUBJECTS) {
      if (Object.hasOwn(this, key)) {
        lines.push(`  ${key}: ${String((this as Partial<Record<(typeof SUBJECTS)[number], object>>)[key])}`);
      }
    }
    let cause = this.cause;
    for (let shown = 0; cause !== undefined && shown < SHOWN_CAUSES; shown++) {
      lines.push(`  [cause] ${describe(cause, inspect)}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    return lines.join('\n');
  }
}

/**
 * An error produced in a channel; `channel` is the channel it happened in.
 *
 * @example
 * ```ts
 * const err = new ChannelError('something broke', channel);
 * console.log(err.channel === channel); // Logs: true
 * ```
 */
export class ChannelError extends ChannelsError {
  static {
    brand(this, 'ChannelError');
  }

  /** The channel the error happened in (not enumerable, so printouts stay short). */
  declare readonly channel: object;

  constructor(message: string, channel: object, options?: ChannelsErrorOptions) {
    super(message, options);
    hide(this, 'channel', channel);
  }
}

/**
 * An operation on a closed channel. Its message is `Channel <channel> was closed`.
 *
 * @example
 * ```ts
 * console.log(new ChannelClosedError(new Anycast({ name: 'jobs' })).message);
 * // Logs: Channel Anycast:jobs was closed
 * ```
 */
export class ChannelClosedError extends ChannelError {
  static {
    brand(this, 'ChannelClosedError');
  }

  constructor(channel: object, options?: ChannelsErrorOptions) {
    super(`Channel ${String(channel)} was closed`, channel, options);
  }
}

/**
 * A send failed. On a closed channel the message is `The channel was closed` and the `cause` is
 * a {@link ChannelClosedError} whose `channel` is the channel.
 *
 * @example
 * ```ts
 * await sender.send(1).catch((err: SenderError<number>) => console.log(err.cause));
 * ```
 */
export class SenderError<T = unknown> extends ChannelsError {
  static {
    brand(this, 'SenderError');
  }

  /** The sender the error happened in (not enumerable, so printouts stay short). */
  declare readonly sender: Sender<T>;

  constructor(message: string, sender: Sender<T>, options?: ChannelsErrorOptions) {
    super(message, options);
    hide(this, 'sender', sender);
  }
}

/**
 * The sender was closed (its `close()` was called, or it was a oneshot sender that has sent):
 * its `send()` rejects with this, and places nothing. Its message is `Sender <sender> was closed`.
 * Other senders of the same channel are unaffected.
 *
 * @example
 * ```ts
 * const sender = channel.newSender();
 * sender.close();
 * await sender.send(1).catch((err) => console.log(err instanceof SenderClosedError));
 * // Logs: true
 * ```
 */
export class SenderClosedError<T = unknown> extends SenderError<T> {
  static {
    brand(this, 'SenderClosedError');
  }

  constructor(sender: Sender<T>, options?: ChannelsErrorOptions) {
    super(`Sender ${String(sender)} was closed`, sender, options);
  }
}

/**
 * A receive failed; `receiver` is the receiver it happened in.
 *
 * @example
 * ```ts
 * receiver.consume(); // before ready(): throws ReceiverError
 * ```
 */
export class ReceiverError<T = unknown> extends ChannelsError {
  static {
    brand(this, 'ReceiverError');
  }

  /** The receiver the error happened in (not enumerable, so printouts stay short). */
  declare readonly receiver: Receiver<T>;

  constructor(message: string, receiver: Receiver<T>, options?: ChannelsErrorOptions) {
    super(message, options);
    hide(this, 'receiver', receiver);
  }
}

/**
 * The receiver will produce no more messages. Its message is `Receiver <receiver> was stopped`;
 * when the receiver's channel was closed, its `cause` is the {@link ChannelClosedError}.
 *
 * @example
 * ```ts
 * await channel.close();
 * await receiver.receive().catch((err) => console.log(err instanceof ReceiverStoppedError));
 * // Logs: true
 * ```
 */
export class ReceiverStoppedError<T = unknown> extends ReceiverError<T> {
  static {
    brand(this, 'ReceiverStoppedError');
  }

  constructor(receiver: Receiver<T>, options?: ChannelsErrorOptions) {
    super(`Receiver ${String(receiver)} was stopped`, receiver, options);
  }
}

/**
 * The receiver was turned into a peekable ({@link Receiver.intoPeekable}) and has delivered the
 * messages it had buffered.
 *
 * @example
 * ```ts
 * const receiver = broadcast.newReceiver();
 * receiver.intoPeekable();
 * await receiver.receive().catch((err) => console.log(err.name));
 * // Logs: ReceiverInvalidatedError
 * ```
 */
export class ReceiverInvalidatedError<T = unknown> extends ReceiverError<T> {
  static {
    brand(this, 'ReceiverInvalidatedError');
  }
}
