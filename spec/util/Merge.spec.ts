import { Anycast, Broadcast, Merge, merge, Receiver, ReceiverError, ReceiverStoppedError } from 'rx-channels';
import { firstValueFrom, merge as rxMerge, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { flushMicrotasks, reasonOf, settlementOf, thrownBy, track } from '../helpers/async';
import { ProbeReceiver } from '../helpers/probe';
import { drain, ListReceiver, receiveMany } from '../helpers/receivers';

/** An Anycast that already holds `messages` and is closed: its receiver gives them, then stops. */
async function filledReceiver<T>(name: string, messages: readonly T[]): Promise<Receiver<T>> {
  const channel = new Anycast<T>({ name, maxsize: Math.max(1, messages.length) });
  const sender = channel.newSender();
  for (const message of messages) {
    await sender.send(message);
  }
  await channel.close();
  return channel.newReceiver();
}

function anycast<T>(name: string, maxsize = 10) {
  const channel = new Anycast<T>({ name, maxsize });
  return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
}

describe('Merge', () => {
  describe('constructor and merge()', () => {
    it('throws a TypeError when no receiver is given', () => {
      expect(() => new Merge()).toThrow(TypeError);
      expect(() => merge()).toThrow('Expected `Merge` to be given at least one receiver');
    });

    it('throws a TypeError naming an argument that is not a receiver', () => {
      const { receiver } = anycast<number>('a');
      expect(() => new Merge(receiver, 5 as unknown as Receiver<number>)).toThrow(
        'Expected `receivers[1]` to be a Receiver, got number',
      );
      expect(() => merge(null as unknown as Receiver<number>)).toThrow(TypeError);
    });

    it('merge() is a Merge', async () => {
      const merged = merge(await filledReceiver('a', [1]), await filledReceiver('b', ['x']));
      expect(merged).toBeInstanceOf(Merge);
      expect(await drain(merged)).toEqual([1, 'x']);
    });

    it('has a readable toString()', () => {
      expect(String(new Merge(anycast('a').receiver, anycast('b').receiver))).toBe(
        'Merge:AnycastReceiver:a,AnycastReceiver:b',
      );
    });
  });

  describe('receiving', () => {
    it('receives every message of every receiver, each receiver order kept', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const merged = new Merge(a.receiver, b.receiver);
      const received = track(receiveMany(merged, 4));
      await a.sender.send(1);
      await b.sender.send(10);
      await b.sender.send(20);
      await a.sender.send(2);
      await flushMicrotasks();
      expect(received.current()).toEqual({ state: 'fulfilled', value: [1, 10, 20, 2] });
    });

    it('takes turns between ready receivers (round-robin)', async () => {
      const merged = new Merge(
        await filledReceiver('a', ['a1', 'a2', 'a3']),
        await filledReceiver('b', ['b1']),
        await filledReceiver('c', ['c1', 'c2']),
      );
      expect(await drain(merged)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    });

    it('does not starve a receiver next to one that is always ready', async () => {
      const busy = anycast<string>('busy', 100);
      for (let index = 0; index < 100; index++) {
        await busy.sender.send(`busy${index}`);
      }
      const quiet = anycast<string>('quiet');
      const merged = new Merge(busy.receiver, quiet.receiver);
      expect(await receiveMany(merged, 3)).toEqual(['busy0', 'busy1', 'busy2']);
      await quiet.sender.send('quiet');
      expect(await receiveMany(merged, 2)).toEqual(['quiet', 'busy3']);
    });

    it('a pending ready() resolves when any receiver gets a message, and unparks from all', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const probes = [new ProbeReceiver(a.receiver), new ProbeReceiver(b.receiver)];
      const merged = new Merge(...probes);
      const ready = track(merged.ready());
      await flushMicrotasks();
      expect(ready.current().state).toBe('pending');
      expect(probes.map((probe) => probe.parked)).toEqual([1, 1]);
      await b.sender.send(7);
      expect(probes.map((probe) => probe.parked)).toEqual([0, 0]);
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: true });
      expect(merged.consume()).toBe(7);
    });

    it('consume() before ready() throws a ReceiverError', () => {
      const merged = new Merge(anycast<number>('a').receiver);
      const error = thrownBy(() => merged.consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
    });

    it('throws a source error from consume(), and goes on with that source', async () => {
      const a = anycast<number>('a');
      const failing = a.receiver.map((value) => {
        if (value === 2) {
          throw new RangeError('two');
        }
        return value;
      });
      const merged = new Merge(failing);
      for (const value of [1, 2, 3]) {
        await a.sender.send(value);
      }
      expect(await merged.receive()).toBe(1);
      expect(await reasonOf(merged.receive())).toEqual(new RangeError('two'));
      expect(await merged.receive()).toBe(3);
    });
  });

  describe('back-pressure', () => {
    it('leaves each message in its source until consume()', async () => {
      const channel = new Broadcast<number>('numbers');
      const first = channel.newReceiver();
      const second = channel.newReceiver();
      const merged = new Merge(first, second);
      const sender = channel.newSender();
      for (const value of [1, 2, 3]) {
        await sender.send(value);
      }
      expect(await merged.ready()).toBe(true);
      expect([first.size, second.size]).toEqual([3, 3]);
      expect(merged.consume()).toBe(1);
      expect([first.size, second.size]).toEqual([2, 3]);
    });

    it('a full Anycast keeps its sender blocked until the Merge consumes', async () => {
      const a = anycast<number>('a', 1);
      const merged = new Merge(a.receiver);
      await a.sender.send(1);
      // ready() reserves message 1 in the receiver, which makes room for message 2 only.
      expect(await merged.ready()).toBe(true);
      await a.sender.send(2);
      const third = track(a.sender.send(3));
      await flushMicrotasks();
      expect(third.current().state).toBe('pending');
      expect(merged.consume()).toBe(1);
      expect(await merged.ready()).toBe(true);
      await flushMicrotasks();
      expect(third.current().state).toBe('fulfilled');
    });
  });

  describe('stopping', () => {
    it('stop() takes effect before it returns, and its promise waits for nothing', async () => {
      const channel = new Anycast<number>();
      await channel.newSender().send(1);
      const source = channel.newReceiver();
      const merged = new Merge(source);
      const stopped = track(merged.stop());
      expect(thrownBy(() => merged.consume())).toBeInstanceOf(ReceiverStoppedError);
      await flushMicrotasks();
      expect(stopped.current()).toEqual({ state: 'fulfilled', value: undefined });
      expect(await merged.ready()).toBe(false);
      // The source was neither drained nor closed.
      expect(await source.receive()).toBe(1);
      expect(merged.close()).toBeUndefined();
    });

    it('stops when every source has stopped', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const merged = new Merge(a.receiver, b.receiver);
      await a.sender.send(1);
      await a.channel.close();
      expect(await merged.receive()).toBe(1);
      const ready = track(merged.ready());
      await flushMicrotasks();
      expect(ready.current().state).toBe('pending');
      await b.channel.close();
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: false });
      const error = thrownBy(() => merged.consume());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverStoppedError).receiver).toBe(merged);
    });

    // issue 11 #10: consume() threw the closed source's ReceiverStoppedError, which ended a for await loop over the Merge.
    it('a source closed between ready() and consume() leaves: consume() takes another ready message, or throws a plain ReceiverError; the Merge goes on until every source stopped', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const c = anycast<number>('c');
      const merged = new Merge(a.receiver, b.receiver, c.receiver);
      await a.sender.send(1);
      await b.sender.send(2);
      expect(await merged.ready()).toBe(true);
      a.receiver.close();
      expect(merged.consume()).toBe(2);
      await c.sender.send(3);
      expect(await merged.ready()).toBe(true);
      c.receiver.close();
      const error = thrownBy(() => merged.consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
      const loop = drain(merged);
      await b.sender.send(4);
      await b.channel.close();
      expect(await loop).toEqual([4]);
    });

    it('stop() releases every pending ready() and every parked waker', async () => {
      const a = new ProbeReceiver(anycast<number>('a').receiver);
      const b = new ProbeReceiver(anycast<number>('b').receiver);
      const merged = new Merge(a, b);
      const first = track(merged.ready());
      const second = track(merged.ready());
      await flushMicrotasks();
      // Two waits share the fan-in's one waker per source.
      expect([a.parked, b.parked]).toEqual([1, 1]);
      await merged.stop();
      await flushMicrotasks();
      expect(first.current()).toEqual({ state: 'fulfilled', value: false });
      expect(second.current()).toEqual({ state: 'fulfilled', value: false });
      expect([a.parked, b.parked]).toEqual([0, 0]);
    });

    it('stop() loses no message a source still holds, and does not close the sources', async () => {
      const a = anycast<number>('a');
      const merged = new Merge(a.receiver);
      await a.sender.send(1);
      await a.sender.send(2);
      expect(await merged.ready()).toBe(true);
      await merged.stop();
      expect(await merged.ready()).toBe(false);
      expect(thrownBy(() => merged.consume())).toBeInstanceOf(ReceiverStoppedError);
      expect(await receiveMany(a.receiver, 2)).toEqual([1, 2]);
      expect(a.channel.isClosed).toBe(false);
    });

    it('close() stops it too, and both are idempotent', async () => {
      const merged = new Merge(anycast<number>('a').receiver);
      merged.close();
      merged.close();
      await merged.stop();
      expect(await merged.ready()).toBe(false);
    });

    it('a source stopped by its closed channel is left out silently', async () => {
      const a = anycast<number>('a');
      const b = anycast<number>('b');
      const merged = new Merge(a.receiver, b.receiver);
      await a.channel.close();
      await b.sender.send(5);
      expect(await merged.receive()).toBe(5);
      await b.channel.close();
      expect(await merged.ready()).toBe(false);
      const error = thrownBy(() => merged.consume()) as ReceiverStoppedError;
      expect(error.cause).toBeUndefined();
      expect(error.receiver).toBe(merged);
    });
  });

  describe('cancellation', () => {
    it('an aborted ready() rejects with the reason, takes nothing and releases every waker', async () => {
      const a = new ProbeReceiver(anycast<number>('a').receiver);
      const merged = new Merge(a);
      const controller = new AbortController();
      const ready = track(merged.ready({ signal: controller.signal }));
      await flushMicrotasks();
      expect(a.parked).toBe(1);
      controller.abort(new Error('enough'));
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'rejected', reason: new Error('enough') });
      expect(a.parked).toBe(0);
      expect(a.consumed).toBe(0);
    });

    it('an already-aborted signal rejects at once, even with a message ready', async () => {
      const merged = new Merge(await filledReceiver('a', [1]));
      const reason = await reasonOf(merged.ready({ signal: AbortSignal.abort() }));
      expect((reason as DOMException).name).toBe('AbortError');
      expect(await merged.receive()).toBe(1);
    });
  });

  describe('receivers written outside the library', () => {
    it('merges them through their ready() and consume()', async () => {
      const a = new ListReceiver<number>();
      const b = new ListReceiver<number>();
      const merged = new Merge(a, b);
      a.push(1, 2, 3);
      b.push(10, 20, 30);
      a.end();
      b.end();
      expect(await drain(merged)).toEqual([1, 10, 2, 20, 3, 30]);
    });

    it('aborts their pending ready() when the wait is abandoned', async () => {
      const a = new ListReceiver<number>();
      const merged = new Merge(a, anycast<number>('b').receiver);
      const ready = track(merged.ready());
      await flushMicrotasks();
      expect(a.pendingReadyCalls).toBe(1);
      await merged.stop();
      await flushMicrotasks();
      expect(ready.current()).toEqual({ state: 'fulfilled', value: false });
      expect(a.pendingReadyCalls).toBe(0);
    });

    it('throws an error their ready() rejects with from consume()', async () => {
      class Failing extends Receiver<number> {
        ready(): Promise<boolean> {
          return Promise.reject(new RangeError('broken'));
        }
        consume(): number {
          return 0;
        }
      }
      const merged = new Merge(new Failing());
      expect(await reasonOf(merged.receive())).toEqual(new RangeError('broken'));
    });
  });

  describe('as a Receiver', () => {
    it('works with for await, map(), filter() and asObservable()', async () => {
      const make = async (): Promise<Merge<number>> =>
        new Merge(await filledReceiver('a', [1, 2, 3]), await filledReceiver('b', [10, 20]));
      expect(await drain(await make())).toEqual([1, 10, 2, 20, 3]);
      expect(await drain((await make()).map((value) => value * 2))).toEqual([2, 20, 4, 40, 6]);
      expect(await drain((await make()).filter((value) => value > 2))).toEqual([10, 20, 3]);
      expect(await firstValueFrom((await make()).asObservable().pipe(toArray()))).toEqual([1, 10, 2, 20, 3]);
    });
  });

  describe('Observable face', () => {
    it('emits the frames of RxJS merge() over the sources when messages arrive one at a time', () => {
      new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ hot, expectObservable }) => {
        const letters = new Broadcast<string>('letters');
        const digits = new Broadcast<string>('digits');
        const merged = new Merge(letters.newReceiver(), digits.newReceiver());
        const reference = rxMerge(letters.newReceiver(), digits.newReceiver());
        const feed = (channel: Broadcast<string>, marbles: string): void => {
          const sender = channel.newSender();
          hot(marbles).subscribe({ next: (value) => void sender.send(value), complete: () => void channel.close() });
        };
        feed(letters, '-a---b----c--|');
        feed(digits, '---1---2-----3---|');
        const expected = '-a-1-b-2--c--3---|';
        expectObservable(merged).toBe(expected);
        expectObservable(reference).toBe(expected);
      });
    });

    it('takes turns where RxJS merge() would emit the first backlog whole', async () => {
      const merged = new Merge(await filledReceiver('a', [1, 2, 3]), await filledReceiver('b', [10, 20, 30]));
      const reference = rxMerge(await filledReceiver('c', [1, 2, 3]), await filledReceiver('d', [10, 20, 30]));
      expect(await firstValueFrom(merged.pipe(toArray()))).toEqual([1, 10, 2, 20, 3, 30]);
      expect(await firstValueFrom(reference.pipe(toArray()))).toEqual([1, 2, 3, 10, 20, 30]);
    });

    it('unsubscribing releases every waker and takes nothing more', async () => {
      const a = anycast<number>('a');
      const probe = new ProbeReceiver(a.receiver);
      const seen: number[] = [];
      const subscription = new Merge(probe).subscribe((value) => seen.push(value));
      await a.sender.send(1);
      expect(seen).toEqual([1]);
      expect(probe.parked).toBe(1);
      subscription.unsubscribe();
      expect(probe.parked).toBe(0);
      await a.sender.send(2);
      expect((await settlementOf(a.receiver.receive())).state).toBe('fulfilled');
      expect(seen).toEqual([1]);
    });
  });
});
