import type { Receiver } from 'rx-channels';
import { Anycast, Merge, MergeNamed, ReceiverStoppedError } from 'rx-channels';
import { firstValueFrom, toArray } from 'rxjs';
import { flushMicrotasks, reasonOf, thrownBy, track } from '../helpers/async';
import { ProbeReceiver } from '../helpers/probe';
import { drain, receiveMany } from '../helpers/receivers';

function anycast<T>(name: string) {
  const channel = new Anycast<T>({ name });
  return { channel, sender: channel.newSender(), receiver: channel.newReceiver() };
}

describe('MergeNamed', () => {
  describe('constructor', () => {
    it('throws a TypeError when `receivers` is not an object', () => {
      expect(() => new MergeNamed(null as unknown as Record<string, Receiver<number>>)).toThrow(
        'Expected `receivers` to be an object of receivers by name, got null',
      );
      expect(() => new MergeNamed(3 as unknown as Record<string, Receiver<number>>)).toThrow(TypeError);
    });

    it('throws a TypeError when there is no receiver', () => {
      expect(() => new MergeNamed({})).toThrow('Expected `MergeNamed` to be given at least one receiver');
    });

    it('throws a TypeError naming a value that is not a receiver', () => {
      const receivers = { a: anycast<number>('a').receiver, b: 'nope' as unknown as Receiver<number> };
      expect(() => new MergeNamed(receivers)).toThrow('Expected `receivers.b` to be a Receiver, got string');
    });

    it('has a readable toString()', () => {
      expect(String(new MergeNamed({ a: anycast('a').receiver, b: anycast('b').receiver }))).toBe('MergeNamed:a,b');
    });
  });

  it('tags every message with its receiver name, each receiver order kept', async () => {
    const numbers = anycast<number>('numbers');
    const words = anycast<string>('words');
    const merged = new MergeNamed({ numbers: numbers.receiver, words: words.receiver });
    const received = track(receiveMany(merged, 3));
    await words.sender.send('x');
    await numbers.sender.send(1);
    await numbers.sender.send(2);
    await flushMicrotasks();
    expect(received.current()).toEqual({
      state: 'fulfilled',
      value: [
        ['words', 'x'],
        ['numbers', 1],
        ['numbers', 2],
      ],
    });
  });

  it('is a Merge: round-robin, stops when every receiver has stopped', async () => {
    const a = anycast<number>('a');
    const b = anycast<number>('b');
    for (const value of [1, 2]) {
      await a.sender.send(value);
      await b.sender.send(value * 10);
    }
    await a.channel.close();
    await b.channel.close();
    const merged = new MergeNamed({ a: a.receiver, b: b.receiver });
    expect(merged).toBeInstanceOf(Merge);
    expect(await drain(merged)).toEqual([
      ['a', 1],
      ['b', 10],
      ['a', 2],
      ['b', 20],
    ]);
    expect(thrownBy(() => merged.consume())).toBeInstanceOf(ReceiverStoppedError);
  });

  it('leaves each message in its receiver until consume()', async () => {
    const a = anycast<number>('a');
    const merged = new MergeNamed({ a: a.receiver });
    await a.sender.send(1);
    await a.sender.send(2);
    expect(await merged.ready()).toBe(true);
    await merged.stop();
    expect(await receiveMany(a.receiver, 2)).toEqual([1, 2]);
  });

  it('stop() releases every pending ready() and every parked waker', async () => {
    const a = new ProbeReceiver(anycast<number>('a').receiver);
    const b = new ProbeReceiver(anycast<string>('b').receiver);
    const merged = new MergeNamed({ a, b });
    const ready = track(merged.ready());
    await flushMicrotasks();
    expect([a.parked, b.parked]).toEqual([1, 1]);
    await merged.stop();
    await flushMicrotasks();
    expect(ready.current()).toEqual({ state: 'fulfilled', value: false });
    expect([a.parked, b.parked]).toEqual([0, 0]);
  });

  it("throws a receiver's error from consume() as it was thrown", async () => {
    const a = anycast<number>('a');
    const failing = a.receiver.map((): number => {
      throw new RangeError('bad');
    });
    const merged = new MergeNamed({ a: failing });
    await a.sender.send(1);
    expect(await reasonOf(merged.receive())).toEqual(new RangeError('bad'));
  });

  it('works with for await, map(), filter() and asObservable()', async () => {
    const make = async (): Promise<MergeNamed<{ a: Receiver<number>; b: Receiver<string> }>> => {
      const a = anycast<number>('a');
      const b = anycast<string>('b');
      await a.sender.send(1);
      await b.sender.send('x');
      await a.channel.close();
      await b.channel.close();
      return new MergeNamed({ a: a.receiver, b: b.receiver });
    };
    const names: string[] = [];
    for await (const [name] of await make()) {
      names.push(name);
    }
    expect(names).toEqual(['a', 'b']);
    expect(await drain((await make()).map(([name, message]) => `${name}=${String(message)}`))).toEqual(['a=1', 'b=x']);
    expect(await drain((await make()).filter(([name]) => name === 'b'))).toEqual([['b', 'x']]);
    expect(await firstValueFrom((await make()).asObservable().pipe(toArray()))).toEqual([
      ['a', 1],
      ['b', 'x'],
    ]);
  });
});
