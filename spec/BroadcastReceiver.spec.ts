import { Broadcast, BroadcastReceiver } from 'rx-channels';
import { captureWarnings } from './helpers/logger';

describe('BroadcastReceiver', () => {
  it('size counts the buffered messages, dropped the overflowed ones', async () => {
    const channel = new Broadcast<number>('sizes');
    const receiver = channel.newReceiver({ maxsize: 2, warnOnOverflow: false });
    expect([receiver.size, receiver.dropped]).toEqual([0, 0]);
    const sender = channel.newSender();
    for (const n of [1, 2, 3]) await sender.send(n);
    expect([receiver.size, receiver.dropped]).toEqual([2, 1]);
    expect(await receiver.receive()).toBe(2);
    expect([receiver.size, receiver.dropped]).toEqual([1, 1]);
  });

  it('warns once per overflow episode by default, naming itself', async () => {
    const capture = captureWarnings();
    try {
      const channel = new Broadcast<number>('loud');
      channel.newReceiver({ name: 'r', maxsize: 1 });
      const sender = channel.newSender();
      for (const n of [1, 2, 3]) await sender.send(n);
      expect(capture.warnings).toEqual(['BroadcastReceiver:r: buffer full (maxsize 1), dropping the oldest messages']);
    } finally {
      capture.restore();
    }
  });

  it('cannot be constructed directly: a TypeError points to newReceiver()', () => {
    const Constructor = BroadcastReceiver as unknown as new (...args: unknown[]) => unknown;
    expect(() => new Constructor({}, {})).toThrow(
      new TypeError('BroadcastReceiver cannot be constructed directly: use broadcast.newReceiver()'),
    );
    // A failed direct call does not open the door for the next one.
    expect(() => new Constructor({}, {})).toThrow(TypeError);
    expect(new Broadcast<number>('ok').newReceiver()).toBeInstanceOf(BroadcastReceiver);
  });

  it('refuses odd maxsize values', () => {
    const channel = new Broadcast<number>('odd');
    for (const maxsize of [0, -1, 1.5, Infinity, Number.NaN]) {
      expect(() => channel.newReceiver({ maxsize })).toThrow(RangeError);
    }
  });

  it('is named after its channel and creation order by default', () => {
    const channel = new Broadcast<number>('named');
    expect(String(channel.newReceiver())).toBe('BroadcastReceiver:named-1');
    expect(String(channel.newReceiver())).toBe('BroadcastReceiver:named-2');
  });
});
