import type { Receiver } from '../Receiver';
import { PENDING, READY, STOPPED, type PollState, type Pollable } from './readiness';
import { WakerSet, type Waker } from './WakerSet';

/**
 * The Pollable face of a receiver written outside the library, which has only `ready()` and
 * `consume()`. While a waker is parked, one `ready()` runs with an AbortSignal; what it resolves
 * is the state `_poll()` reports until `consume()`. When the last waker leaves, the `ready()` is
 * aborted, which takes nothing from the receiver (the contract of `ready()`).
 *
 * @internal
 */
export class PollingAdapter<T> implements Pollable {
  /** What the last settled `ready()` said; back to PENDING after each `consume()`. */
  private state: PollState = PENDING;
  /** An error the last `ready()` rejected with (not our abort), thrown by the next `consume()`. */
  private failure: { readonly error: unknown } | undefined;
  /** Aborts the `ready()` in flight, while one is. */
  private controller: AbortController | undefined;
  private readonly wakers = new WakerSet();

  constructor(private readonly receiver: Receiver<T>) {}

  _poll(): PollState {
    return this.state;
  }

  _park(waker: Waker): void {
    this.wakers.add(waker);
    if (this.state === PENDING && this.controller === undefined) {
      this.startReady();
    }
  }

  _unpark(waker: Waker): void {
    this.wakers.remove(waker);
    if (this.wakers.isEmpty && this.controller !== undefined) {
      this.controller.abort();
      this.controller = undefined;
    }
  }

  consume(): T {
    const failure = this.failure;
    if (failure !== undefined) {
      this.failure = undefined;
      this.state = PENDING;
      throw failure.error;
    }
    if (this.state === READY) {
      this.state = PENDING;
    }
    return this.receiver.consume();
  }

  private startReady(): void {
    const controller = new AbortController();
    this.controller = controller;
    let readiness: Promise<boolean>;
    try {
      readiness = this.receiver.ready({ signal: controller.signal });
    } catch (error) {
      readiness = Promise.reject(error);
    }
    readiness.then(
      (ready) => this.settle(controller, ready ? READY : STOPPED),
      (error: unknown) => {
        if (!controller.signal.aborted) {
          this.failure = { error };
          this.settle(controller, READY);
        }
      },
    );
  }

  private settle(controller: AbortController, state: PollState): void {
    // A ready() that settles after it was abandoned (a receiver that ignores the signal) took
    // nothing, so its answer can be dropped: the next wait asks again.
    if (this.controller !== controller) {
      return;
    }
    this.controller = undefined;
    this.state = state;
    this.wakers.wakeAll();
  }
}
