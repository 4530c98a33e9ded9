import { checkFunction, checkOptions, checkType } from '../internal/validate';

/** Options of {@link withPrevious}. */
export interface WithPreviousOptions {
  /**
   * What the predicate answers for the first message, which has nothing to be compared with.
   * @defaultValue `true`
   */
  readonly firstIsTrue?: boolean | undefined;
}

/**
 * Makes a stateful predicate for `receiver.filter()` that compares each message with the one
 * before it (Python 1.x's `WithPrevious`). Plain function state; no RxJS and no pull protocol.
 *
 * The predicate remembers every message it is called with, passing or not, as the Python
 * original does: `predicate(previous, current)` gets the message it was called with last. The
 * first message is compared with nothing: it passes when `firstIsTrue` (the default) and is
 * dropped otherwise, and either way it becomes the previous one. The message is remembered
 * before `predicate` runs, so a throwing `predicate` (whose error `consume()`/`receive()` of the
 * filter throws) still moves the previous message on. `undefined` is a message like any other.
 *
 * Each call of `withPrevious()` makes a new state: give each filter its own.
 *
 * @param predicate - called with the previous message and the current one; the current message
 *   passes when it returns `true`.
 * @throws TypeError when `predicate` is not a function or `options` not an options object.
 *
 * @example
 * ```ts
 * import { Anycast, withPrevious } from 'rx-channels';
 *
 * const channel = new Anycast<number>({ name: 'readings' });
 * const changes = channel.newReceiver().filter(withPrevious((previous, current) => current !== previous));
 * const sender = channel.newSender();
 * for (const reading of [1, 1, 2, 2, 1]) await sender.send(reading);
 * console.log(await changes.receive(), await changes.receive(), await changes.receive()); // Logs: 1 2 1
 * ```
 */
export function withPrevious<T>(
  predicate: (previous: T, current: T) => boolean,
  options: WithPreviousOptions = {},
): (message: T) => boolean {
  checkFunction('predicate', predicate);
  checkOptions('options', options);
  const firstIsTrue = options.firstIsTrue ?? true;
  checkType('firstIsTrue', firstIsTrue, 'boolean');
  let seen = false;
  let previous: T | undefined;
  return (message: T): boolean => {
    const wasSeen = seen;
    const before = previous;
    seen = true;
    previous = message;
    return wasSeen ? predicate(before as T, message) : firstIsTrue;
  };
}
