import { PENDING, READY, STOPPED, type PollState, type PollProtocol, type Waker } from '../../lib/internal/protocol';
import { PendingWait, readyOf } from '../../lib/internal/wait';
import { WakerSet } from '../../lib/internal/WakerSet';
import { flushMicrotasks, reasonOf, track } from '../helpers/async';

/** A PendingWait whose settle sees the state only, as most of these specs need. */
function waitFor<R>(
  source: PollProtocol,
  signal: AbortSignal | undefined,
  settle: (state: PollState) => R,
): PendingWait<R> {
  return new PendingWait(source, (_source, state) => settle(state), signal);
}

/** A hand-driven pollable: `state` is what it reports; `set()` changes it and wakes. */
class FakeSource implements PollProtocol {
  state: PollState = PENDING;
  readonly wakers = new WakerSet();
  parks = 0;
  polls = 0;
  /** Runs inside `_park()` after the waker is added, before the re-check. */
  duringPark: (() => void) | undefined;

  _poll(): PollState {
    this.polls++;
    return this.state;
  }

  _park(waker: Waker): PollState {
    this.parks++;
    if (this.state !== PENDING) return this.state;
    this.wakers.add(waker);
    this.wakers.hold(waker);
    try {
      this.duringPark?.();
    } finally {
      this.wakers.release();
    }
    if (this.state !== PENDING) this.wakers.remove(waker);
    return this.state;
  }

  _unpark(waker: Waker): void {
    this.wakers.remove(waker);
  }

  set(state: PollState): void {
    this.state = state;
    this.wakers.wakeAll();
  }
}

const asPollable = (source: FakeSource): PollProtocol => source;

describe('readyOf', () => {
  it('resolves at once without parking when the source is READY or STOPPED', async () => {
    const source = new FakeSource();
    source.state = READY;
    expect(await readyOf(asPollable(source), undefined)).toBe(true);
    source.state = STOPPED;
    expect(await readyOf(asPollable(source), undefined)).toBe(false);
    expect(source.parks).toBe(0);
  });

  it('parks when PENDING and resolves when the source wakes', async () => {
    const source = new FakeSource();
    const ready = track(readyOf(asPollable(source), undefined));
    await flushMicrotasks();
    expect(ready.current()).toEqual({ state: 'pending' });
    source.set(READY);
    await flushMicrotasks();
    expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
    expect(source.wakers.isEmpty).toBe(true);
  });

  it('rejects with the reason of an already-aborted signal, even when the source is READY', async () => {
    const source = new FakeSource();
    source.state = READY;
    const reason = new Error('gone');
    expect(await reasonOf(readyOf(asPollable(source), AbortSignal.abort(reason)))).toBe(reason);
    expect(source.parks).toBe(0);
  });
});

describe('PendingWait', () => {
  it('settles within the call when the source is not PENDING', () => {
    const source = new FakeSource();
    source.state = READY;
    const settle = jest.fn((state: PollState) => state);
    waitFor(asPollable(source), undefined, settle);
    expect(settle).toHaveBeenCalledWith(READY);
  });

  it('a spurious wake parks again and settles on the next real one', async () => {
    const source = new FakeSource();
    const settle = jest.fn((state: PollState) => state);
    const { promise } = waitFor(asPollable(source), undefined, settle);
    source.set(PENDING);
    expect(settle).not.toHaveBeenCalled();
    expect(source.wakers.isEmpty).toBe(false);
    source.set(STOPPED);
    expect(await promise).toBe(STOPPED);
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it('an abort while parked rejects with the reason and unparks', async () => {
    const source = new FakeSource();
    const controller = new AbortController();
    const settle = jest.fn();
    const { promise } = waitFor(asPollable(source), controller.signal, settle);
    controller.abort('stop');
    expect(await reasonOf(promise)).toBe('stop');
    expect(source.wakers.isEmpty).toBe(true);
    source.set(READY);
    expect(settle).not.toHaveBeenCalled();
  });

  it('an abort after the wait settled changes nothing', async () => {
    const source = new FakeSource();
    const controller = new AbortController();
    const { promise } = waitFor(asPollable(source), controller.signal, (state) => state);
    source.set(READY);
    controller.abort();
    expect(await promise).toBe(READY);
  });

  it('an abort from inside settle does not turn the settled wait into a rejection', async () => {
    const source = new FakeSource();
    const controller = new AbortController();
    const { promise } = waitFor(asPollable(source), controller.signal, (state) => {
      controller.abort();
      return state;
    });
    source.set(READY);
    expect(await promise).toBe(READY);
  });

  it('an abort inside a wake round before this waiter is called takes it out of the round', async () => {
    const source = new FakeSource();
    const controller = new AbortController();
    const first: Waker = { wake: () => controller.abort('late') };
    source.wakers.add(first);
    const settle = jest.fn();
    const { promise } = waitFor(asPollable(source), controller.signal, settle);
    source.set(READY);
    expect(await reasonOf(promise)).toBe('late');
    expect(settle).not.toHaveBeenCalled();
  });

  it('cancel() resolves with the given result, unparks, and takes nothing', async () => {
    const source = new FakeSource();
    const settle = jest.fn();
    const wait = waitFor(asPollable(source), undefined, settle);
    wait.cancel('cancelled');
    expect(await wait.promise).toBe('cancelled');
    expect(source.wakers.isEmpty).toBe(true);
    source.set(READY);
    expect(settle).not.toHaveBeenCalled();
  });

  it('cancel() after the wait settled changes nothing', async () => {
    const source = new FakeSource();
    source.state = READY;
    const wait = waitFor(asPollable(source), undefined, () => 'settled');
    wait.cancel('cancelled');
    expect(await wait.promise).toBe('settled');
  });

  it('a source that turns ready inside _park() settles the wait within the call, waking nobody', () => {
    const source = new FakeSource();
    source.duringPark = () => source.set(READY);
    const settle = jest.fn((state: PollState) => state);
    waitFor(asPollable(source), undefined, settle);
    expect(settle).toHaveBeenCalledTimes(1);
    expect(settle).toHaveBeenCalledWith(READY);
    expect(source.wakers.isEmpty).toBe(true);
  });

  it('a settle that throws rejects the promise with that error', async () => {
    const source = new FakeSource();
    const error = new Error('consume failed');
    const { promise } = waitFor(asPollable(source), undefined, () => {
      throw error;
    });
    source.set(READY);
    expect(await reasonOf(promise)).toBe(error);
    expect(source.wakers.isEmpty).toBe(true);
  });

  it('a settle that throws on the fast path rejects too', async () => {
    const source = new FakeSource();
    source.state = READY;
    const { promise } = waitFor(asPollable(source), undefined, () => {
      throw new Error('at once');
    });
    expect(await reasonOf(promise)).toEqual(new Error('at once'));
  });
});
