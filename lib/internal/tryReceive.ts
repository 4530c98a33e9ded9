import type { Receiver, TryReceiveResult } from '../Receiver';
import { pollableOf } from './ForeignReceiver';
import { PENDING, STOPPED } from './protocol';

/** The two answers without a message; frozen and shared, as they carry nothing of their own. */
const NOTHING_READY: TryReceiveResult<never> = Object.freeze({ ok: false, stopped: false });
const WAS_STOPPED: TryReceiveResult<never> = Object.freeze({ ok: false, stopped: true });

/**
 * `receiver.tryReceive()`: one synchronous poll of the pull protocol (`protocol.ts`) and, when
 * READY, one `consume()`. It parks nothing and registers nothing, so a wait in progress is left
 * as it was; it only takes what is ready now. An error kept by `receiveMany()` comes first.
 *
 * @internal
 */
export function tryReceiveOf<T>(receiver: Receiver<T>): TryReceiveResult<T> {
  throwKeptFailure(receiver);
  const source = pollableOf(receiver);
  const state = source._poll();
  if (state === PENDING) {
    return NOTHING_READY;
  }
  if (state === STOPPED) {
    return WAS_STOPPED;
  }
  // READY: a message, or the receiver's error, which consume() throws as it would for receive().
  return { ok: true, message: source.consume() };
}

/**
 * Throws, once, the error that a `receiveMany()` met after it had taken messages: that call
 * resolved with the messages, and the error is owed to the next take (see `receiveMany.ts`).
 *
 * @internal
 */
export function throwKeptFailure(receiver: Receiver<unknown>): void {
  const failure = receiver._failure;
  if (failure !== undefined) {
    receiver._failure = undefined;
    throw failure.error;
  }
}

/**
 * `receive()` on a receiver that owes an error (its `_failure` is set): rejects with it, once;
 * an already-aborted signal rejects with its reason instead and leaves the error owed.
 *
 * @internal
 */
export function rejectKeptFailure(receiver: Receiver<unknown>, signal: AbortSignal | undefined): Promise<never> {
  if (signal?.aborted) {
    return Promise.reject(signal.reason);
  }
  const { error } = receiver._failure as { readonly error: unknown };
  receiver._failure = undefined;
  return Promise.reject(error);
}
