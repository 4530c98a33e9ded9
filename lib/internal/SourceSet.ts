import type { Receiver } from '../Receiver';
import { AnyWaker } from './AnyWaker';
import { PollingAdapter } from './PollingAdapter';
import { isPollable, PENDING, type PollState, type Pollable } from './readiness';
import type { Waker } from './WakerSet';

/** A receiver as the utilities wait on it: its Pollable face and its `consume()`. */
export type Source<T> = Pollable & { consume(): T };

/**
 * Throws a `TypeError` unless `receivers` holds at least one receiver and nothing else; `label`
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
    // Duck typing, not instanceof: a receiver from another copy of the library (the CommonJS
    // build next to the ESM one) is a receiver too.
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
 * The receivers a Merge, a `select()` loop or a Select waits on, with the round-robin cursor
 * that makes them fair: a scan starts just after the source taken last, so sources that are
 * ready together take turns and none is taken twice before every other ready one was taken once.
 *
 * @internal
 */
export class SourceSet<T> {
  /** Each receiver's Pollable face: the receiver itself, or an adapter for a foreign one. */
  private readonly sources: readonly Source<T>[];
  /** `finished[i]`: source `i` stopped and its stop was handled; set once, never unset. */
  private readonly finished: boolean[];
  private finishedCount = 0;
  /** Where the next scan starts. */
  private cursor = 0;
  /** The state of the source the last {@link SourceSet.scan} returned (READY or STOPPED). */
  scannedState: PollState = PENDING;

  constructor(readonly receivers: readonly Receiver<T>[]) {
    this.sources = receivers.map((receiver) => (isPollable(receiver) ? receiver : new PollingAdapter(receiver)));
    this.finished = receivers.map(() => false);
  }

  /** Whether every source has stopped and its stop was handled. */
  get allFinished(): boolean {
    return this.finishedCount === this.sources.length;
  }

  isFinished(index: number): boolean {
    return this.finished[index] === true;
  }

  stateAt(index: number): PollState {
    return this.source(index)._poll();
  }

  /**
   * The first unfinished source, from the cursor on, that is not PENDING; `-1` when none is.
   * The state it was found in is left in {@link SourceSet.scannedState}, so that the caller
   * does not poll it a second time.
   */
  scan(): number {
    // One flat loop, no `% count` and no helper calls: this runs once per message.
    const sources = this.sources;
    const finished = this.finished;
    const count = sources.length;
    let index = this.cursor;
    for (let step = 0; step < count; step++) {
      if (finished[index] !== true) {
        const state = (sources[index] as Source<T>)._poll();
        if (state !== PENDING) {
          this.scannedState = state;
          return index;
        }
      }
      index = index + 1 === count ? 0 : index + 1;
    }
    return -1;
  }

  /** Every unfinished source that is not PENDING, in index order. */
  readyIndices(): number[] {
    const indices: number[] = [];
    for (let index = 0; index < this.sources.length; index++) {
      if (!this.isFinished(index) && this.stateAt(index) !== PENDING) {
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

  /**
   * Parks one waker for `target` on every unfinished source; the first wake unparks it
   * everywhere. Parking starts at the cursor: a receiver written outside the library is asked
   * through `ready()` in parking order, and answers in that order when several are ready, so
   * this order is what keeps them taking turns.
   */
  parkOnActive(target: Waker): AnyWaker {
    const fanIn = new AnyWaker(target);
    const count = this.sources.length;
    for (let step = 0; step < count; step++) {
      const index = (this.cursor + step) % count;
      if (!this.isFinished(index)) {
        fanIn.park(this.source(index));
      }
    }
    return fanIn;
  }

  private source(index: number): Source<T> {
    return this.sources[index] as Source<T>;
  }
}
