import { Anycast, Broadcast, GroupingLatestValueCache, type Receiver } from 'rx-channels';
import { GroupingLatestValueCache as UtilGroupingLatestValueCache } from 'rx-channels/util';
import { flushMicrotasks } from '../helpers/async';
import { canCollect, collectUntil } from '../helpers/gc';
import { captureWarnings } from '../helpers/logger';

interface Reading {
  readonly id: string;
  readonly value: number;
}

const byId = (reading: Reading): string => reading.id;

/** A channel of readings, a cache grouping them by id, and a sender. */
function readings(uniqueId?: string) {
  const channel = new Broadcast<Reading>('readings');
  const receiver = channel.newReceiver();
  const cache = new GroupingLatestValueCache(receiver, byId, uniqueId === undefined ? {} : { uniqueId });
  return { channel, receiver, cache, sender: channel.newSender() };
}

describe('GroupingLatestValueCache', () => {
  let capture: ReturnType<typeof captureWarnings>;
  beforeEach(() => {
    capture = captureWarnings();
  });
  afterEach(() => {
    capture.restore();
  });

  it('is exported from the root and from rx-channels/util', () => {
    expect(GroupingLatestValueCache).toBe(UtilGroupingLatestValueCache);
  });

  describe('constructor', () => {
    it('takes a uniqueId, used in toString(), and names caches without one', async () => {
      const named = readings('by-id').cache;
      expect(String(named)).toBe('GroupingLatestValueCache:by-id');
      const first = readings().cache;
      const second = readings().cache;
      expect(first.uniqueId).toMatch(/^cache-\d+$/);
      expect(second.uniqueId).not.toBe(first.uniqueId);
      await Promise.all([named.stop(), first.stop(), second.stop()]);
    });

    it('refuses a key that is not a function, a receiver that is not one, and bad options', () => {
      const receiver = new Anycast<Reading>().newReceiver();
      expect(() => new GroupingLatestValueCache(receiver, 'id' as unknown as typeof byId)).toThrow(/`key`/);
      expect(() => new GroupingLatestValueCache(null as unknown as Receiver<Reading>, byId)).toThrow(/`receiver`/);
      expect(() => new GroupingLatestValueCache(receiver, byId, 3 as unknown as object)).toThrow(/`options`/);
      expect(() => new GroupingLatestValueCache(receiver, byId, { uniqueId: {} as string })).toThrow(/`uniqueId`/);
    });
  });

  describe('as a ReadonlyMap', () => {
    it('is empty before any message', async () => {
      const { cache } = readings();
      expect(cache.size).toBe(0);
      expect(cache.get('a')).toBeUndefined();
      expect(cache.has('a')).toBe(false);
      expect([...cache]).toEqual([]);
      await cache.stop();
    });

    it('holds the latest message per key, in the order each key first appeared, as a Map does', async () => {
      const { cache, sender } = readings();
      const expected = new Map<string, Reading>();
      const sent: Reading[] = [
        { id: 'b', value: 1 },
        { id: 'a', value: 2 },
        { id: 'b', value: 3 },
        { id: 'c', value: 4 },
        { id: 'a', value: 5 },
      ];
      for (const reading of sent) {
        await sender.send(reading);
        expected.set(reading.id, reading);
      }
      expect(cache.size).toBe(3);
      expect(cache.get('a')).toEqual({ id: 'a', value: 5 });
      expect(cache.get('b')).toBe(expected.get('b'));
      expect([cache.has('c'), cache.has('d')]).toEqual([true, false]);
      expect([...cache.keys()]).toEqual(['b', 'a', 'c']);
      expect([...cache.values()]).toEqual([...expected.values()]);
      expect([...cache.entries()]).toEqual([...expected.entries()]);
      expect([...cache]).toEqual([...expected]);
      expect(new Map(cache)).toEqual(expected);
      await cache.stop();
    });

    it('forEach() passes (message, key, the cache) and thisArg', async () => {
      const { cache, sender } = readings();
      await sender.send({ id: 'x', value: 1 });
      await sender.send({ id: 'y', value: 2 });
      const calls: unknown[] = [];
      const context = { name: 'context' };
      cache.forEach(function (this: unknown, value, key, map) {
        calls.push([value.value, key, map === cache, this]);
      }, context);
      expect(calls).toEqual([
        [1, 'x', true, context],
        [2, 'y', true, context],
      ]);
      await cache.stop();
    });

    it('compares keys as a Map does: objects by identity, NaN equal to NaN', async () => {
      const channel = new Anycast<{ key: unknown; n: number }>();
      const cache = new GroupingLatestValueCache(channel.newReceiver(), (message) => message.key);
      const sender = channel.newSender();
      const objectKey = {};
      await sender.send({ key: NaN, n: 1 });
      await sender.send({ key: NaN, n: 2 });
      await sender.send({ key: objectKey, n: 3 });
      await sender.send({ key: {}, n: 4 });
      expect(cache.size).toBe(3);
      expect(cache.get(NaN)?.n).toBe(2);
      expect(cache.get(objectKey)?.n).toBe(3);
      await cache.stop();
    });

    it('delete() and clear() forget entries; a later message brings its key back, at the end', async () => {
      const { cache, sender } = readings();
      await sender.send({ id: 'a', value: 1 });
      await sender.send({ id: 'b', value: 2 });
      expect(cache.delete('a')).toBe(true);
      expect(cache.delete('a')).toBe(false);
      await sender.send({ id: 'a', value: 3 });
      expect([...cache.keys()]).toEqual(['b', 'a']);
      cache.clear();
      expect(cache.size).toBe(0);
      await sender.send({ id: 'c', value: 4 });
      expect([...cache.keys()]).toEqual(['c']);
      await cache.stop();
    });
  });

  describe('consuming', () => {
    it('Broadcast: many sends in one tick; after a macrotask each key holds its last, and nothing was dropped', async () => {
      const channel = new Broadcast<Reading>('b');
      const receiver = channel.newReceiver({ maxsize: 1 });
      const cache = new GroupingLatestValueCache(receiver, byId);
      const sender = channel.newSender();
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 99; i++) {
        sends.push(sender.send({ id: `k${i % 3}`, value: i }));
      }
      await flushMicrotasks();
      expect([...cache.values()].map((reading) => reading.value)).toEqual([96, 97, 98]);
      expect(receiver.dropped).toBe(0);
      await Promise.all(sends);
      await cache.stop();
    });

    it('Anycast: takes every message, so senders never wait on a full buffer', async () => {
      const channel = new Anycast<Reading>({ maxsize: 1 });
      const cache = new GroupingLatestValueCache(channel.newReceiver(), byId);
      const sender = channel.newSender();
      for (let i = 0; i < 10; i++) {
        await sender.send({ id: i % 2 === 0 ? 'even' : 'odd', value: i });
      }
      expect(cache.get('even')?.value).toBe(8);
      expect(cache.get('odd')?.value).toBe(9);
      await cache.stop();
    });

    it('keeps its entries and stays readable when the receiver stops by itself', async () => {
      const { cache, channel, sender } = readings();
      await sender.send({ id: 'a', value: 1 });
      await channel.close();
      await flushMicrotasks();
      expect(cache.get('a')?.value).toBe(1);
      expect(cache.size).toBe(1);
      await cache.stop();
    });
  });

  describe('a key function that throws', () => {
    it('skips that message with a warning naming the cache, keeps the entries and goes on', async () => {
      const channel = new Broadcast<Reading>('b');
      const cache = new GroupingLatestValueCache(
        channel.newReceiver(),
        (reading) => {
          if (reading.value < 0) {
            throw new RangeError('negative reading');
          }
          return reading.id;
        },
        { uniqueId: 'g' },
      );
      const sender = channel.newSender();
      await sender.send({ id: 'a', value: 1 });
      await expect(sender.send({ id: 'a', value: -1 })).resolves.toBeUndefined();
      expect(cache.get('a')?.value).toBe(1);
      await sender.send({ id: 'b', value: 2 });
      expect([...cache.keys()]).toEqual(['a', 'b']);
      expect(capture.warnings).toEqual(['GroupingLatestValueCache:g skipped a message: RangeError: negative reading']);
      await cache.stop();
    });
  });

  describe('stop()', () => {
    it('closes the receiver and empties the cache for good; idempotent', async () => {
      const { cache, receiver, sender } = readings();
      const close = jest.spyOn(receiver, 'close');
      await sender.send({ id: 'a', value: 1 });
      await cache.stop();
      await cache.stop();
      expect(close).toHaveBeenCalledTimes(1);
      expect(await receiver.ready()).toBe(false);
      expect(cache.size).toBe(0);
      await sender.send({ id: 'b', value: 2 });
      expect(cache.size).toBe(0);
    });

    it('called from the key function: that message is not stored', async () => {
      const channel = new Broadcast<Reading>('b');
      const holder: { cache?: GroupingLatestValueCache<Reading, string> } = {};
      const cache = new GroupingLatestValueCache(channel.newReceiver(), (reading) => {
        if (reading.value === 2) {
          void holder.cache?.stop();
        }
        return reading.id;
      });
      holder.cache = cache;
      const sender = channel.newSender();
      await sender.send({ id: 'a', value: 1 });
      await sender.send({ id: 'b', value: 2 });
      expect(cache.size).toBe(0);
      expect(capture.warnings).toEqual([]);
    });

    it('while waiting on an Anycast: its other receivers get every later message', async () => {
      const channel = new Anycast<Reading>({ maxsize: 2 });
      const cache = new GroupingLatestValueCache(channel.newReceiver(), byId);
      const other = channel.newReceiver();
      await cache.stop();
      const sender = channel.newSender();
      await sender.send({ id: 'a', value: 1 });
      expect(await other.receive()).toEqual({ id: 'a', value: 1 });
    });
  });

  it('await using stops the cache when the scope ends', async () => {
    const channel = new Broadcast<Reading>('b');
    const receiver = channel.newReceiver();
    let seen: GroupingLatestValueCache<Reading, string>;
    {
      await using cache = new GroupingLatestValueCache(receiver, byId);
      seen = cache;
      await channel.newSender().send({ id: 'a', value: 1 });
      expect(cache.has('a')).toBe(true);
    }
    expect(seen.size).toBe(0);
    expect(await receiver.ready()).toBe(false);
  });
});

describe('GroupingLatestValueCache: attacks', () => {
  it('sends from inside its key function: every one is grouped, the latest per key kept', async () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const sender = channel.newSender();
    const cache = new GroupingLatestValueCache(channel.newReceiver(), (n) => {
      if (n < 6) expect(sender.trySend(n + 1)).toBe(true);
      return n % 2 === 0 ? 'even' : 'odd';
    });
    await sender.send(1);
    expect([...cache.entries()]).toEqual([
      ['odd', 5],
      ['even', 6],
    ]);
    await cache.stop();
  });

  it('a key function that stops the cache in the middle of a Broadcast delivery leaves it empty, and later sends change nothing', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    const other = channel.newReceiver();
    // The key function stops the cache it belongs to.
    const cache: GroupingLatestValueCache<number, number> = new GroupingLatestValueCache(channel.newReceiver(), (n) => {
      if (n === 2) void cache.stop();
      return n;
    });
    await sender.send(1);
    await sender.send(2);
    await sender.send(3);
    expect(cache.size).toBe(0);
    expect(await other.receiveMany(10)).toEqual([1, 2, 3]);
  });

  (canCollect ? it : it.skip)('a stopped cache can be collected while its channel lives on', async () => {
    const channel = new Broadcast<number>('b');
    const sender = channel.newSender();
    let collected = false;
    const registry = new FinalizationRegistry<string>(() => {
      collected = true;
    });
    await (async () => {
      const cache = new GroupingLatestValueCache(channel.newReceiver(), (n) => n % 3);
      registry.register(cache, 'cache');
      await sender.send(1);
      expect(cache.get(1)).toBe(1);
      await cache.stop();
    })();
    await sender.send(2);
    expect(await collectUntil(() => collected)).toBe(true);
  });
});
