/**
 * A look at the latest message of a channel, without consuming anything.
 *
 * @example
 * ```ts
 * const channel = new Broadcast<number>('temperature');
 * const peekable = channel.newPeekable();
 * await channel.newSender().send(21);
 * console.log(peekable.peek()); // Logs: 21
 * ```
 */
export abstract class Peekable<T> {
  /** The latest message sent to the channel; `undefined` before any, and after `close()`. */
  abstract peek(): T | undefined;
}
