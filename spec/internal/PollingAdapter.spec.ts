import { PollingAdapter } from '../../lib/internal/PollingAdapter';
import { PENDING, READY, STOPPED } from '../../lib/internal/readiness';
import { Receiver, ReceiverStoppedError, type AbortOptions } from 'rx-channels';
import { flushMicrotasks, thrownBy } from '../helpers/async';
import { ListReceiver } from '../helpers/receivers';

function counter(): { count: number; wake(): void } {
  const target = {
    count: 0,
    wake(): void {
      target.count++;
    },
  };
  return target;
}

/** A foreign receiver whose ready() the test settles by hand, ignoring the signal. */
class DeafReceiver extends Receiver<number> {
  resolveReady: ((ready: boolean) => void) | undefined;
  calls = 0;

  ready(_options?: AbortOptions): Promise<boolean> {
    this.calls++;
    return new Promise((resolve) => {
      this.resolveReady = resolve;
    });
  }

  consume(): number {
    return 7;
  }
}

describe('PollingAdapter', () => {
  it('is PENDING until a parked waker makes it ask ready(), then reports its answer until consume()', async () => {
    const receiver = new ListReceiver<number>();
    receiver.push(1);
    const adapter = new PollingAdapter(receiver);
    const waker = counter();
    expect(adapter._poll()).toBe(PENDING);
    adapter._park(waker);
    await flushMicrotasks();
    expect(waker.count).toBe(1);
    expect(adapter._poll()).toBe(READY);
    expect(adapter.consume()).toBe(1);
    expect(adapter._poll()).toBe(PENDING);
  });

  it('reports STOPPED when ready() resolves false', async () => {
    const receiver = new ListReceiver<number>();
    receiver.end();
    const adapter = new PollingAdapter(receiver);
    adapter._park(counter());
    await flushMicrotasks();
    expect(adapter._poll()).toBe(STOPPED);
    expect(thrownBy(() => adapter.consume())).toBeInstanceOf(ReceiverStoppedError);
  });

  it('aborts the ready() in flight when the last waker leaves', async () => {
    const receiver = new ListReceiver<number>();
    const adapter = new PollingAdapter(receiver);
    const first = counter();
    const second = counter();
    adapter._park(first);
    adapter._park(second);
    await flushMicrotasks();
    expect(receiver.pendingReadyCalls).toBe(1);
    adapter._unpark(first);
    expect(receiver.pendingReadyCalls).toBe(1);
    adapter._unpark(second);
    expect(receiver.pendingReadyCalls).toBe(0);
    receiver.push(1);
    await flushMicrotasks();
    expect(adapter._poll()).toBe(PENDING);
  });

  it('ignores the answer of a ready() that settles after it was abandoned', async () => {
    const receiver = new DeafReceiver();
    const adapter = new PollingAdapter(receiver);
    const waker = counter();
    adapter._park(waker);
    const abandoned = receiver.resolveReady;
    adapter._unpark(waker);
    abandoned?.(true);
    await flushMicrotasks();
    expect(adapter._poll()).toBe(PENDING);
    expect(waker.count).toBe(0);
  });

  it('throws from consume() what ready() threw or rejected with, then asks again', async () => {
    class Failing extends Receiver<number> {
      failures = [
        () => Promise.reject(new RangeError('rejected')),
        (): never => {
          throw new TypeError('thrown');
        },
      ];
      ready(): Promise<boolean> {
        const next = this.failures.shift();
        return next === undefined ? Promise.resolve(true) : next();
      }
      consume(): number {
        return 1;
      }
    }
    const adapter = new PollingAdapter(new Failing());
    for (const expected of [new RangeError('rejected'), new TypeError('thrown')]) {
      adapter._park(counter());
      await flushMicrotasks();
      expect(adapter._poll()).toBe(READY);
      expect(thrownBy(() => adapter.consume())).toEqual(expected);
    }
    adapter._park(counter());
    await flushMicrotasks();
    expect(adapter.consume()).toBe(1);
  });
});
