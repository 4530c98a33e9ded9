import { AnyWaker } from '../../lib/internal/AnyWaker';
import { PENDING, type PollState, type Pollable } from '../../lib/internal/readiness';
import { WakerSet, type Waker } from '../../lib/internal/WakerSet';

/** A pollable that only stores its wakers; the test wakes them by hand. */
class ManualSource implements Pollable {
  readonly wakers = new WakerSet();

  _poll(): PollState {
    return PENDING;
  }

  _park(waker: Waker): void {
    this.wakers.add(waker);
  }

  _unpark(waker: Waker): void {
    this.wakers.remove(waker);
  }
}

function counter(): Waker & { count: number } {
  const target = {
    count: 0,
    wake(): void {
      target.count++;
    },
  };
  return target;
}

describe('AnyWaker', () => {
  it('wakes its target when any source wakes it, and leaves every source at once', () => {
    const sources = [new ManualSource(), new ManualSource(), new ManualSource()];
    const target = counter();
    const fanIn = new AnyWaker(target);
    sources.forEach((source) => fanIn.park(source));
    expect(fanIn.isParked).toBe(true);
    sources[1]?.wakers.wakeAll();
    expect(target.count).toBe(1);
    expect(fanIn.isParked).toBe(false);
    expect(sources.map((source) => source.wakers.isEmpty)).toEqual([true, true, true]);
  });

  it('fires once, even when a wake round already under way calls it again', () => {
    const source = new ManualSource();
    const target = counter();
    const fanIn = new AnyWaker(target);
    fanIn.park(source);
    fanIn.wake();
    fanIn.wake();
    expect(target.count).toBe(1);
  });

  it('cancel() takes it back from every source and is idempotent; a later wake does nothing', () => {
    const sources = [new ManualSource(), new ManualSource()];
    const target = counter();
    const fanIn = new AnyWaker(target);
    sources.forEach((source) => fanIn.park(source));
    fanIn.cancel();
    fanIn.cancel();
    expect(sources.map((source) => source.wakers.isEmpty)).toEqual([true, true]);
    fanIn.wake();
    expect(target.count).toBe(0);
  });
});
