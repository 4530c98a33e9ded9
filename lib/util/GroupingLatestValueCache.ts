import { cacheId, consumeLatest } from '../internal/consumeLatest';
import { ASYNC_DISPOSE, defineDisposal, stopAsync } from '../internal/dispose';
import { checkFunction } from '../internal/validate';
import type { Receiver } from '../Receiver';
import type { LatestValueCacheOptions } from './LatestValueCache';

/** The `await using` face of {@link GroupingLatestValueCache}, merged into the class. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameters (each instance gets the method under ASYNC_DISPOSE, lib/internal/dispose.ts)
export interface GroupingLatestValueCache<T, K> {
  /**
   * Stops the cache when an `await using` scope ends: the same as
   * {@link GroupingLatestValueCache.stop}.
   *
   * @example
   * ```ts
   * {
   *   await using cache = new GroupingLatestValueCache(channel.newReceiver(), (m) => m.id);
   * } // await cache.stop() runs here, which closes the receiver
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Keeps the latest message of a receiver per key, as a read-only `Map` from `key(message)` to
 * that message (Python 1.x's `GroupingLatestValueCache`). It consumes the receiver from
 * construction on through the library's own pull protocol (no RxJS subscription), taking each
 * message in the call stack that made the receiver ready, as {@link LatestValueCache} does.
 *
 * It is a `ReadonlyMap<K, T>`: `get(key)` (`undefined` for a key not seen), `has`, `size`,
 * `keys()`, `values()`, `entries()`, `forEach()` and iteration, in the order in which each key
 * first appeared (a later message for a key replaces its value but not its place), keys compared
 * as a `Map` compares them (SameValueZero). `delete(key)` and `clear()` forget entries, as
 * Python's `del`/`clear()` do; the next message for a key brings it back (at the end).
 *
 * ## Guarantees
 * - **Ordering:** for each key, the last message the receiver delivered with that key.
 * - **Buffer:** one message per key seen; keys are never forgotten but by `delete()`/`clear()`.
 * - **When full:** never full; it takes each message as soon as the receiver has it.
 * - **Errors:** an error the receiver's `consume()` throws (a `ReceiverError`), or one `key`
 *   throws, is logged through the library's logger (`setLogger()`) and that message is skipped;
 *   the entries are kept and the cache goes on consuming.
 * - **Closing:** when the receiver stops by itself (its channel closed), the cache keeps its
 *   entries and stays readable. `stop()` ends the consuming at once, closes the receiver and
 *   drops every entry: the map is then empty for good.
 * - **Not guaranteed:** that every message is seen by the reader: only the latest per key is kept;
 *   bounded memory: it holds one message per distinct key until `delete()`, `clear()` or `stop()`.
 *
 * @example
 * ```ts
 * const channel = new Broadcast<{ id: string; price: number }>('prices');
 * const prices = new GroupingLatestValueCache(channel.newReceiver(), (m) => m.id);
 * const sender = channel.newSender();
 * await sender.send({ id: 'a', price: 1 });
 * await sender.send({ id: 'b', price: 5 });
 * await sender.send({ id: 'a', price: 2 });
 * console.log([...prices.keys()], prices.get('a')?.price); // Logs: [ 'a', 'b' ] 2
 * await prices.stop();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class GroupingLatestValueCache<T, K> implements ReadonlyMap<K, T> {
  /** The cache's name, from `options.uniqueId` or generated. */
  readonly uniqueId: string;
  readonly #latest = new Map<K, T>();
  #stopped = false;
  readonly #stopLoop: () => void;

  /**
   * Starts consuming `receiver` at once. The cache is its only consumer from then on; `stop()`
   * closes it.
   *
   * @param key - gives each message's key; called once per message, in the call stack of the
   *   `send()` that delivered it.
   * @throws TypeError when `receiver` is not a receiver, `key` not a function, `options` not an
   * object or `uniqueId` not a string.
   */
  constructor(receiver: Receiver<T>, key: (message: T) => K, options: LatestValueCacheOptions = {}) {
    checkFunction('key', key);
    this.uniqueId = cacheId(receiver, options);
    defineDisposal(this, ASYNC_DISPOSE, stopAsync);
    this.#stopLoop = consumeLatest(receiver, this, (message) => {
      const group = key(message);
      // key() may have called stop(), which emptied the map for good.
      if (!this.#stopped) {
        this.#latest.set(group, message);
      }
    });
  }

  /** How many keys have a message. */
  get size(): number {
    return this.#latest.size;
  }

  /** The latest message with key `key`, or `undefined` when none came (or it was deleted). */
  get(key: K): T | undefined {
    return this.#latest.get(key);
  }

  /** Whether a message with key `key` came (and was not deleted). */
  has(key: K): boolean {
    return this.#latest.has(key);
  }

  /** Forgets the message of `key`; `true` when there was one. */
  delete(key: K): boolean {
    return this.#latest.delete(key);
  }

  /** Forgets every message; the cache goes on consuming. */
  clear(): void {
    this.#latest.clear();
  }

  /** The keys, in the order each first appeared. */
  keys(): MapIterator<K> {
    return this.#latest.keys();
  }

  /** The latest message of each key, in the order of {@link GroupingLatestValueCache.keys}. */
  values(): MapIterator<T> {
    return this.#latest.values();
  }

  /** `[key, latest message]` pairs, in the order of {@link GroupingLatestValueCache.keys}. */
  entries(): MapIterator<[K, T]> {
    return this.#latest.entries();
  }

  /** The same as {@link GroupingLatestValueCache.entries}. */
  [Symbol.iterator](): MapIterator<[K, T]> {
    return this.#latest.entries();
  }

  /** Calls `callback(message, key, this cache)` for each entry, as `Map.prototype.forEach` does. */
  forEach(callback: (value: T, key: K, map: ReadonlyMap<K, T>) => void, thisArg?: unknown): void {
    this.#latest.forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  /**
   * Stops consuming and closes the receiver, at once; the promise resolves once the loop has
   * ended (it already has when `stop()` returns). Every entry is dropped. Idempotent.
   */
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#stopped = true;
      this.#latest.clear();
      this.#stopLoop();
      resolve();
    });
  }

  /** `GroupingLatestValueCache:<uniqueId>`. */
  toString(): string {
    return `GroupingLatestValueCache:${this.uniqueId}`;
  }
}
