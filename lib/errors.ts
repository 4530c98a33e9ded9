/**
 * The errors rx-channels throws. Every one extends {@link ChannelsError}, and each sets `name`
 * to its own class name, so `instanceof` and `err.name` both work at every level.
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

import type { Receiver } from './Receiver';
import type { Sender } from './Sender';

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
  constructor(message: string, options?: ChannelsErrorOptions) {
    super(message, options);
    this.name = new.target.name;
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
  /** The channel the error happened in. */
  readonly channel: object;

  constructor(message: string, channel: object, options?: ChannelsErrorOptions) {
    super(message, options);
    this.channel = channel;
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
  /** The sender the error happened in. */
  readonly sender: Sender<T>;

  constructor(message: string, sender: Sender<T>, options?: ChannelsErrorOptions) {
    super(message, options);
    this.sender = sender;
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
  /** The receiver the error happened in. */
  readonly receiver: Receiver<T>;

  constructor(message: string, receiver: Receiver<T>, options?: ChannelsErrorOptions) {
    super(message, options);
    this.receiver = receiver;
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
export class ReceiverInvalidatedError<T = unknown> extends ReceiverError<T> {}
