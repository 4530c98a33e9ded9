import { Anycast, Broadcast, ReceiverStoppedError } from 'rx-channels';
import { reasonOf } from './helpers/async';

describe('MappedReceiver (receiver.map())', () => {
  it('maps every message, fn running in consume()', async () => {
    const channel = new Anycast<number>();
    const fn = jest.fn((n: number) => n * 2);
    const mapped = channel.newReceiver().map(fn);
    await channel.newSender().send(2);
    expect(await mapped.ready()).toBe(true);
    expect(fn).not.toHaveBeenCalled();
    expect(mapped.consume()).toBe(4);
  });

  it('an error fn throws is thrown from consume(), and the receiver goes on', async () => {
    const channel = new Anycast<number>();
    const sender = channel.newSender();
    await sender.send(0);
    await sender.send(1);
    const mapped = channel.newReceiver().map((n) => {
      if (n === 0) throw new RangeError('zero');
      return n;
    });
    expect(await reasonOf(mapped.receive())).toEqual(new RangeError('zero'));
    expect(await mapped.receive()).toBe(1);
  });

  it('close() closes the wrapped receiver, and a message it reserved goes back', async () => {
    const channel = new Anycast<number>();
    await channel.newSender().send(1);
    const mapped = channel.newReceiver().map(String);
    expect(await mapped.ready()).toBe(true);
    mapped.close();
    expect(await mapped.ready()).toBe(false);
    expect(await channel.newReceiver().receive()).toBe(1);
  });

  it('stops with the wrapped receiver, with its stop error', async () => {
    const channel = new Anycast<number>();
    const mapped = channel.newReceiver().map(String);
    await channel.close();
    expect(await mapped.ready()).toBe(false);
    expect(() => mapped.consume()).toThrow(ReceiverStoppedError);
  });

  it('names itself after the wrapped receiver', () => {
    const channel = new Broadcast<number>('numbers');
    expect(String(channel.newReceiver({ name: 'r' }).map(String))).toBe('Map:BroadcastReceiver:r');
  });

  it('nests, and its Observable face emits the mapped messages', async () => {
    const channel = new Anycast<number>();
    const seen: string[] = [];
    channel
      .newReceiver()
      .map((n) => n + 1)
      .map(String)
      .subscribe((text) => seen.push(text));
    await channel.newSender().send(1);
    expect(seen).toEqual(['2']);
  });

  it('refuses a fn that is not a function', () => {
    expect(() => new Anycast<number>().newReceiver().map(3 as never)).toThrow(TypeError);
  });
});
