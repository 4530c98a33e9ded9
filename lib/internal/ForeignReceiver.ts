import type { Receiver } from '../Receiver';
import { isPollable, PENDING, READY, STOPPED, type PollState, type Source, type Waker } from './protocol';
import { WakerSet } from './WakerSet';

/**
 * The one bridge for receivers written outside the library (a user's subclass of `Receiver`,
 * or a receiver of another, incompatible copy of the package), which have only `ready()` and
 * `consume()`. Everything in the library that waits (`receive()`, iteration, the Observable face,
 * `map()`/`filter()`, Merge, `select()`, Select) asks {@link pollableOf} and so meets such a
 * receiver once, here, at the boundary.
 *
 * While a waker is parked, one `ready()` runs with an AbortSignal; what it resolves is the state
 * `_poll()` reports until `consume()`. When the last waker leaves, that `ready()` is aborted,
 * which takes nothing from the receiver (the contract of `ready()`).
 */
class ForeignReceiver<T> implements Source<T> {
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

  _park(waker: Waker): PollState {
    if (this.state !== PENDING) {
      return this.state;
    }
    this.wakers.add(waker);
    if (this.controller === undefined) {
      // ready() is the user's code; it may settle nothing synchronously (it returns a promise),
      // so no wake can reach this waker before _park() returns.
      this.startReady();
    }
    return PENDING;
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
    // A stopped receiver stays stopped (invariant 1); a consumed one waits for the next.
    if (this.state === READY) {
      this.state = PENDING;
    }
    if (failure !== undefined) {
      this.failure = undefined;
      throw failure.error;
    }
    return this.receiver.consume();
  }

  private startReady(): void {
    const controller = new AbortController();
    this.controller = controller;
    let readiness: Promise<boolean>;
    try {
      readiness = Promise.resolve(this.receiver.ready({ signal: controller.signal }));
    } catch (error) {
      readiness = Promise.reject(error);
    }
    readiness.then(
      (ready) => this.settle(controller, ready ? READY : STOPPED, undefined),
      (error: unknown) => this.settle(controller, READY, { error }),
    );
  }

  private settle(
    controller: AbortController,
    state: PollState,
    failure: { readonly error: unknown } | undefined,
  ): void {
    // A ready() that settles after it was abandoned took nothing (or ignored the signal): its
    // answer is dropped, and the next wait asks again.
    if (this.controller !== controller) {
      return;
    }
    this.controller = undefined;
    this.state = state;
    this.failure = failure;
    this.wakers.wakeAll();
  }
}

/** The bridge made for each foreign receiver, so that every waiter shares one `ready()` in flight. */
const bridges = new WeakMap<object, ForeignReceiver<unknown>>();

/**
 * `receiver` itself when it speaks the protocol, else its one bridge.
 *
 * @internal
 */
export function pollableOf<T>(receiver: Receiver<T>): Source<T> {
  if (isPollable(receiver)) {
    return receiver;
  }
  let bridge = bridges.get(receiver) as ForeignReceiver<T> | undefined;
  if (bridge === undefined) {
    bridge = new ForeignReceiver(receiver);
    bridges.set(receiver, bridge);
  }
  return bridge;
}
