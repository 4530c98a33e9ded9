import { checkSignal } from './internal/abortable';
import { releaseWhenCollected, type Releasable } from './internal/collected';
import { pollableOf } from './internal/ForeignReceiver';
import {
  parkThrough,
  PENDING,
  PROTOCOL_VERSION,
  READY,
  STOPPED,
  type PollState,
  type Source,
  type Waker,
} from './internal/protocol';
import { takeFrom, type Taken, type Taking } from './internal/taken';
import { readyOf } from './internal/wait';
import { Receiver, type AbortOptions } from './Receiver';

/**
 * The message a filter took and found passing, kept until `consume()`. It lives apart from the
 * filter so that a filter garbage-collected while holding it gives it back (see `collected.ts`).
 */
class Held<T> implements Releasable {
  taken: Taken<T> | undefined;

  release(): void {
    const taken = this.taken;
    this.taken = undefined;
    taken?.giveBack?.();
  }
}

/**
 * The receiver behind `receiver.filter(predicate)`. To know whether it is ready it must run the
 * predicate, so it takes messages from the wrapped receiver in `_poll()`, drops those that fail,
 * and holds the first that passes until `consume()`. A held message keeps its way back: closing
 * the filter (or its garbage collection) gives it back to the channel when the wrapped receiver
 * can (an Anycast receiver, through any nesting of `map()` and `filter()`); otherwise (a
 * Broadcast receiver, whose buffer is its own) it is still delivered, as the wrapped receiver
 * would deliver what it had buffered.
 */
function defineFilteredReceiver() {
  class FilteredReceiver<T> extends Receiver<T> implements Source<T>, Taking<T> {
    private readonly pollable: Source<T>;
    private readonly held = new Held<T>();
    /** Set once the wrapped receiver reported that it stopped; never unset. */
    private stopped = false;
    /** Set once by `close()`; never unset. */
    private closed = false;
    /** Set while the predicate runs: a poll from inside it must not take (and hold) a second message. */
    private judging = false;
    /** Wakers parked from inside the predicate, woken once it has returned. */
    private parkedWhileJudging: Waker[] | undefined;

    constructor(
      private readonly inner: Receiver<T>,
      private readonly predicate: (message: T) => boolean,
    ) {
      super(PROTOCOL_VERSION);
      this.pollable = pollableOf(inner);
      releaseWhenCollected(this, this.held);
    }

    ready(options?: AbortOptions): Promise<boolean> {
      return readyOf(this, checkSignal(options?.signal));
    }

    consume(): T {
      const taken = this._take();
      if (taken === undefined) {
        // The wrapped receiver's own stop error, as map() gives it: it carries the cause.
        if (this.stopped) {
          return this.pollable.consume();
        }
        throw this._notReady();
      }
      if (taken.failed) {
        throw taken.value;
      }
      return taken.value;
    }

    override close(): void {
      this.closed = true;
      this.inner.close();
      this.giveBackHeld();
    }

    override toString(): string {
      return `Filter:${String(this.inner)}`;
    }

    override _poll(): PollState {
      if (this.judging) {
        // From inside the predicate: the message being judged is not held yet, nothing else is
        // taken (a second one would be held in its place and lost): nothing to consume yet.
        return PENDING;
      }
      while (this.held.taken === undefined) {
        const state = this.pollable._poll();
        // The wrapped receiver's poll may have woken waits on this filter (a Timer firing its
        // tick, an inner filter's predicate) that polled it and filled its slot: that message is
        // ready, and taking another one now would replace it.
        if (this.held.taken !== undefined) {
          break;
        }
        if (state !== READY) {
          this.stopped = state === STOPPED;
          return state;
        }
        this.takeOne();
      }
      return READY;
    }
    override _park(waker: Waker): PollState {
      if (this.judging) {
        // A wait begun inside the predicate: woken once the predicate has returned, to poll again.
        (this.parkedWhileJudging ??= []).push(waker);
        return PENDING;
      }
      // The wrapped receiver may turn ready while the waker registers, with a message that
      // fails: then the poll again drops it, and parks again.
      return parkThrough(this, this.pollable, waker);
    }

    override _unpark(waker: Waker): void {
      const index = this.parkedWhileJudging?.indexOf(waker) ?? -1;
      if (index >= 0) {
        this.parkedWhileJudging?.splice(index, 1);
      }
      this.pollable._unpark(waker);
    }

    /** The held message with its way back, taken out of the filter; `undefined` when none is held. */
    _take(): Taken<T> | undefined {
      const taken = this.held.taken;
      if (taken === undefined) {
        return undefined;
      }
      this.held.taken = undefined;
      return taken;
    }

    /** Takes one ready message of the wrapped receiver and holds it if it passes. */
    private takeOne(): void {
      const taken = takeFrom(this.pollable);
      let passes: boolean;
      this.judging = true;
      try {
        passes = taken.failed || this.predicate(taken.value);
      } catch (error) {
        // The predicate threw: consume() throws that, and the message can still go back.
        this.held.taken = { failed: true, value: error, giveBack: taken.giveBack };
        passes = false;
      } finally {
        this.judging = false;
      }
      if (passes) {
        this.held.taken = taken;
      }
      // close() from inside the predicate came before the message was held: give it back now.
      if (this.closed) {
        this.giveBackHeld();
      }
      // One at a time from the live list: a waker taken back (_unpark) by an earlier one's wake
      // is not called.
      const parked = this.parkedWhileJudging;
      for (let waker = parked?.shift(); waker !== undefined; waker = parked?.shift()) {
        waker.wake();
      }
    }

    /** Gives the held message back to the channel, when it has a way back (see the class comment). */
    private giveBackHeld(): void {
      if (this.held.taken?.giveBack !== undefined) {
        this.held.release();
      }
    }
  }
  return FilteredReceiver;
}

/** Made at the first `filter()`, for the reason given in `MappedReceiver.ts`. */
let FilteredReceiverClass: ReturnType<typeof defineFilteredReceiver> | undefined;

/** @internal */
export function filteredReceiver<T>(inner: Receiver<T>, predicate: (message: T) => boolean): Receiver<T> {
  FilteredReceiverClass ??= defineFilteredReceiver();
  return new FilteredReceiverClass(inner, predicate);
}
