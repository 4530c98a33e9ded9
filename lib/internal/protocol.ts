/**
 * The pull protocol every built-in receiver speaks under its promise API: poll, park, wake.
 *
 * RxJS gives no back-pressure, no take-on-consume and no lossless unsubscribe, so the library
 * waits its own way: a consumer asks a source where it stands (`_poll()`), and when it has to
 * wait, leaves a {@link Waker} (`_park()`) that the source calls synchronously, in the call stack
 * that made it ready (a `send()`, a timer's scheduled action, an Observable's `next`). That is
 * what gives exact marble frames and lets `ready()`, `receive()`, iteration, `select()`, Merge
 * and the Observable face all wait the same way.
 *
 * ## Invariants (every Pollable keeps them; every waiting party relies on them)
 * 1. **Poll never waits and never loses.** `_poll()` is synchronous and never throws. It may
 *    move a message into the receiver's hands (an Anycast receiver reserves one), but a message
 *    so moved stays there until `consume()` takes it or it is given back (on `close()` or garbage
 *    collection). A receiver that reported STOPPED reports STOPPED from then on.
 * 2. **Park is atomic.** `_park(waker)` polls and registers in one call, as tokio registers its
 *    waker inside `poll_recv`: it returns the state, and only when that is PENDING is the waker
 *    registered. A source that becomes ready while the waker registers (a timer whose delay-0
 *    action runs synchronously, a send from a user callback) is seen by the re-check that ends
 *    `_park()`; then the waker is taken back and the state returned. So a parked waker misses no
 *    change, and a waker is never called from inside the `_park()` that registered it. Every
 *    change of state is announced by a wake round, so the re-check polls when a round ran during
 *    the registration or when the registration hook says it may have changed the state itself
 *    (a timer arming its action, a fan-in parking on its sources); see `WakerSet.register`.
 * 3. **A waker fires at most once per park.** A registered waker is called once when the state
 *    may have left PENDING (spuriously is allowed: the woken party polls again), and is then no
 *    longer registered. `_unpark(waker)` takes a registered waker back, idempotently; from then on
 *    it is not called, even by a wake round already under way.
 * 4. **Wakers are short and may re-enter.** `wake()` never throws; it may poll, consume and park
 *    again. A waker parked again from inside a wake round waits for the next round.
 * 5. **The receive() slot.** A built-in receiver that parks its own wakers holds one waiting
 *    `receive()` (without a signal) in itself instead of in its `WakerSet`, when nothing else
 *    waits on it: that call is first in line, so a wake calls it before the wakers parked after
 *    it, and a receiver whose buffer is empty may settle it with the message directly (those
 *    behind it stay PENDING). Its registration keeps invariant 2 the same way (`_parked()` runs
 *    with the slot held, a wake meanwhile is recorded and the re-check decides), and a wake that
 *    finds it still PENDING registers it again, as a parked waker parks again (a wake may have
 *    used up what `_parked()` set up: a timer's alarm). It is the fast path of a fan-out: the
 *    minimal hand-written one keeps the same one waiter per receiver.
 *
 * The brand {@link POLLABLE} (a `Symbol.for` key, so that two copies of the package, CommonJS
 * and ESM, recognise each other) marks the objects that keep these invariants. A receiver
 * without it, however its methods are named, is bridged through its `ready()` and `consume()`
 * (see `ForeignReceiver.ts`).
 *
 * @internal
 */

/** Nothing to consume yet: `ready()` would wait. */
export const PENDING = 0;
/** `consume()` returns a message, or throws the receiver's error, without waiting. */
export const READY = 1;
/** The receiver has stopped: `ready()` resolves `false`. */
export const STOPPED = 2;

/** @internal */
export type PollState = typeof PENDING | typeof READY | typeof STOPPED;

/** Something to call, once, when a source may have left PENDING. @internal */
export interface Waker {
  wake(): void;
}

/**
 * The brand of the objects that keep the invariants above; its value is the protocol's version,
 * so that a later incompatible protocol is bridged instead of misread.
 *
 * @internal
 */
export const POLLABLE: unique symbol = Symbol.for('rx-channels.pollable') as never;
/** @internal */
export const PROTOCOL_VERSION = 2;

/** The protocol's three calls; what the library's internal waiting parts need. @internal */
export interface PollProtocol {
  /** Where the source stands now (invariant 1). */
  _poll(): PollState;
  /** Polls and, when PENDING, registers `waker` (invariant 2). */
  _park(waker: Waker): PollState;
  /** Takes back a registered waker (invariant 3). */
  _unpark(waker: Waker): void;
}

/** A receiver that speaks the protocol, branded so that every copy of the package knows it. @internal */
export interface Pollable extends PollProtocol {
  readonly [POLLABLE]: typeof PROTOCOL_VERSION;
}

/** What the waiting parts take from: the protocol and `consume()`. @internal */
export type Source<T> = PollProtocol & { consume(): T };

/** Whether `value` carries the protocol's brand. @internal */
export function isPollable(value: unknown): value is Pollable {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Partial<Record<typeof POLLABLE, unknown>>)[POLLABLE] === PROTOCOL_VERSION
  );
}

/** Puts the brand on a class's prototype, where it costs nothing per instance. @internal */
export function brandPollable(prototype: object): void {
  Object.defineProperty(prototype, POLLABLE, { value: PROTOCOL_VERSION });
}

/**
 * `_park()` of a receiver whose readiness is its own view of another pollable it waits through
 * (a `filter()` drops what fails, a Merge finishes stopped sources): poll our view; when it is
 * PENDING, park on the inner one; if that turned ready meanwhile, poll our view again.
 *
 * @internal
 */
export function parkThrough(outer: { _poll(): PollState }, inner: PollProtocol, waker: Waker): PollState {
  for (;;) {
    const state = outer._poll();
    if (state !== PENDING || inner._park(waker) === PENDING) {
      return state;
    }
  }
}
