import { Anycast, Receiver, type AbortOptions } from 'rx-channels';
import { pollableOf } from '../../lib/internal/ForeignReceiver';
import { PENDING, READY, STOPPED, type Waker } from '../../lib/internal/protocol';
import { flushMicrotasks } from '../helpers/async';

/** A receiver written outside the library: each ready() is settled by hand. */
class Foreign extends Receiver<number> {
  readonly calls: { signal: AbortSignal | undefined; resolve(ready: boolean): void; reject(error: unknown): void }[] =
    [];
  readonly messages: number[] = [];

  ready(options?: AbortOptions): Promise<boolean> {
    return new Promise((resolve, reject) => this.calls.push({ signal: options?.signal, resolve, reject }));
  }

  consume(): number {
    const message = this.messages.shift();
    if (message === undefined) throw new Error('nothing to consume');
    return message;
  }
}

function recorder(): Waker & { calls: number } {
  const waker = { calls: 0, wake: () => void waker.calls++ };
  return waker;
}

describe('pollableOf', () => {
  it('returns a library receiver itself', () => {
    const receiver = new Anycast<number>().newReceiver();
    expect(pollableOf(receiver)).toBe(receiver);
  });

  it('returns the same bridge for the same foreign receiver, another for another', () => {
    const foreign = new Foreign();
    expect(pollableOf(foreign)).toBe(pollableOf(foreign));
    expect(pollableOf(new Foreign())).not.toBe(pollableOf(foreign));
  });
});

describe('ForeignReceiver', () => {
  it('is PENDING until its ready() settles, and asks nothing before a waker parks', () => {
    const foreign = new Foreign();
    const bridge = pollableOf(foreign);
    expect(bridge._poll()).toBe(PENDING);
    expect(foreign.calls).toHaveLength(0);
  });

  it('shares one ready() in flight among every parked waker, and wakes them all', async () => {
    const foreign = new Foreign();
    const bridge = pollableOf(foreign);
    const first = recorder();
    const second = recorder();
    expect(bridge._park(first)).toBe(PENDING);
    expect(bridge._park(second)).toBe(PENDING);
    expect(foreign.calls).toHaveLength(1);
    foreign.messages.push(1);
    foreign.calls[0]?.resolve(true);
    await flushMicrotasks();
    expect([first.calls, second.calls]).toEqual([1, 1]);
    expect(bridge._poll()).toBe(READY);
    expect(bridge._park(recorder())).toBe(READY);
    expect(bridge.consume()).toBe(1);
    expect(bridge._poll()).toBe(PENDING);
  });

  it('a ready() that resolves false makes it STOPPED', async () => {
    const foreign = new Foreign();
    const bridge = pollableOf(foreign);
    bridge._park(recorder());
    foreign.calls[0]?.resolve(false);
    await flushMicrotasks();
    expect(bridge._poll()).toBe(STOPPED);
  });

  // Was a bug, now fixed (invariant 1: "A receiver that reported STOPPED reports STOPPED from then on"):
  // consume() sets the state back to PENDING before it asks the foreign receiver, so a bridge
  // that reported STOPPED reports PENDING after the consume() that threw the stop error, and the
  // next wait starts another ready(). Fix: in consume(), leave `state` as it is when STOPPED.
  it('stays STOPPED after a consume() on the stopped receiver', async () => {
    const foreign = new Foreign();
    const bridge = pollableOf(foreign);
    bridge._park(recorder());
    foreign.calls[0]?.resolve(false);
    await flushMicrotasks();
    expect(() => bridge.consume()).toThrow();
    expect(bridge._poll()).toBe(STOPPED);
  });

  it('aborts the ready() in flight when the last waker leaves, and takes nothing', async () => {
    const foreign = new Foreign();
    foreign.messages.push(1);
    const bridge = pollableOf(foreign);
    const first = recorder();
    const second = recorder();
    bridge._park(first);
    bridge._park(second);
    bridge._unpark(first);
    expect(foreign.calls[0]?.signal?.aborted).toBe(false);
    bridge._unpark(second);
    expect(foreign.calls[0]?.signal?.aborted).toBe(true);
    expect(foreign.messages).toEqual([1]);
  });

  it('ignores a stale settle of an abandoned ready() and asks again at the next park', async () => {
    const foreign = new Foreign();
    const bridge = pollableOf(foreign);
    const waker = recorder();
    bridge._park(waker);
    bridge._unpark(waker);
    // A foreign ready() that ignores its signal resolves all the same.
    foreign.calls[0]?.resolve(true);
    await flushMicrotasks();
    expect(bridge._poll()).toBe(PENDING);
    expect(waker.calls).toBe(0);
    const again = recorder();
    bridge._park(again);
    expect(foreign.calls).toHaveLength(2);
    foreign.calls[1]?.resolve(true);
    await flushMicrotasks();
    expect(again.calls).toBe(1);
    expect(bridge._poll()).toBe(READY);
  });

  it('a ready() that rejects makes it READY, and consume() throws that error once', async () => {
    const foreign = new Foreign();
    foreign.messages.push(1);
    const bridge = pollableOf(foreign);
    const waker = recorder();
    bridge._park(waker);
    const error = new Error('broken');
    foreign.calls[0]?.reject(error);
    await flushMicrotasks();
    expect(waker.calls).toBe(1);
    expect(bridge._poll()).toBe(READY);
    expect(() => bridge.consume()).toThrow(error);
    expect(bridge._poll()).toBe(PENDING);
  });

  it('a ready() that throws synchronously becomes the consume error', async () => {
    class Throwing extends Receiver<number> {
      ready(): Promise<boolean> {
        throw new Error('sync');
      }
      consume(): number {
        return 0;
      }
    }
    const bridge = pollableOf(new Throwing());
    const waker = recorder();
    expect(bridge._park(waker)).toBe(PENDING);
    expect(waker.calls).toBe(0);
    await flushMicrotasks();
    expect(waker.calls).toBe(1);
    expect(() => bridge.consume()).toThrow('sync');
  });

  it('receive() and for await on a foreign receiver go through the bridge', async () => {
    class Counting extends Receiver<number> {
      private left = [1, 2];
      ready(): Promise<boolean> {
        return Promise.resolve(this.left.length > 0);
      }
      consume(): number {
        const message = this.left.shift();
        if (message === undefined) throw new Error('stopped');
        return message;
      }
    }
    const receiver = new Counting();
    expect(await receiver.receive()).toBe(1);
    const rest: number[] = [];
    for await (const message of receiver.filter(() => true)) rest.push(message);
    expect(rest).toEqual([2]);
  });
});
