import type { Pollable } from './readiness';
import type { Waker } from './WakerSet';

/**
 * One waker parked on several sources at once, the way RxJS `race()` subscribes to several
 * Observables: the first source that wakes it wins, and at that moment (or when the wait is
 * abandoned with `cancel()`) it is taken back from every source, so no source is left holding
 * a waker for a wait that is over.
 *
 * @internal
 */
export class AnyWaker implements Waker {
  /** The sources this waker is parked on; emptied when it fires or is cancelled. */
  private parkedOn: Pollable[] = [];

  constructor(private readonly target: Waker) {}

  /** Whether this waker is still parked somewhere, that is, the wait is not over. */
  get isParked(): boolean {
    return this.parkedOn.length > 0;
  }

  park(source: Pollable): void {
    this.parkedOn.push(source);
    source._park(this);
  }

  /** Takes this waker back from every source it is parked on. Idempotent. */
  cancel(): void {
    const parkedOn = this.parkedOn;
    this.parkedOn = [];
    for (const source of parkedOn) {
      source._unpark(this);
    }
  }

  wake(): void {
    // A wakeAll() round under way still calls a waker that was unparked during it: a wait that
    // is already over (fired through another source, or cancelled) must not fire twice.
    if (!this.isParked) {
      return;
    }
    this.cancel();
    this.target.wake();
  }
}
