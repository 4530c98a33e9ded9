import {
  isPollable,
  PENDING,
  READY,
  readyOf,
  STOPPED,
  type PollState,
  type Pollable,
} from '../../lib/internal/readiness';
import { WakerSet, type Waker } from '../../lib/internal/WakerSet';
import { abortListenerCount, settlementOf, track } from '../helpers/async';

/** A pollable whose state the test sets by hand; it counts its parked wakers. */
class ManualPollable implements Pollable {
  state: PollState = PENDING;
  readonly wakers = new WakerSet();
  parked = 0;

  _poll(): PollState {
    return this.state;
  }

  _park(waker: Waker): void {
    this.parked++;
    this.wakers.add(waker);
  }

  _unpark(waker: Waker): void {
    this.parked--;
    this.wakers.remove(waker);
  }

  set(state: PollState): void {
    this.state = state;
    this.parked = 0;
    this.wakers.wakeAll();
  }
}

describe('readiness', () => {
  describe('isPollable()', () => {
    it('is true for an object with _poll()', () => {
      expect(isPollable(new ManualPollable())).toBe(true);
    });

    it('is false without _poll(), or when _pollable is false', () => {
      expect(isPollable({})).toBe(false);
      expect(isPollable({ _poll: () => READY, _pollable: false })).toBe(false);
      expect(isPollable({ _poll: () => READY, _pollable: true })).toBe(true);
    });
  });

  describe('readyOf()', () => {
    it('resolves true at once when READY and false when STOPPED, parking nothing', async () => {
      const source = new ManualPollable();
      source.state = READY;
      await expect(readyOf(source, undefined)).resolves.toBe(true);
      source.state = STOPPED;
      await expect(readyOf(source, undefined)).resolves.toBe(false);
      expect(source.parked).toBe(0);
    });

    it('parks while PENDING and resolves when woken into READY or STOPPED', async () => {
      const source = new ManualPollable();
      const ready = track(readyOf(source, undefined));
      const stopped = track(readyOf(source, undefined));
      expect(source.parked).toBe(2);
      source.set(READY);
      await settlementOf(Promise.resolve());
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(stopped.current()).toEqual({ state: 'fulfilled', value: true });
      source.state = PENDING;
      const later = track(readyOf(source, undefined));
      source.set(STOPPED);
      await settlementOf(Promise.resolve());
      expect(later.current()).toEqual({ state: 'fulfilled', value: false });
    });

    it('parks again when woken but still PENDING', async () => {
      const source = new ManualPollable();
      const ready = readyOf(source, undefined);
      source.set(PENDING);
      expect(source.parked).toBe(1);
      expect((await settlementOf(ready)).state).toBe('pending');
      source.set(READY);
      await expect(ready).resolves.toBe(true);
    });

    it('rejects at once with the reason of an already-aborted signal, even when READY', async () => {
      const source = new ManualPollable();
      source.state = READY;
      const reason = new Error('gave up');
      await expect(readyOf(source, AbortSignal.abort(reason))).rejects.toBe(reason);
      expect(source.parked).toBe(0);
    });

    it('rejects with the reason when aborted while pending, and unparks', async () => {
      const source = new ManualPollable();
      const controller = new AbortController();
      const ready = readyOf(source, controller.signal);
      controller.abort();
      await expect(ready).rejects.toBeInstanceOf(DOMException);
      await expect(ready).rejects.toMatchObject({ name: 'AbortError' });
      expect(source.parked).toBe(0);
      expect(source.wakers.isEmpty).toBe(true);
    });

    it('removes its abort listener when it resolves', async () => {
      const source = new ManualPollable();
      const controller = new AbortController();
      const ready = readyOf(source, controller.signal);
      expect(abortListenerCount(controller.signal)).toBe(1);
      source.set(READY);
      await ready;
      expect(abortListenerCount(controller.signal)).toBe(0);
    });

    it('keeps its abort listener while it parks again, and removes it when it finally resolves', async () => {
      const source = new ManualPollable();
      const controller = new AbortController();
      const ready = readyOf(source, controller.signal);
      source.set(PENDING);
      expect(abortListenerCount(controller.signal)).toBe(1);
      source.set(STOPPED);
      await expect(ready).resolves.toBe(false);
      expect(abortListenerCount(controller.signal)).toBe(0);
    });

    it('a wait aborted while its source is waking its wakers does not park again', async () => {
      const source = new ManualPollable();
      const controller = new AbortController();
      // The first waker aborts the second wait in the middle of the same wakeAll() round.
      source._park({ wake: () => controller.abort() });
      const aborted = readyOf(source, controller.signal);
      source.set(PENDING);
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      expect(source.wakers.isEmpty).toBe(true);
    });
  });
});
