/**
 * The return types of close() and stop(), which follow one rule: a receiver's close() is void;
 * a channel's close() and the stop() of Merge, MergeNamed, Select and FileWatcher (async in the
 * Python original) return Promise<void>; Timer's and Event's stop() are void, as in the original.
 * Every one of them takes effect before it returns (the lib specs check that).
 */
import { expectTypeOf } from 'expect-type';
import {
  Anycast,
  Bidirectional,
  Broadcast,
  type Event,
  type Merge,
  MergeNamed,
  Select,
  type Timer,
  type BidirectionalHandle,
  type BroadcastReceiver,
  type Receiver,
} from 'rx-channels';
import type { FileWatcher } from 'rx-channels/file-watcher';

function closingTypes(receiver: Receiver<number>, handle: BidirectionalHandle<number, string>): void {
  expectTypeOf(new Anycast<number>().close()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(new Broadcast<number>('b').close()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(new Bidirectional<number, string>('c', 's').close()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(receiver.close()).toEqualTypeOf<void>();
  expectTypeOf(handle.close()).toEqualTypeOf<void>();
  expectTypeOf<BroadcastReceiver<number>['close']>().returns.toEqualTypeOf<void>();
  expectTypeOf<Merge<number>['close']>().returns.toEqualTypeOf<void>();
  expectTypeOf<Merge<number>['stop']>().returns.toEqualTypeOf<Promise<void>>();
  expectTypeOf(new MergeNamed({ receiver }).stop()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(new Select({ receiver }).stop()).toEqualTypeOf<Promise<void>>();
  expectTypeOf<FileWatcher['stop']>().returns.toEqualTypeOf<Promise<void>>();
  expectTypeOf<FileWatcher['close']>().returns.toEqualTypeOf<void>();
  expectTypeOf<Timer['stop']>().returns.toEqualTypeOf<void>();
  expectTypeOf<Timer['close']>().returns.toEqualTypeOf<void>();
  expectTypeOf<Event['stop']>().returns.toEqualTypeOf<void>();
  expectTypeOf<Event['close']>().returns.toEqualTypeOf<void>();
}

describe('close() and stop() types', () => {
  it('are checked by the type checker', () => {
    expect(closingTypes).toBeInstanceOf(Function);
  });
});
