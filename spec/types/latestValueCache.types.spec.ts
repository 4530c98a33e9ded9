/**
 * Type-level tests of LatestValueCache and GroupingLatestValueCache: checked by the type checker
 * (ts-jest type-checks this file, and so does `npm run typecheck`); a `@ts-expect-error` line
 * fails the check when its line is not an error.
 */
import { expectTypeOf } from 'expect-type';
import {
  Broadcast,
  GroupingLatestValueCache,
  LatestValueCache,
  type LatestValueCacheOptions,
  type Peekable,
  type Receiver,
} from 'rx-channels';

interface Reading {
  readonly id: string;
  readonly value: number;
}

declare const readings: Receiver<Reading>;

/** Type-level only: never called. */
function latestValueCacheTypes(): void {
  const cache = new LatestValueCache(readings);
  expectTypeOf(cache).toEqualTypeOf<LatestValueCache<Reading>>();
  expectTypeOf(cache.get()).toEqualTypeOf<Reading>();
  expectTypeOf(cache.peek()).toEqualTypeOf<Reading | undefined>();
  expectTypeOf(cache.hasValue()).toEqualTypeOf<boolean>();
  expectTypeOf(cache.stop()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(cache.uniqueId).toEqualTypeOf<string>();
  expectTypeOf(cache).toMatchTypeOf<Peekable<Reading>>();
  expectTypeOf(cache).toMatchTypeOf<AsyncDisposable>();
  expectTypeOf<LatestValueCacheOptions>().toEqualTypeOf<{ readonly uniqueId?: string | undefined }>();
  // @ts-expect-error uniqueId is a string
  void new LatestValueCache(readings, { uniqueId: 1 });
  // @ts-expect-error the messages are Readings
  void new LatestValueCache<number>(readings);
}

/** Type-level only: never called. */
function groupingTypes(): void {
  const byId = new GroupingLatestValueCache(readings, (reading) => reading.id);
  // T from the receiver, K from the key function.
  expectTypeOf(byId).toEqualTypeOf<GroupingLatestValueCache<Reading, string>>();
  expectTypeOf(byId).toMatchTypeOf<ReadonlyMap<string, Reading>>();
  const asMap: ReadonlyMap<string, Reading> = byId;
  void asMap;
  expectTypeOf(byId.get('a')).toEqualTypeOf<Reading | undefined>();
  expectTypeOf([...byId]).toEqualTypeOf<[string, Reading][]>();
  expectTypeOf([...byId.keys()]).toEqualTypeOf<string[]>();
  expectTypeOf([...byId.values()]).toEqualTypeOf<Reading[]>();
  expectTypeOf(byId).toMatchTypeOf<AsyncDisposable>();
  const byValue = new GroupingLatestValueCache(readings, (reading) => reading.value);
  // @ts-expect-error the keys are numbers
  const wrongKeys: ReadonlyMap<string, Reading> = byValue;
  void wrongKeys;
  // A ReadonlyMap: no set().
  expectTypeOf(byId).not.toHaveProperty('set');
  // @ts-expect-error the key function takes a Reading
  void new GroupingLatestValueCache(readings, (reading: string) => reading);
}

describe('LatestValueCache types', () => {
  it('a GroupingLatestValueCache is used where a ReadonlyMap is expected', async () => {
    const channel = new Broadcast<Reading>('readings');
    const cache = new GroupingLatestValueCache(channel.newReceiver(), (reading) => reading.id);
    await channel.newSender().send({ id: 'a', value: 1 });
    const sizeOf = (map: ReadonlyMap<string, Reading>): number => map.size;
    expect(sizeOf(cache)).toBe(1);
    await cache.stop();
    expect([latestValueCacheTypes, groupingTypes]).toHaveLength(2);
  });
});
