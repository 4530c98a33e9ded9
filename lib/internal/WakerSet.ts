import { PENDING, type PollState, type Waker } from './protocol';

/** What {@link WakerSet.register} needs of the source that parks. @internal */
export interface Registrar {
  /**
   * Called after the waker was added. Returns whether it may have changed where the source
   * stands (a timer's action that a scheduler runs at once, a fan-in that found a source ready):
   * then registration polls again. A hook that only records the waiter (joins a waiting line)
   * returns `false`, and no poll is needed unless a wake round ran meanwhile.
   */
  _parked(): boolean;
  _poll(): PollState;
  _unpark(waker: Waker): void;
}

/**
 * The wakers parked on one source, called in the order they were parked. It keeps two of the
 * protocol's invariants (see `protocol.ts`) by construction:
 * - a waker taken back with `remove()` is not called, even by a {@link WakerSet.wakeAll} round
 *   already under way (its slot in the round is cleared);
 * - a waker being registered by `_park()` ({@link WakerSet.hold}) is not called by a
 *   round that runs during its registration: it stays parked, and `_park()`'s re-check decides.
 *
 * Nearly always one waker is parked (a pending `ready()` or an Observable subscriber), so it gets
 * a field of its own and the array is only made for a second one.
 *
 * @internal
 */
export class WakerSet {
  private single: Waker | undefined;
  private others: Waker[] | undefined;
  /** The wakers of the round under way, so that `remove()` can clear a slot not yet called. */
  private round: (Waker | undefined)[] | undefined;
  /** Every waker of the round under way, called or not: those that park again keep their turn. */
  private roundMembers: Set<Waker> | undefined;
  /**
   * Wakers that parked for the first time during a round (a `receive()` made from a `map()`
   * function that the round ran): they wait behind the round's wakers that park again, so that a
   * round never lets a newcomer overtake an older waiter.
   */
  private late: Waker[] | undefined;
  /** Set by a wake round while a waker is held: registration must poll again. */
  private wokeWhileHeld = false;
  /** The waker a `_park()` is registering right now; a wake round leaves it parked. */
  private registering: Waker | undefined;
  /** The wakers of outer `_park()` calls, when parks nest (rare): held too. */
  private outerRegistering: Waker[] | undefined;

  /** `single` is set whenever any waker is parked (but the late ones): `remove()` moves the next one into it. */
  get isEmpty(): boolean {
    return this.single === undefined && this.late === undefined;
  }

  add(waker: Waker): void {
    if (this.roundMembers !== undefined && !this.roundMembers.has(waker)) {
      (this.late ??= []).push(waker);
      return;
    }
    this.append(waker);
  }

  private append(waker: Waker): void {
    if (this.single === undefined) {
      this.single = waker;
    } else {
      (this.others ??= []).push(waker);
    }
  }

  remove(waker: Waker): void {
    if (this.late !== undefined) {
      clearSlot(this.late, waker, true);
      if (this.late.length === 0) {
        this.late = undefined;
      }
    }
    if (this.single === waker) {
      this.single = this.others?.shift();
    } else {
      clearSlot(this.others, waker, true);
    }
    if (this.round !== undefined) {
      clearSlot(this.round, waker, false);
    }
  }

  /** Calls every parked waker once and forgets it; a waker parked again during the round waits for the next. */
  wakeAll(): void {
    this.admitLate();
    const single = this.single;
    if (single === undefined) {
      return;
    }
    const others = this.others;
    this.single = undefined;
    this.others = undefined;
    if (others === undefined) {
      // The common case, without an array: one waker.
      this.wakeOne(single);
      return;
    }
    const round: (Waker | undefined)[] = [single, ...others];
    const outer = this.round;
    const outerMembers = this.roundMembers;
    this.round = round;
    this.roundMembers = new Set(round as Waker[]);
    for (let index = 0; index < round.length; index++) {
      const waker = round[index];
      round[index] = undefined;
      if (waker !== undefined) {
        this.wakeOne(waker);
      }
    }
    this.round = outer;
    this.roundMembers = outerMembers;
    if (outerMembers === undefined) {
      this.admitLate();
    }
  }

  /** Appends the wakers that parked during a round, behind those of the round that parked again. */
  private admitLate(): void {
    const late = this.late;
    if (late === undefined) {
      return;
    }
    this.late = undefined;
    for (const waker of late) {
      this.append(waker);
    }
  }

  /** Whether nothing is parked, registering or being woken: a newcomer is first in line. */
  get isIdle(): boolean {
    return (
      this.single === undefined && this.late === undefined && this.registering === undefined && this.round === undefined
    );
  }

  /**
   * The second half of every `_park()`, once a poll said PENDING: adds `waker`, runs the source's
   * hook, and re-checks, with the waker held out of any wake round until the re-check is done, so
   * that whatever the hook (or a poll that fires a tick) changed is seen here and the waker is
   * never called from inside its own registration. Takes the waker back when the re-check finds
   * the source no longer PENDING.
   */
  register(waker: Waker, source: Registrar): PollState {
    this.add(waker);
    this.hold(waker);
    const outerWoke = this.wokeWhileHeld;
    this.wokeWhileHeld = false;
    let after: PollState = PENDING;
    try {
      // A state change is announced by a wake round (which the held waker sits out) or by the
      // hook itself; without either, the poll that said PENDING still holds.
      if (source._parked() || this.wokeWhileHeld) {
        after = source._poll();
      }
    } finally {
      // A round seen by a nested registration was seen by the outer one too.
      this.wokeWhileHeld ||= outerWoke;
      this.release();
    }
    if (after !== PENDING) {
      source._unpark(waker);
    }
    return after;
  }

  /** Holds `waker` out of wake rounds while its `_park()` registers it and re-checks. */
  hold(waker: Waker): void {
    if (this.registering !== undefined) {
      (this.outerRegistering ??= []).push(this.registering);
    }
    this.registering = waker;
  }

  /** Ends the hold of the last {@link WakerSet.hold}. */
  release(): void {
    this.registering = this.outerRegistering?.pop();
  }

  private wakeOne(waker: Waker): void {
    if (waker === this.registering || this.outerRegistering?.includes(waker) === true) {
      this.wokeWhileHeld = true;
      this.append(waker);
    } else {
      waker.wake();
    }
  }
}

/** Takes `waker` out of `slots`: spliced out of the parked list, or cleared in a round. */
function clearSlot(slots: (Waker | undefined)[] | undefined, waker: Waker, splice: boolean): void {
  const index = slots === undefined ? -1 : slots.indexOf(waker);
  if (index < 0) {
    return;
  }
  if (splice) {
    slots?.splice(index, 1);
  } else {
    (slots as (Waker | undefined)[])[index] = undefined;
  }
}
