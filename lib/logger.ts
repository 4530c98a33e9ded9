import { reportUnhandledError } from './internal/reportUnhandledError';

/**
 * Where rx-channels reports what it does not throw: a Broadcast receiver dropping messages on
 * overflow, a Select dropping unread messages, an Observable fed into a channel that errored.
 */
export interface ChannelsLogger {
  /** Called with one line of text for each warning. */
  warn(message: string): void;
}

const consoleLogger: ChannelsLogger = {
  warn: (message) => console.warn(message),
};

let currentLogger: ChannelsLogger = consoleLogger;

/**
 * Replaces the logger the library warns through; `undefined` restores the default, which
 * writes to `console.warn`. An error thrown by the logger never reaches the library's callers:
 * it is reported as RxJS reports an error thrown in a subscriber (to `config.onUnhandledError`,
 * else thrown from a timer).
 *
 * @example
 * ```ts
 * const warnings: string[] = [];
 * setLogger({ warn: (message) => warnings.push(message) });
 * ```
 */
export function setLogger(logger: ChannelsLogger | undefined): void {
  if (logger !== undefined && typeof logger?.warn !== 'function') {
    throw new TypeError('Expected `logger` to have a `warn(message)` method');
  }
  currentLogger = logger ?? consoleLogger;
}

/**
 * Logs `message` as a warning through the current logger. Never throws: warnings are logged from
 * inside a sender's call stack (a waker, a delivery) and from the end of a loop (a Pipe), where a
 * logger that throws would break the library's own work; its error is reported as RxJS reports
 * an error thrown in a subscriber (`config.onUnhandledError`, else thrown from a timer).
 *
 * @internal
 */
export function warn(message: string): void {
  try {
    currentLogger.warn(message);
  } catch (error) {
    reportUnhandledError(error);
  }
}
