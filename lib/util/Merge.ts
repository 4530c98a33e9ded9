import { ReceiverError, ReceiverStoppedError } from '../errors';
import { checkSignal } from '../internal/abortable';
import type { AnyWaker } from '../internal/AnyWaker';
import { PENDING, READY, readyOf, STOPPED, type PollState } from '../internal/readiness';
import { checkReceivers, SourceSet } from '../internal/SourceSet';
import type { Waker } from '../internal/WakerSet';
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
export class Merge<T> extends Receiver<T> {
  /** The sources, their stopped flags and the round-robin cursor. */
  private readonly sources: SourceSet<T>;
  /** The source whose message `_poll()` announced, until `consume()` takes it. */
  private announced: number | undefined;
  /** Set once by `stop()` / `close()`; never unset. */
  private stopped = false;
  /** For each waker parked on this Merge, the fan-in waker parked on the sources for it. */
  private readonly parked = new Map<Waker, AnyWaker>();

  /**
   * @param receivers - the sources, at least one.
   * @throws TypeError when no receiver is given, or an argument is not a {@link Receiver}.
   */
  constructor(...receivers: Receiver<T>[]) {
    super();
    const entries = receivers.map((receiver, index) => [`receivers[${index}]`, receiver] as const);
    this.sources = new SourceSet(checkReceivers<T>(entries, '`Merge`'));
  }

  ready(options?: AbortOptions): Promise<boolean> {
    return readyOf(this, checkSignal(options?.signal));
  }

  /**
   * Takes the message that `ready()` announced from its source.
   *
   * @throws the source's error, when its `consume()` throws.
   * @throws {@link ReceiverStoppedError} when the Merge has stopped.
   * @throws {@link ReceiverError} when `ready()` has not resolved `true` since the last consume.
   */
  consume(): T {
    const index = this.announced;
    if (index === undefined) {
      throw this._poll() === STOPPED
        ? new ReceiverStoppedError(this)
        : new ReceiverError('consume() was called before ready() resolved true', this);
    }
    this.announced = undefined;
    return this.sources.consume(index);
  }

  /**
   * Stops the Merge: every pending `ready()` resolves `false` at once, and every message stays
   * in its source. The sources are not closed. Idempotent.
   */
  stop(): Promise<void> {
    this.close();
    return STOP_DONE;
  }

  /** The same as {@link Merge.stop}, without the promise. */
  override close(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.announced = undefined;
    const waiting = [...this.parked];
    this.parked.clear();
    for (const [waker, fanIn] of waiting) {
      fanIn.cancel();
      waker.wake();
    }
  }

  override toString(): string {
    return `Merge:${this.sources.receivers.map(String).join(',')}`;
  }

  /** @internal */
  _poll(): PollState {
    if (this.stopped) {
      return STOPPED;
    }
    const sources = this.sources;
    for (let index = sources.scan(); index >= 0; index = sources.scan()) {
      if (sources.scannedState === READY) {
        this.announced = index;
        return READY;
      }
      sources.finish(index);
    }
    return sources.allFinished ? STOPPED : PENDING;
  }

  /** @internal */
  _park(waker: Waker): void {
    if (this.parked.has(waker)) {
      return;
    }
    const fanIn = this.sources.parkOnActive({
      wake: () => {
        this.parked.delete(waker);
        waker.wake();
      },
    });
    this.parked.set(waker, fanIn);
  }

  /** @internal */
  _unpark(waker: Waker): void {
    this.parked.get(waker)?.cancel();
    this.parked.delete(waker);
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
