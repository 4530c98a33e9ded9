import type { Receiver } from '../Receiver';
import { pollableOf } from './ForeignReceiver';
import { PENDING, READY, STOPPED, type PollProtocol, type PollState, type Source, type Waker } from './protocol';
import { WakerSet } from './WakerSet';

/**
 * Throws a `TypeError` unless `entries` holds at least one receiver and nothing else; `label`
 * names an argument in the message (`receivers[1]`, `receivers.b`).
 *
 * @internal
 */
export function checkReceivers<T>(
  entries: readonly (readonly [label: string, value: unknown])[],
  what: string,
): Receiver<T>[] {
  if (entries.length === 0) {
    throw new TypeError(`Expected ${what} to be given at least one receiver`);
  }
  return entries.map(([label, value]) => {
    // Duck typing, not instanceof: a receiver of another copy of the library is a receiver too.
    const candidate = value as Partial<Receiver<T>> | null;
    if (
      typeof candidate !== 'object' ||
      candidate === null ||
      typeof candidate.ready !== 'function' ||
      typeof candidate.consume !== 'function'
    ) {
      throw new TypeError(
        `Expected \`${label}\` to be a Receiver, got ${candidate === null ? 'null' : typeof candidate}`,
      );
    }
    return value as Receiver<T>;
  });
}

/**
 * A set of sources that is itself a pollable: the one fan-in behind Merge, MergeNamed,
 * `select()`, Select, and their Observable faces, as RxJS `race()` holds one subscription per
 * source and tokio's `select!` polls its branches in turn.
 *
 * - **Poll** scans the unfinished sources round-robin from the cursor: it is READY when one is
 *   not PENDING (its index in {@link FanIn.found}, its state in {@link FanIn.foundState}),
 *   STOPPED when every source finished (or after {@link FanIn.stop}), else PENDING. The cursor
 *   moves past a source when it is consumed, so sources that are ready together take turns.
 * - **Park** is atomic (see `protocol.ts`): the fan-in parks one waker of its own on each active
 *   source that is not already holding one, then re-scans.
 * - **Wake:** the first source that wakes the fan-in wakes the fan-in's wakers; after that round,
 *   if none of them parked again (a `ready()` that resolved), the fan-in takes its wakers back from
 *   every other source, so no source is left holding a waker for a wait that is over. A waiter
 *   that parks again (an Observable subscriber) keeps them parked: one re-park per message, not
 *   one per source.
 * - **Abort / unpark:** when the last waker leaves, the fan-in unparks from every source.
 *
 * @internal
 */
export class FanIn<T> implements PollProtocol {
  readonly receivers: readonly Receiver<T>[];
  /** Each receiver's protocol face: the receiver itself, or its bridge. */
  private readonly sources: readonly Source<T>[];
  /** One waker per source, so that a wake tells which source it came from. */
  private readonly sourceWakers: readonly Waker[];
  /** `parked[i]`: the fan-in's waker is registered on source `i`. */
  private readonly parked: boolean[];
  /** `finished[i]`: source `i` stopped and its stop was handled; set once, never unset. */
  private readonly finished: boolean[];
  private finishedCount = 0;
  /** Where the next scan starts. */
  private cursor = 0;
  /** Set once by `stop()`; never unset. */
  private stopped = false;
  /** The wakers waiting on the fan-in. */
  private readonly wakers = new WakerSet();
  /** The source the last READY poll found, and its state (READY or STOPPED). */
  found = -1;
  foundState: PollState = PENDING;

  constructor(receivers: readonly Receiver<T>[]) {
    this.receivers = receivers;
    this.sources = receivers.map((receiver) => pollableOf(receiver));
    this.sourceWakers = receivers.map((_, index) => ({ wake: () => this.sourceWoke(index) }));
    this.parked = receivers.map(() => false);
    this.finished = receivers.map(() => false);
  }

  /** Whether every source has stopped and its stop was handled, or the fan-in was stopped. */
  get isOver(): boolean {
    return this.stopped || this.finishedCount === this.sources.length;
  }

  isFinished(index: number): boolean {
    return this.finished[index] === true;
  }

  /** Where source `index` stands; PENDING once it finished. */
  stateAt(index: number): PollState {
    return this.stopped || this.isFinished(index) ? PENDING : (this.sources[index] as Source<T>)._poll();
  }

  _poll(): PollState {
    if (this.isOver) {
      return STOPPED;
    }
    // One flat loop, no `% count` and no helper calls: this runs once per message.
    const { sources, finished } = this;
    const count = sources.length;
    let index = this.cursor;
    for (let step = 0; step < count; step++) {
      if (finished[index] !== true) {
        const state = (sources[index] as Source<T>)._poll();
        if (state !== PENDING) {
          this.found = index;
          this.foundState = state;
          return READY;
        }
      }
      index = index + 1 === count ? 0 : index + 1;
    }
    return PENDING;
  }

  _park(waker: Waker): PollState {
    const state = this._poll();
    return state === PENDING ? this.wakers.register(waker, this) : state;
  }

  _unpark(waker: Waker): void {
    this.wakers.remove(waker);
    if (this.wakers.isEmpty) {
      this.unparkFromSources();
    }
  }

  /** Every unfinished source that is not PENDING, in index order. */
  readyIndices(): number[] {
    const indices: number[] = [];
    for (let index = 0; index < this.sources.length; index++) {
      if (this.stateAt(index) !== PENDING) {
        indices.push(index);
      }
    }
    return indices;
  }

  /** Takes the message (or error) of source `index`; the next scan starts after it. */
  consume(index: number): T {
    const next = index + 1;
    this.cursor = next === this.sources.length ? 0 : next;
    return (this.sources[index] as Source<T>).consume();
  }

  finish(index: number): void {
    if (!this.isFinished(index)) {
      this.finished[index] = true;
      this.finishedCount++;
    }
  }

  /** Ends the fan-in: every waiter is woken (and finds it STOPPED), every source released. */
  stop(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.unparkFromSources();
    this.wakers.wakeAll();
  }

  /**
   * The hook of {@link FanIn._park}: parks the fan-in's own waker on each active source not
   * already holding one, starting at the cursor (a bridged receiver answers in the order it was
   * asked), and stops at a source that turns out ready.
   */
  _parked(): boolean {
    const count = this.sources.length;
    for (let step = 0; step < count; step++) {
      const index = (this.cursor + step) % count;
      if (this.isFinished(index) || this.parked[index] === true) {
        continue;
      }
      const state = (this.sources[index] as Source<T>)._park(this.sourceWakers[index] as Waker);
      if (state !== PENDING) {
        return true;
      }
      this.parked[index] = true;
    }
    // Parking on a source runs its hooks (a timer's, a bridged receiver's ready()): poll again.
    return true;
  }

  private unparkFromSources(): void {
    for (let index = 0; index < this.sources.length; index++) {
      if (this.parked[index] === true) {
        this.parked[index] = false;
        (this.sources[index] as Source<T>)._unpark(this.sourceWakers[index] as Waker);
      }
    }
  }

  private sourceWoke(index: number): void {
    this.parked[index] = false;
    this.wakers.wakeAll();
    if (this.wakers.isEmpty) {
      this.unparkFromSources();
    }
  }
}
