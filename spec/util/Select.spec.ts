import type { Receiver, ReceiverStoppedError } from 'rx-channels';
import { Anycast, Broadcast, ChannelClosedError, Select, Selected } from 'rx-channels';
import { flushMicrotasks, reasonOf, track } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';
import { ProbeReceiver } from '../helpers/probe';
import { ListReceiver, receiveMany } from '../helpers/receivers';
import { queueScheduler, type SchedulerLike } from 'rxjs';
import { Timer } from 'rx-channels/util';

function anycast<T>(name: string) {
  const channel = new Anycast<T>({ name });
  return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
}

/**
 * A Timer on `queueScheduler` next to a `filter()` whose predicate is slow: it moves the timer's
 * clock one interval on (a slow predicate in virtual time, so the test does not depend on the
 * real clock). The tick then comes due between the poll that found the timer pending and the
 * park on it, and `queueScheduler` runs the delay-0 alarm inside that park. `sendRejected()`
 * gives the predicate one message to reject, for one such round.
 */
function timerNextToSlowFilter() {
  let clockMs = 0;
  const scheduler: SchedulerLike = { now: () => clockMs, schedule: queueScheduler.schedule.bind(queueScheduler) };
  const timer = Timer.periodic(10, { scheduler });
  const channel = new Anycast<number>({ name: 'slow' });
  const sender = channel.newSender();
  const slow = channel.newReceiver().filter((message) => {
    clockMs += 10;
    return message % 2 === 0;
  });
  return { timer, slow, sendRejected: () => sender.send(1) };
}

describe('Select', () => {
  let capture: ReturnType<typeof captureWarnings>;

  beforeEach(() => {
    capture = captureWarnings();
  });

  afterEach(() => {
    capture.restore();
  });

  describe('constructor', () => {
    it('throws a TypeError for a name that collides with a member', () => {
      const receiver = anycast<number>('a').receiver;
      for (const name of ['ready', 'get', 'stop', 'toString', 'constructor', 'then']) {
        expect(() => new Select({ [name]: receiver })).toThrow(
          `Expected receiver names not to collide with a member of Select, got \`${name}\``,
        );
      }
    });

    it('throws a TypeError when `receivers` is not an object, is empty or holds a non-receiver', () => {
      expect(() => new Select(undefined as unknown as Record<string, Receiver<number>>)).toThrow(
        'Expected `receivers` to be an object of receivers by name, got undefined',
      );
      expect(() => new Select({})).toThrow('Expected `Select` to be given at least one receiver');
      expect(() => new Select({ a: 1 as unknown as Receiver<number> })).toThrow(
        'Expected `receivers.a` to be a Receiver, got number',
      );
    });

    it('has one enumerable property per name, and instanceof works', () => {
      const select = new Select({ a: anycast('a').receiver, b: anycast('b').receiver });
      expect(Object.keys(select)).toEqual(['a', 'b']);
      expect(select).toBeInstanceOf(Select);
      expect(String(select)).toBe('Select:a,b');
    });
    // issue 11 §3: reading a name that is neither a receiver's nor a member threw nothing; probing for a promise must still work.
    it('reading an unknown name throws a TypeError naming the Select, as get() does, while select.then stays undefined', () => {
      const select = new Select({ a: anycast<number>('a').receiver });
      const unknown = select as unknown as Record<string, unknown>;
      expect(() => unknown['nope']).toThrow(TypeError);
      expect(() => unknown['nope']).toThrow(String(select));
      expect(() => unknown['nope']).toThrow(
        (() => {
          try {
            select.get('nope' as 'a');
          } catch (error) {
            return (error as Error).message;
          }
          return 'get() did not throw';
        })(),
      );
      expect(unknown['then']).toBeUndefined();
    });
  });

  describe('ready() and reading', () => {
    it('reads a message by name, as a Selected whose inner is the message; reading consumes', async () => {
      const a = anycast<number>('a');
      const b = anycast<string>('b');
      const select = new Select({ a: a.receiver, b: b.receiver });
      await a.sender.send(1);
      expect(await select.ready()).toBe(true);
      expect(select.b).toBeUndefined();
      const selected = select.a;
      expect(selected).toBeInstanceOf(Selected);
      expect(selected?.inner).toBe(1);
      expect(select.a).toBeUndefined();
    });

    it('get(name) reads the same way, and throws a TypeError for an unknown name', async () => {
      const a = anycast<number>('a');
      const select = new Select({ a: a.receiver });
      await a.sender.send(1);
      await a.sender.send(2);
      expect(await select.ready()).toBe(true);
      expect(select.get('a')?.inner).toBe(1);
      expect(select.get('a')?.inner).toBe(2);
      expect(select.get('a')).toBeUndefined();
      expect(() => select.get('z' as 'a')).toThrow('Select:a: expected `name` to be one of a, got z');
    });

    it('a pending ready() resolves when any receiver gets a message', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const select = new Select({ a: a.receiver, b: b.receiver });
      const ready = track(select.ready());
      await flushMicrotasks();
      expect(ready.current().state).toBe('pending');
      await b.sender.send(5);
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(select.b?.inner).toBe(5);
    });

    it('gives a stopped receiver once, with inner undefined, and ready() false once all have stopped', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const select = new Select({ a: a.receiver, b: b.receiver });
      await a.channel.close();
      expect(await select.ready()).toBe(true);
      const stopped = select.a;
      expect(stopped?.inner).toBeUndefined();
      expect(stopped?.wasStopped).toBe(true);
      expect((stopped?.exception as ReceiverStoppedError).cause).toBeInstanceOf(ChannelClosedError);
      expect(select.a).toBeUndefined();
      const ready = track(select.ready());
      await flushMicrotasks();
      expect(ready.current().state).toBe('pending');
      await b.channel.close();
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(select.b?.wasStopped).toBe(true);
      expect(await select.ready()).toBe(false);
    });
    it('keeps waiting when a wake brings nothing to read (a filtered-out message)', async () => {
      const a = anycast<number>('a');
      const select = new Select({ big: a.receiver.filter((value) => value > 1) });
      const ready = track(select.ready());
      await a.sender.send(1);
      await flushMicrotasks();
      expect(ready.current().state).toBe('pending');
      await a.sender.send(2);
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(select.big?.inner).toBe(2);
    });
    // issue 11 #1: a receiver that turned ready inside the park made ready() reject with "ReferenceError: Cannot access 'wait' before initialization".
    it('a pending ready() resolves when a receiver turns ready while the Select parks on it (a Timer on queueScheduler next to a slow filter())', async () => {
      const { timer, slow, sendRejected } = timerNextToSlowFilter();
      const select = new Select({ timer, slow });
      const ticks: unknown[] = [];
      for (let round = 0; round < 3; round++) {
        await sendRejected();
        expect(await select.ready()).toBe(true);
        ticks.push(select.timer?.inner);
        expect(select.slow).toBeUndefined();
      }
      expect(ticks).toEqual([new Date(10), new Date(20), new Date(30)]);
      timer.stop();
    });
  });

  describe('unread messages', () => {
    it('drops the unread messages of the previous round when nothing was read, with one warning', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const c = anycast<number>('c');
      const select = new Select({ a: a.receiver, b: b.receiver, c: c.receiver });
      await a.sender.send(1);
      await a.sender.send(2);
      await b.sender.send(10);
      expect(await select.ready()).toBe(true);
      await c.sender.send(100);
      expect(await select.ready()).toBe(true);
      expect(capture.warnings).toEqual([
        'Select:a,b,c.ready() dropped data from receiver(s): a, b, because no messages have been fetched since the last call to ready()',
      ]);
      expect([select.a?.inner, select.b, select.c?.inner]).toEqual([2, undefined, 100]);
    });

    it('drops nothing when something was read since the last round', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const select = new Select({ a: a.receiver, b: b.receiver });
      await a.sender.send(1);
      await b.sender.send(10);
      expect(await select.ready()).toBe(true);
      expect(select.a?.inner).toBe(1);
      expect(await select.ready()).toBe(true);
      expect(select.b?.inner).toBe(10);
      expect(capture.warnings).toEqual([]);
    });

    it('drops an unread stop too, so a loop that never reads a stopped name ends', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const select = new Select({ a: a.receiver, b: b.receiver });
      await b.channel.close();
      await a.sender.send(1);
      await a.channel.close();
      const read: unknown[] = [];
      while (await select.ready()) {
        const selected = select.a;
        if (selected !== undefined) {
          read.push(selected.inner);
        }
      }
      expect(read).toEqual([1, undefined]);
      expect(capture.warnings).toHaveLength(1);
    });
  });

  describe('stop() and cancellation', () => {
    it('stop() takes effect before it returns, and its promise waits for nothing', async () => {
      const channel = new Anycast<number>();
      await channel.newSender().send(1);
      const receiver = channel.newReceiver();
      const select = new Select({ receiver });
      const stopped = track(select.stop());
      const ready = track(select.ready());
      await flushMicrotasks();
      expect(stopped.current()).toEqual({ state: 'fulfilled', value: undefined });
      expect(ready.current()).toEqual({ state: 'fulfilled', value: false });
      expect(await receiver.receive()).toBe(1);
    });

    it('stop() releases every pending ready() and every parked waker, and takes nothing', async () => {
      const a = anycast<number>('a');
      const probe = new ProbeReceiver(a.receiver);
      const select = new Select({ a: probe, b: anycast<number>('b').receiver });
      const first = track(select.ready());
      const second = track(select.ready());
      await flushMicrotasks();
      // Two waits share the fan-in's one waker per source.
      expect(probe.parked).toBe(1);
      await select.stop();
      await flushMicrotasks();
      expect(first.current()).toEqual({ state: 'fulfilled', value: false });
      expect(second.current()).toEqual({ state: 'fulfilled', value: false });
      expect(probe.parked).toBe(0);
      await a.sender.send(1);
      expect(await select.ready()).toBe(false);
      expect(select.a).toBeUndefined();
      expect(await a.receiver.receive()).toBe(1);
    });

    // issue 11 #9: ready() after stop() consumed and discarded the unread messages of the previous round.
    it('ready() after stop() takes nothing: the unread messages of the last round stay in their receivers', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const select = new Select({ a: a.receiver, b: b.receiver });
      await a.sender.send(1);
      await b.sender.send(2);
      expect(await select.ready()).toBe(true);
      await select.stop();
      expect(await select.ready()).toBe(false);
      expect(capture.warnings).toEqual([]);
      expect(await receiveMany(a.receiver, 1)).toEqual([1]);
      expect(await receiveMany(b.receiver, 1)).toEqual([2]);
    });

    it('an aborted ready() rejects with the reason, takes nothing and releases every waker', async () => {
      const probe = new ProbeReceiver(anycast<number>('a').receiver);
      const select = new Select({ a: probe });
      const controller = new AbortController();
      const ready = track(select.ready({ signal: controller.signal }));
      await flushMicrotasks();
      controller.abort(new Error('enough'));
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'rejected', reason: new Error('enough') });
      expect(probe.parked).toBe(0);
      expect(probe.consumed).toBe(0);
    });

    it('an already-aborted signal rejects at once', async () => {
      const a = anycast<number>('a');
      await a.sender.send(1);
      const select = new Select({ a: a.receiver });
      expect(((await reasonOf(select.ready({ signal: AbortSignal.abort() }))) as DOMException).name).toBe('AbortError');
      expect(await receiveMany(a.receiver, 1)).toEqual([1]);
    });
  });

  it('works over Broadcast receivers and receivers written outside the library', async () => {
    const channel = new Broadcast<number>('b');
    const list = new ListReceiver<string>();
    const select = new Select({ broadcast: channel.newReceiver(), list });
    list.push('x');
    expect(await select.ready()).toBe(true);
    expect(select.list?.inner).toBe('x');
    await channel.newSender().send(3);
    expect(await select.ready()).toBe(true);
    expect(select.broadcast?.inner).toBe(3);
    await select.stop();
    await flushMicrotasks();
    expect(list.pendingReadyCalls).toBe(0);
  });
});
