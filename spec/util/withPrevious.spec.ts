import { Anycast, withPrevious } from 'rx-channels';
import { withPrevious as utilWithPrevious } from 'rx-channels/util';

describe('withPrevious', () => {
  it('is exported from the root and from rx-channels/util', () => {
    expect(withPrevious).toBe(utilWithPrevious);
  });

  it('passes the first message by default and compares each later one with the one before', () => {
    const calls: [number, number][] = [];
    const predicate = withPrevious((previous: number, current: number) => {
      calls.push([previous, current]);
      return current > previous;
    });
    expect([1, 3, 2, 4].map(predicate)).toEqual([true, true, false, true]);
    // The previous one is the last message seen, passing or not (as in Python's WithPrevious).
    expect(calls).toEqual([
      [1, 3],
      [3, 2],
      [2, 4],
    ]);
  });

  it('with firstIsTrue false drops the first message, which still becomes the previous one', () => {
    const predicate = withPrevious((previous: number, current: number) => current !== previous, {
      firstIsTrue: false,
    });
    expect([5, 5, 6].map(predicate)).toEqual([false, false, true]);
  });

  it('treats undefined as a message like any other', () => {
    const calls: unknown[][] = [];
    const predicate = withPrevious((previous: number | undefined, current: number | undefined) => {
      calls.push([previous, current]);
      return current !== previous;
    });
    expect([undefined, undefined, 1, undefined].map(predicate)).toEqual([true, false, true, true]);
    expect(calls[0]).toEqual([undefined, undefined]);
  });

  it('refuses a predicate that is not a function and bad options with a TypeError naming them', () => {
    expect(() => withPrevious(undefined as unknown as () => boolean)).toThrow(TypeError);
    expect(() => withPrevious('x' as unknown as () => boolean)).toThrow(/`predicate`/);
    expect(() => withPrevious(() => true, 'yes' as unknown as object)).toThrow(/`options`/);
    expect(() => withPrevious(() => true, { firstIsTrue: 1 as unknown as boolean })).toThrow(/`firstIsTrue`/);
  });

  it('with receiver.filter() drops consecutive duplicates', async () => {
    const channel = new Anycast<number>({ name: 'readings' });
    const changes = channel.newReceiver().filter(withPrevious((a: number, b: number) => b !== a));
    const sender = channel.newSender();
    for (const reading of [1, 1, 2, 2, 2, 1, 3, 3]) {
      await sender.send(reading);
    }
    await channel.close();
    const seen: number[] = [];
    for await (const value of changes) {
      seen.push(value);
    }
    expect(seen).toEqual([1, 2, 1, 3]);
  });

  it('a predicate that throws makes the filter’s receive() reject with that error; the next messages go on', async () => {
    const channel = new Anycast<number>({ name: 'readings' });
    const boom = new Error('boom');
    const filtered = channel.newReceiver().filter(
      withPrevious((previous: number, current: number) => {
        if (current === 2) {
          throw boom;
        }
        return current !== previous;
      }),
    );
    const sender = channel.newSender();
    for (const reading of [1, 2, 2, 3]) {
      await sender.send(reading);
    }
    await channel.close();
    expect(await filtered.receive()).toBe(1);
    await expect(filtered.receive()).rejects.toBe(boom);
    await expect(filtered.receive()).rejects.toBe(boom);
    // 2 was remembered before the predicate threw, so 3 is compared with 2.
    expect(await filtered.receive()).toBe(3);
    expect(await filtered.ready()).toBe(false);
  });

  it('each call makes its own state', () => {
    const make = () => withPrevious((a: number, b: number) => b !== a);
    const first = make();
    const second = make();
    expect(first(1)).toBe(true);
    expect(second(1)).toBe(true);
    expect(first(1)).toBe(false);
  });
});
