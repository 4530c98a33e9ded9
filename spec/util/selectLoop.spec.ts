import type { Receiver } from 'rx-channels';
import {
  Anycast,
  Merge,
  ChannelClosedError,
  ChannelsError,
  ReceiverStoppedError,
  select,
  SelectError,
  selectedFrom,
  UnhandledSelectedError,
  type Selected,
} from 'rx-channels';
import { flushMicrotasks, reasonOf, track } from '../helpers/async';
import { ProbeReceiver } from '../helpers/probe';
import { ListReceiver, receiveMany } from '../helpers/receivers';
import { expectTypeOf } from 'expect-type';
import {
  firstValueFrom,
  from,
  type Observable,
  lastValueFrom,
  map as rxMap,
  queueScheduler,
  take,
  toArray,
  type SchedulerLike,
} from 'rxjs';
import { Timer } from 'rx-channels/util';

function anycast<T>(name: string) {
  const channel = new Anycast<T>({ name });
  return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
}

/** What each item says, as text: `name:message`, `name:stopped` or `name:error:<message>`. */
function describeItem(selected: Selected<unknown>, names: ReadonlyMap<Receiver<unknown>, string>): string {
  for (const [receiver, name] of names) {
    if (selectedFrom(selected, receiver)) {
      if (selected.wasStopped) {
        return `${name}:stopped`;
      }
      const exception = selected.exception;
      return exception === undefined
        ? `${name}:${String(selected.message)}`
        : `${name}:error:${(exception as Error).message}`;
    }
  }
  return 'unknown';
}

async function collect(names: ReadonlyMap<Receiver<unknown>, string>, limit = Infinity): Promise<string[]> {
  const seen: string[] = [];
  for await (const selected of select(...names.keys())) {
    seen.push(describeItem(selected, names));
    if (seen.length >= limit) {
      break;
    }
  }
  return seen;
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

/**
 * A hang guard for a microtask spin, which starves every timer (so no timeout can end it): the
 * spin re-entered the iterator's own `next()`, so after `limit` calls `next()` rejects instead.
 */
function spinGuarded<T>(iterator: AsyncIterableIterator<T>, limit = 1000): AsyncIterableIterator<T> {
  const next = iterator.next.bind(iterator);
  let calls = 0;
  iterator.next = () =>
    ++calls > limit ? Promise.reject(new Error(`spin guard: next() called ${limit} times`)) : next();
  return iterator;
}

describe('select()', () => {
  describe('arguments', () => {
    it('throws a TypeError when no receiver is given', () => {
      expect(() => select()).toThrow('Expected `select()` to be given at least one receiver');
    });

    it('throws a TypeError naming an argument that is not a receiver', () => {
      expect(() => select(anycast('a').receiver, {} as Receiver<number>)).toThrow(
        'Expected `receivers[1]` to be a Receiver, got object',
      );
    });
  });

  describe('iterating', () => {
    it('yields each message as it arrives, the first ready receiver first', async () => {
      const a = anycast<number>('a');
      const b = anycast<string>('b');
      const names = new Map<Receiver<unknown>, string>([
        [a.receiver, 'a'],
        [b.receiver, 'b'],
      ]);
      const seen = track(collect(names, 3));
      await flushMicrotasks();
      await b.sender.send('x');
      await flushMicrotasks();
      await a.sender.send(1);
      await flushMicrotasks();
      await b.sender.send('y');
      await flushMicrotasks();
      expect(seen.current()).toEqual({ state: 'fulfilled', value: ['b:x', 'a:1', 'b:y'] });
    });

    it('yields each stopped receiver once, with its ReceiverStoppedError, and ends when all have stopped', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      await a.sender.send(1);
      await a.channel.close();
      await b.channel.close();
      const items: Selected<number>[] = [];
      for await (const selected of select(a.receiver, b.receiver)) {
        selectedFrom(selected, a.receiver);
        selectedFrom(selected, b.receiver);
        items.push(selected);
      }
      expect(items.map((item) => [item.wasStopped, item.inner])).toEqual([
        [false, 1],
        [true, undefined],
        [true, undefined],
      ]);
      const stop = items[1]?.exception;
      expect(stop).toBeInstanceOf(ReceiverStoppedError);
      expect((stop as ReceiverStoppedError).cause).toBeInstanceOf(ChannelClosedError);
      expect(() => items[1]?.message).toThrow(ReceiverStoppedError);
    });

    it('yields each of several ready receivers once before any twice', async () => {
      const channels = ['a', 'b', 'c'].map((name) => anycast<number>(name));
      for (const [index, { sender, channel }] of channels.entries()) {
        for (let count = 0; count < index + 2; count++) {
          await sender.send(count);
        }
        await channel.close();
      }
      const names = new Map<Receiver<unknown>, string>(
        channels.map(({ receiver }, index) => [receiver, 'abc'[index] as string]),
      );
      expect(await collect(names)).toEqual([
        'a:0',
        'b:0',
        'c:0',
        'a:1',
        'b:1',
        'c:1',
        'a:stopped',
        'b:2',
        'c:2',
        'b:stopped',
        'c:3',
        'c:stopped',
      ]);
    });

    it("yields a receiver's error as the item's exception, and keeps the receiver", async () => {
      const a = anycast<number>('a');
      const failing = a.receiver.map((value) => {
        if (value === 1) {
          throw new RangeError('one');
        }
        return value;
      });
      for (const value of [1, 2]) {
        await a.sender.send(value);
      }
      await a.channel.close();
      const names = new Map<Receiver<unknown>, string>([[failing, 'a']]);
      expect(await collect(names)).toEqual(['a:error:one', 'a:2', 'a:stopped']);
    });

    it('runs a second next() after the one that waits, as an async generator does', async () => {
      const a = anycast<number>('a');
      const iterator = select(a.receiver);
      const first = track(iterator.next());
      const second = track(iterator.next());
      await flushMicrotasks();
      expect([first.current().state, second.current().state]).toEqual(['pending', 'pending']);
      await a.sender.send(1);
      await a.sender.send(2);
      await flushMicrotasks();
      const firstItem = first.current();
      expect(firstItem.state === 'fulfilled' && (firstItem.value.value as Selected<number>).inner).toBe(1);
      // The first item could not be claimed before the second step ran.
      const secondItem = second.current();
      expect(secondItem.state === 'rejected' && secondItem.reason).toBeInstanceOf(UnhandledSelectedError);
      expect(await a.receiver.receive()).toBe(2);
    });
  });

  describe('selectedFrom()', () => {
    it('tells apart two receivers of the same message type in an else-if chain', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      await b.sender.send(2);
      await a.sender.send(1);
      await a.channel.close();
      await b.channel.close();
      const seen: string[] = [];
      for await (const selected of select(a.receiver, b.receiver)) {
        if (selected.wasStopped) {
          selectedFrom(selected, a.receiver);
          selectedFrom(selected, b.receiver);
        } else if (selectedFrom(selected, a.receiver)) {
          seen.push(`a${selected.message + 1}`);
        } else if (selectedFrom(selected, b.receiver)) {
          seen.push(`b${selected.message + 1}`);
        }
      }
      expect(seen).toEqual(['a2', 'b3']);
    });

    it('is false for another receiver', async () => {
      const a = anycast<number>('a');
      await a.sender.send(1);
      for await (const selected of select(a.receiver)) {
        expect(selectedFrom(selected, anycast<number>('b').receiver)).toBe(false);
        expect(selectedFrom(selected, a.receiver)).toBe(true);
        break;
      }
    });
  });

  describe('UnhandledSelectedError', () => {
    it('is thrown at the next step for an item no selectedFrom() matched, and ends the loop', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      await a.sender.send(1);
      await b.sender.send(2);
      const iterator = select(a.receiver, b.receiver);
      const first = await iterator.next();
      const selected = first.value as Selected<number>;
      selectedFrom(selected, b.receiver);
      const error = await reasonOf(iterator.next());
      expect(error).toBeInstanceOf(UnhandledSelectedError);
      expect(error).toBeInstanceOf(SelectError);
      expect(error).toBeInstanceOf(ChannelsError);
      expect((error as UnhandledSelectedError).selected).toBe(selected);
      expect((error as Error).message).toBe('Selected receiver AnycastReceiver:a was not handled in the if-chain');
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      expect(await b.receiver.receive()).toBe(2);
    });

    it('is not thrown when the loop is left right after the item', async () => {
      const a = anycast<number>('a');
      await a.sender.send(1);
      await a.sender.send(2);
      for await (const selected of select(a.receiver)) {
        expect(selected.message).toBe(1);
        break;
      }
      expect(await a.receiver.receive()).toBe(2);
    });
  });

  describe('a receiver that turns ready while the loop parks on it', () => {
    // issue 11 #1: with a Timer on queueScheduler and a slow filter(), the loop yielded the first item, then spun in microtasks forever.
    it('yields its item and goes on: a Timer on queueScheduler next to a slow filter() ticks every round', async () => {
      const { timer, slow, sendRejected } = timerNextToSlowFilter();
      const ticks: number[] = [];
      await sendRejected();
      for await (const item of spinGuarded(select(timer, slow))) {
        if (selectedFrom(item, timer)) {
          ticks.push(item.message.getTime());
        } else if (selectedFrom(item, slow)) {
          throw new Error('the filter passed nothing');
        }
        if (ticks.length === 3) {
          break;
        }
        await sendRejected();
      }
      expect(ticks).toEqual([10, 20, 30]);
      timer.stop();
    });
  });

  describe('leaving the loop', () => {
    it('break releases every parked waker and leaves every other message in its receiver', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const probes = [new ProbeReceiver(a.receiver), new ProbeReceiver(b.receiver)] as const;
      await a.sender.send(1);
      await a.sender.send(2);
      await b.sender.send(10);
      for await (const selected of select(...probes)) {
        selectedFrom(selected, probes[0]);
        break;
      }
      expect(probes.map((probe) => probe.parked)).toEqual([0, 0]);
      expect(probes.map((probe) => probe.consumed)).toEqual([1, 0]);
      expect(await a.receiver.receive()).toBe(2);
      expect(await b.receiver.receive()).toBe(10);
    });

    it('return() while next() waits resolves it as done and releases every waker', async () => {
      const probe = new ProbeReceiver(anycast<number>('a').receiver);
      const iterator = select(probe);
      const next = track(iterator.next());
      await flushMicrotasks();
      expect(probe.parked).toBe(1);
      await iterator.return?.();
      await flushMicrotasks();
      expect(next.current()).toEqual({ state: 'fulfilled', value: { done: true, value: undefined } });
      expect(probe.parked).toBe(0);
    });

    it('a throw out of the loop releases every waker', async () => {
      const a = anycast<number>('a');
      const probe = new ProbeReceiver(a.receiver);
      await a.sender.send(1);
      const run = async (): Promise<void> => {
        for await (const selected of select(probe, anycast<number>('b').receiver)) {
          selectedFrom(selected, probe);
          throw new Error('stop here');
        }
      };
      expect(await reasonOf(run())).toEqual(new Error('stop here'));
      expect(probe.parked).toBe(0);
    });

    it('throw() ends the loop and rejects with the error', async () => {
      const probe = new ProbeReceiver(anycast<number>('a').receiver);
      const iterator = select(probe);
      const next = track(iterator.next());
      await flushMicrotasks();
      expect(await reasonOf(iterator.throw?.(new Error('x')) ?? Promise.resolve())).toEqual(new Error('x'));
      await flushMicrotasks();
      expect(next.current()).toEqual({ state: 'fulfilled', value: { done: true, value: undefined } });
      expect(probe.parked).toBe(0);
    });
  });

  describe('composition', () => {
    it('selects over a Merge like over any receiver', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const c = anycast<string>('c');
      const numbers = new Merge(a.receiver, b.receiver);
      await a.sender.send(1);
      await b.sender.send(2);
      await c.sender.send('x');
      await a.channel.close();
      await b.channel.close();
      await c.channel.close();
      const names = new Map<Receiver<unknown>, string>([
        [numbers, 'numbers'],
        [c.receiver, 'c'],
      ]);
      expect(await collect(names)).toEqual(['numbers:1', 'c:x', 'numbers:2', 'c:stopped', 'numbers:stopped']);
    });
  });

  describe('receivers written outside the library', () => {
    it('selects over them, taking turns, and aborts their ready() on break', async () => {
      const a = new ListReceiver<number>();
      const b = new ListReceiver<number>();
      a.push(1, 2);
      b.push(10, 20);
      const seen: number[] = [];
      for await (const selected of select(a, b)) {
        if (selectedFrom(selected, a) || selectedFrom(selected, b)) {
          seen.push(selected.message);
        }
        if (seen.length === 4) {
          break;
        }
      }
      expect(seen).toEqual([1, 10, 2, 20]);
      await flushMicrotasks();
      expect([a.pendingReadyCalls, b.pendingReadyCalls]).toEqual([0, 0]);
      a.push(3);
      expect(await receiveMany(a, 1)).toEqual([3]);
    });
  });
});

describe('select() as an Observable (Guarantee: unsubscribing takes nothing)', () => {
  it('from(select(a, b)) emits the items in order and completes when every receiver stopped', async () => {
    const a = new Anycast<number>();
    const b = new Anycast<string>();
    const ra = a.newReceiver();
    const rb = b.newReceiver();
    const items = lastValueFrom(
      from(select(ra, rb)).pipe(
        rxMap((s) => (s.wasStopped ? `stop:${selectedFrom(s, ra) ? 'a' : 'b'}` : String(s.inner))),
        toArray(),
      ),
    );
    await a.newSender().send(1);
    await b.newSender().send('x');
    await a.close();
    await b.close();
    await expect(items).resolves.toEqual(['1', 'x', 'stop:a', 'stop:b']);
    expectTypeOf(from(select(ra, rb))).toEqualTypeOf<Observable<Selected<number | string>>>();
  });

  it('take(1) on it takes one message and leaves the next in its Anycast', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    await sender.send(1);
    await sender.send(2);
    const first = await firstValueFrom(from(select(receiver)));
    expect(first.inner).toBe(1);
    expect(await receiver.receive()).toBe(2);
  });

  it('an unsubscribe while it waits takes nothing from a later send', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const seen: unknown[] = [];
    const subscription = from(select(receiver)).subscribe((s) => seen.push(s.inner));
    subscription.unsubscribe();
    await channel.newSender().send(1);
    expect(seen).toEqual([]);
    expect(await receiver.receive()).toBe(1);
  });

  it('is shared: two subscribers see each item; the last leaving from inside next stops taking', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const loop = select(receiver);
    const seen: string[] = [];
    const first = loop.asObservable().subscribe((s) => seen.push(`a:${String(s.inner)}`));
    const second = loop.asObservable().subscribe((s) => {
      seen.push(`b:${String(s.inner)}`);
      first.unsubscribe();
      second.unsubscribe();
    });
    await channel.newSender().send(1);
    await channel.newSender().send(2);
    expect(seen).toEqual(['a:1', 'b:1']);
    expect(await receiver.receive()).toBe(2);
  });

  it('a send made from inside next after take(1) ended stays in the receiver', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const seen: unknown[] = [];
    from(select(receiver))
      .pipe(take(1))
      .subscribe((s) => {
        seen.push(s.inner);
        void sender.send(2);
      });
    await sender.send(1);
    expect(seen).toEqual([1]);
    expect(await receiver.receive()).toBe(2);
  });
});
