/** Something to call, once, when a receiver may have become ready or has stopped. */
export interface Waker {
  wake(): void;
}

/**
 * The one-shot wakers parked on one receiver. Nearly always there is exactly one (a pending
 * `ready()` or an Observable subscriber), so it gets a field of its own and the array is only
 * made for the rare second one.
 *
 * @internal
 */
export class WakerSet {
  private single: Waker | undefined;
  private others: Waker[] | undefined;

  /** `single` is set whenever any waker is parked: `remove()` moves the next one into it. */
  get isEmpty(): boolean {
    return this.single === undefined;
  }

  add(waker: Waker): void {
    if (this.single === undefined) {
      this.single = waker;
    } else {
      (this.others ??= []).push(waker);
    }
  }

  remove(waker: Waker): void {
    if (this.single === waker) {
      this.single = this.others?.shift();
      return;
    }
    const others = this.others;
    if (others === undefined) {
      return;
    }
    const index = others.indexOf(waker);
    if (index >= 0) {
      others.splice(index, 1);
    }
  }

  /**
   * Calls every parked waker once and forgets it. The set is emptied before any waker runs, so a
   * waker that parks again from inside `wake()` is kept for the next round, not called now.
   */
  wakeAll(): void {
    const single = this.single;
    if (single === undefined) {
      return;
    }
    const others = this.others;
    this.single = undefined;
    this.others = undefined;
    single.wake();
    if (others !== undefined) {
      for (const waker of others) {
        waker.wake();
      }
    }
  }
}
