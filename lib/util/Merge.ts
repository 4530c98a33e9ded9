import { checkSignal } from '../internal/abortable';
import { readyOf } from '../internal/wait';
import { PROTOCOL_VERSION } from '../internal/protocol';
import { ReceiverStoppedError } from '../errors';
import { checkReceivers, FanIn } from '../internal/FanIn';
import { ASYNC_DISPOSE, defineDisposal, stopAsync } from '../internal/dispose';
import { parkThrough, PENDING, READY, STOPPED, type PollState, type Waker } from '../internal/protocol';
import { Receiver, type AbortOptions } from '../Receiver';

/**
 * The message type of a receiver type.
 *
 * @example
 * ```ts
 * type Tick = MessageOf<Timer>; // Date
 * ```
 */
export type MessageOf<R> = R extends Receiver<infer T> ? T : never;

const STOP_DONE: Promise<void> = Promise.resolve();

/** The `await using` face of {@link Merge}, merged into the class (`using` calls `close()`). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged with the class, which needs its type parameters (each instance gets the method under ASYNC_DISPOSE, lib/internal/dispose.ts)
export interface Merge<T> {
  /**
   * Stops the Merge when an `await using` scope ends: the same as {@link Merge.stop}.
   * Idempotent.
   *
   * @example
   * ```ts
   * {
   *   await using merged = new Merge(first, second);
   *   console.log(await merged.receive());
   * } // await merged.stop() runs here; the sources stay open
   * ```
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * A {@link Receiver} of every message of every one of its receivers (its sources), each
 * source's order kept, the seed's `Merge`.
 *
 * It waits on all sources at once, the way RxJS `merge()` subscribes to all of them, but it
 * pulls: a message is taken from a source only by the Merge's own `consume()`, so a Merge holds
 * no buffer and back-pressure reaches the sources.
 *
 * ## Guarantees
 * - **Ordering:** each source's messages in that source's order; between sources, round-robin:
 *   when several sources are ready, each gives one message before any gives a second, so no
 *   source is starved.
 * - **Buffer:** none. At most one message per source is in flight (announced by `ready()`, not
 *   yet consumed), and it stays in its source until `consume()` (an Anycast receiver reserves
 *   it for itself).
 * - **When full:** nothing of its own fills up; a source that is not read keeps its messages
 *   under its own policy (an Anycast sender waits, a Broadcast receiver drops its oldest).
 * - **Errors:** an error a source's `consume()` throws is thrown from the Merge's `consume()`;
 *   the source stays in the Merge.
 * - **Closing:** the Merge stops (`ready()` resolves `false`) once every source has stopped, or
 *   at `stop()` / `close()`, which release every pending wait at once and leave every message
 *   that a source still holds in that source. Stopping a Merge does not close its sources.
 * - **Cancellation:** an aborted `ready()` or `receive()` takes nothing from any source.
 * - **Observable:** subscribing pulls the same way, in the same round-robin order, emitting in
 *   the call stack that made a source ready. It equals RxJS `merge()` over the sources while
 *   messages arrive one at a time; with a backlog, `merge()` would emit the first source's whole
 *   backlog before the second's, and the Merge takes turns.
 * - **Not guaranteed:** the order between messages of different sources beyond round-robin.
 *
 * @example
 * ```ts
 * const merged = new Merge(first.newReceiver(), second.newReceiver());
 * await first.newSender().send(1);
 * await second.newSender().send(2);
 * console.log(await merged.receive(), await merged.receive()); // Logs: 1 2
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Merge<T> extends Receiver<T> {
  /** The sources, waited on together (the one fan-in). */
  private readonly fanIn: FanIn<T>;
  /** The source whose message `_poll()` announced, until `consume()` takes it. */
  private announced = -1;

  /**
   * @param receivers - the sources, at least one.
   * @throws TypeError when no receiver is given, or an argument is not a {@link Receiver}.
   */
  constructor(...receivers: Receiver<T>[]) {
    super(PROTOCOL_VERSION);
    const entries = receivers.map((receiver, index) => [`receivers[${index}]`, receiver] as const);
    this.fanIn = new FanIn(checkReceivers<T>(entries, '`Merge`'));
    defineDisposal(this, ASYNC_DISPOSE, stopAsync);
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * Takes the message that `ready()` announced from its source.
   *
   * A source that stopped between `ready()` and `consume()` (closed by its owner) is not the
   * Merge's stop: it leaves the Merge, and the next ready source's message is taken instead;
   * when no other is ready, a {@link ReceiverError} says so (call `ready()` again).
   *
   * @throws the source's error, when its `consume()` throws.
   * @throws {@link ReceiverStoppedError} when the Merge has stopped.
   * @throws {@link ReceiverError} when `ready()` has not resolved `true` since the last consume.
   */
  consume(): T {
    for (;;) {
      const index = this.announced;
      if (index < 0) {
        throw this._poll() === STOPPED ? new ReceiverStoppedError(this) : this._notReady();
      }
      this.announced = -1;
      try {
        return this.fanIn.consume(index);
      } catch (error) {
        if (!(error instanceof ReceiverStoppedError) || this.fanIn.stateAt(index) !== STOPPED) {
          throw error;
        }
        // The source stopped after it was announced: it leaves, and another may be ready.
        this.fanIn.finish(index);
        const state = this._poll();
        if (state !== READY) {
          throw state === STOPPED ? new ReceiverStoppedError(this) : this._notReady();
        }
      }
    }
  }

  /**
   * Stops the Merge: every pending `ready()` resolves `false` at once, and every message stays
   * in its source. The sources are not closed. Idempotent. It takes effect before it returns.
   *
   * @returns a promise that is already resolved (a `Promise` for the Python original's
   * `async stop()`): nothing is left to wait for, and the sources are not drained.
   */
  stop(): Promise<void> {
    this.close();
    return STOP_DONE;
  }

  /** The same as {@link Merge.stop}, without the promise: a receiver's `close()` is `void`. */
  override close(): void {
    this.announced = -1;
    this.fanIn.stop();
  }

  override toString(): string {
    return `Merge:${this.fanIn.receivers.map(String).join(',')}`;
  }

  /** @internal */
  override _poll(): PollState {
    const fanIn = this.fanIn;
    // A source found stopped is finished silently: the Merge stops only when all have.
    for (let state = fanIn._poll(); state === READY; state = fanIn._poll()) {
      if (fanIn.foundState === READY) {
        this.announced = fanIn.found;
        return READY;
      }
      fanIn.finish(fanIn.found);
    }
    return fanIn.isOver ? STOPPED : PENDING;
  }

  /** @internal */
  override _park(waker: Waker): PollState {
    // The fan-in parks only when no source is ready; one that turns up stopped is finished
    // by the poll, and parking is tried again.
    return parkThrough(this, this.fanIn, waker);
  }

  /** @internal */
  override _unpark(waker: Waker): void {
    this.fanIn._unpark(waker);
  }
}

/**
 * A {@link Merge} of `receivers`, with the message type inferred as the union of theirs.
 *
 * @throws TypeError when no receiver is given, or an argument is not a {@link Receiver}.
 *
 * @example
 * ```ts
 * const events = merge(clicks, keys); // Merge<Click | Key>
 * for await (const event of events) console.log(event);
 * ```
 */
export function merge<const R extends readonly Receiver<unknown>[]>(...receivers: R): Merge<MessageOf<R[number]>> {
  return new Merge<MessageOf<R[number]>>(...(receivers as unknown as Receiver<MessageOf<R[number]>>[]));
}
