/**
 * A Node `MessagePort`, `Worker` or `parentPort`, or a browser `Worker`, `MessagePort` or worker
 * global scope: what `serveChannels()` and `connectChannels()` talk through.
 *
 * @example
 * ```ts
 * import { parentPort } from 'node:worker_threads';
 * const port: MessagePortLike = parentPort!; // or a Worker, a MessagePort, self in a browser worker
 * ```
 */
export interface MessagePortLike {
  /** Posts a structured-cloned message, transferring what `transfer` lists. */
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  /** Node: `MessagePort`, `Worker`, `parentPort` (`exit` and `close` say the other side is gone). */
  on?(event: 'message' | 'exit' | 'close', listener: (data: unknown) => void): unknown;
  /** Node: stops listening (lets the thread exit). */
  off?(event: 'message' | 'exit' | 'close', listener: (data: unknown) => void): unknown;
  /**
   * Browsers (and a Node `MessagePort` used as an EventTarget): called with a listener of
   * `MessageEvent`s. The listener's type is `never` so that every platform's own signature fits
   * (a Node `MessagePort`'s takes DOM-less `Event` listeners, which a `{ data }` listener does not).
   */
  addEventListener?(type: 'message', listener: never): void;
  /** Browsers: stops listening. */
  removeEventListener?(type: 'message', listener: never): void;
  /** A browser `MessagePort` delivers nothing before `start()` when listened to with `addEventListener`. */
  start?(): void;
}
