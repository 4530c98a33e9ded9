import { Anycast, Receiver } from 'rx-channels';
import { Event } from 'rx-channels/util';
import { checkReceivers, FanIn } from '../../lib/internal/FanIn';
import { PENDING, READY, STOPPED, type PollProtocol, type Waker } from '../../lib/internal/protocol';
import { flushMicrotasks } from '../helpers/async';

/** An Event that counts the wakers parked on it. */
class CountedEvent extends Event {
  parked = 0;
  override _park(waker: Waker) {
    const state = super._park(waker);
    if (state === PENDING) this.parked++;
    return state;
  }
  get waited(): boolean {
    return this._waited;
  }
}

function recorder(): Waker & { calls: number } {
  const waker = { calls: 0, wake: () => void waker.calls++ };
  return waker;
}

describe('checkReceivers', () => {
  it('refuses no receivers and non-receivers, naming the argument', () => {
    expect(() => checkReceivers([], '`Merge`')).toThrow('Expected `Merge` to be given at least one receiver');
    expect(() => checkReceivers([['receivers[0]', null]], 'x')).toThrow('`receivers[0]` to be a Receiver, got null');
    expect(() => checkReceivers([['receivers.a', { ready: () => true }]], 'x')).toThrow(TypeError);
  });
});

describe('FanIn', () => {
  it('polls round-robin: sources ready together take turns, the cursor moving on consume', async () => {
    const channels = [new Anycast<string>(), new Anycast<string>()];
    const fanIn = new FanIn(channels.map((channel) => channel.newReceiver()));
    for (const [index, channel] of channels.entries()) {
      await channel.newSender().send(`${index}a`);
      await channel.newSender().send(`${index}b`);
    }
    const seen: string[] = [];
    for (let step = 0; step < 4; step++) {
      expect(fanIn._poll()).toBe(READY);
      seen.push(fanIn.consume(fanIn.found));
    }
    expect(seen).toEqual(['0a', '1a', '0b', '1b']);
    expect(fanIn._poll()).toBe(PENDING);
  });

  it('parks one waker on every source and, after a ready() resolves, unparks from the rest', async () => {
    const events = [new CountedEvent(), new CountedEvent(), new CountedEvent()];
    const fanIn = new FanIn<void>(events);
    const waker = recorder();
    expect(fanIn._park(waker)).toBe(PENDING);
    expect(events.map((event) => event.waited)).toEqual([true, true, true]);
    events[1]?.set();
    expect(waker.calls).toBe(1);
    // The woken waiter did not park again: no source is left holding the fan-in's waker.
    expect(events.map((event) => event.waited)).toEqual([false, false, false]);
  });

  it('a waiter that parks again keeps the other sources parked (one re-park per message)', () => {
    const events = [new CountedEvent(), new CountedEvent()];
    const fanIn = new FanIn<void>(events);
    const again: Waker = {
      wake: () => {
        fanIn._poll();
        fanIn.consume(fanIn.found);
        fanIn._park(again);
      },
    };
    fanIn._park(again);
    events[0]?.set();
    expect(events.map((event) => event.parked)).toEqual([2, 1]);
    expect(events.map((event) => event.waited)).toEqual([true, true]);
  });

  it('shares one waker per source among several waits on the fan-in', () => {
    const events = [new CountedEvent(), new CountedEvent()];
    const fanIn = new FanIn<void>(events);
    const first = recorder();
    const second = recorder();
    fanIn._park(first);
    fanIn._park(second);
    expect(events.map((event) => event.parked)).toEqual([1, 1]);
    events[0]?.set();
    expect([first.calls, second.calls]).toEqual([1, 1]);
  });

  it('unparks from every source when the last waker leaves, not before', () => {
    const events = [new CountedEvent(), new CountedEvent()];
    const fanIn = new FanIn<void>(events);
    const first = recorder();
    const second = recorder();
    fanIn._park(first);
    fanIn._park(second);
    fanIn._unpark(first);
    expect(events.map((event) => event.waited)).toEqual([true, true]);
    fanIn._unpark(second);
    expect(events.map((event) => event.waited)).toEqual([false, false]);
  });

  it('stop() wakes every waiter, which finds it STOPPED, and releases every source', () => {
    const events = [new CountedEvent(), new CountedEvent()];
    const fanIn = new FanIn<void>(events);
    const states: number[] = [];
    const waker: Waker = { wake: () => states.push(fanIn._park(waker)) };
    fanIn._park(waker);
    fanIn.stop();
    expect(states).toEqual([STOPPED]);
    expect(fanIn.isOver).toBe(true);
    expect(events.map((event) => event.waited)).toEqual([false, false]);
    fanIn.stop();
    expect(fanIn.stateAt(0)).toBe(PENDING);
  });

  it('a source that turns ready while the fan-in parks is seen by the re-check; the waker is not called', () => {
    const late = new Event();
    class ReadyWhenParked extends Event {
      override _park(waker: Waker) {
        const state = super._park(waker);
        late.set();
        return state;
      }
    }
    const fanIn = new FanIn<void>([new ReadyWhenParked(), late]);
    const waker = recorder();
    expect(fanIn._park(waker)).toBe(READY);
    expect(fanIn.found).toBe(1);
    expect(waker.calls).toBe(0);
  });

  it('skips finished sources and is STOPPED once every source finished', () => {
    const events = [new Event(), new Event()];
    const fanIn = new FanIn<void>(events);
    events[0]?.stop();
    expect(fanIn._poll()).toBe(READY);
    expect([fanIn.found, fanIn.foundState]).toEqual([0, STOPPED]);
    fanIn.finish(0);
    fanIn.finish(0);
    expect(fanIn.isFinished(0)).toBe(true);
    expect(fanIn._poll()).toBe(PENDING);
    events[1]?.stop();
    fanIn.finish(1);
    expect(fanIn._poll()).toBe(STOPPED);
    expect(fanIn.readyIndices()).toEqual([]);
  });

  it('readyIndices() lists the unfinished sources that are not PENDING', () => {
    const events = [new Event(), new Event(), new Event()];
    const fanIn = new FanIn<void>(events);
    events[0]?.set();
    events[2]?.set();
    expect(fanIn.readyIndices()).toEqual([0, 2]);
  });

  it('waits on a foreign receiver through its bridge', async () => {
    let ready = false;
    let resolve: (() => void) | undefined = undefined;
    class Foreign extends Receiver<number> {
      ready(): Promise<boolean> {
        return new Promise((done) => (resolve = () => done((ready = true))));
      }
      consume(): number {
        return ready ? 5 : -1;
      }
    }
    const fanIn = new FanIn([new Foreign()]);
    const waker = recorder();
    expect(fanIn._park(waker)).toBe(PENDING);
    (resolve as (() => void) | undefined)?.();
    await flushMicrotasks();
    expect(waker.calls).toBe(1);
    expect(fanIn._poll()).toBe(READY);
    expect(fanIn.consume(0)).toBe(5);
  });

  it('speaks the poll protocol: PENDING while no source is ready', () => {
    const fanIn: PollProtocol = new FanIn<void>([new Event()]);
    expect(fanIn._poll()).toBe(PENDING);
  });
});
