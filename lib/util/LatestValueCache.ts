import { ChannelsError } from '../errors';
import { cacheId, consumeLatest } from '../internal/consumeLatest';
import { ASYNC_DISPOSE, defineDisposal, stopAsync } from '../internal/dispose';
import type { Peekable } from '../Peekable';
import type { Receiver } from '../Receiver';

/** Options of {@link LatestValueCache} and {@link GroupingLatestValueCache}. */
export interface LatestValueCacheOptions {
  /**
   * The cache's name in `toString()`, error messages and logged warnings.
   * @defaultValue `cache-<n>`, numbered in creation order
   */
  readonly uniqueId?: string | undefined;
}

/** The `await using` face of {@link LatestValueCache}, merged into the class. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameters (each instance gets the method under ASYNC_DISPOSE, lib/internal/dispose.ts)
export interface LatestValueCache<T> {
  /**
   * Stops the cache when an `await using` scope ends: the same as {@link LatestValueCache.stop}.
   *
   * @example
   * ```ts
   * {
   *   await using cache = new LatestValueCache(channel.newReceiver());
   * } // await cache.stop() runs here, which closes the receiver
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Keeps the latest message of a receiver, to be read at any time without waiting (Python 1.x's
 * `LatestValueCache`). It consumes the receiver from construction on, through the library's own
 * pull protocol (no RxJS subscription): the receiver wakes the cache in the call stack that made
 * it ready, and the cache takes every ready message there and then, so after a `send()` returns
 * (to a Broadcast or an Anycast) the cache holds that message.
 *
 * ## Guarantees
 * - **Ordering:** the cache holds the last message the receiver delivered, in the receiver's order.
 * - **Buffer:** one message, the latest; older ones are replaced. It never lags behind the receiver:
 *   it takes each message as soon as the receiver has it.
 * - **When full:** never full; the receiver never fills up (a Broadcast receiver drops nothing, an
 *   Anycast sender never waits on the cache's receiver).
 * - **Errors:** an error the receiver's `consume()` throws (a `ReceiverError`, a throwing `map()`)
 *   is logged through the library's logger (`setLogger()`) and skipped; the value is kept and the
 *   cache goes on consuming.
 * - **Closing:** when the receiver stops by itself (its channel closed), the cache keeps its last
 *   value and stays readable, as in Python. `stop()` ends the consuming at once, closes the
 *   receiver and drops the value: `get()` then throws, `peek()` is `undefined`.
 * - **Not guaranteed:** that every message is seen by the reader: only the latest is kept.
 *
 * @example
 * ```ts
 * const channel = new Broadcast<number>('prices');
 * const cache = new LatestValueCache(channel.newReceiver(), { uniqueId: 'prices' });
 * const sender = channel.newSender();
 * await sender.send(1);
 * await sender.send(2);
 * console.log(cache.hasValue(), cache.get()); // Logs: true 2
 * await cache.stop();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class LatestValueCache<T> implements Peekable<T> {
  /** The cache's name, from `options.uniqueId` or generated. */
  readonly uniqueId: string;
  /** The latest message, meaningful while `state` is HAS_VALUE. */
  #value: T | undefined;
  /** 0: no value yet; 1: has a value; 2: stopped. */
  #state: 0 | 1 | 2 = 0;
  readonly #stopLoop: () => void;

  /**
   * Starts consuming `receiver` at once. The cache is its only consumer from then on; `stop()`
   * closes it.
   *
   * @throws TypeError when `receiver` is not a receiver, `options` not an object or `uniqueId`
   * not a string.
   */
  constructor(receiver: Receiver<T>, options: LatestValueCacheOptions = {}) {
    this.uniqueId = cacheId(receiver, options);
    defineDisposal(this, ASYNC_DISPOSE, stopAsync);
    this.#stopLoop = consumeLatest(receiver, this, (message) => {
      this.#value = message;
      this.#state = 1;
    });
  }

  /** Whether the cache holds a message: `false` before the first one and after `stop()`. */
  hasValue(): boolean {
    return this.#state === 1;
  }

  /**
   * The latest message.
   *
   * @throws {@link ChannelsError} before the first message, or after `stop()`; the message says which.
   */
  get(): T {
    if (this.#state !== 1) {
      throw new ChannelsError(`${String(this)} ${this.#state === 0 ? 'has no value yet' : 'was stopped'}`);
    }
    return this.#value as T;
  }

  /** The latest message, or `undefined` before the first one and after `stop()`. */
  peek(): T | undefined {
    return this.#value;
  }

  /**
   * Stops consuming and closes the receiver, at once; the promise resolves once the loop has
   * ended (it already has when `stop()` returns). The value is dropped. Idempotent.
   */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#state = 2;
      this.#value = undefined;
      this.#stopLoop();
      resolve();
    });
  }

  /** `LatestValueCache:<uniqueId>`. */
  toString(): string {
    return `LatestValueCache:${this.uniqueId}`;
  }
}
