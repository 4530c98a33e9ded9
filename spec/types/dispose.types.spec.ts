/**
 * Type-level tests of `using` / `await using` and of forEachConcurrent(): checked by the type
 * checker (ts-jest type-checks this file, and so does `npm run typecheck`). The same program runs
 * against the built declarations under other `lib` settings in `npm run typecheck:consumer`.
 */
import { expectTypeOf } from 'expect-type';
import {
  Anycast,
  Bidirectional,
  Broadcast,
  Event,
  forEachConcurrent,
  Merge,
  MergeNamed,
  Select,
  Timer,
  type JobContext,
  type Receiver,
} from 'rx-channels';

declare const numbers: Receiver<number>;
declare const words: Receiver<string>;

/** Type-level only: never called. */
async function disposables(): Promise<void> {
  expectTypeOf(numbers).toMatchTypeOf<Disposable>();
  expectTypeOf(new Timer(1)).toMatchTypeOf<Disposable>();
  expectTypeOf(new Event()).toMatchTypeOf<Disposable>();
  expectTypeOf(new Merge(numbers)).toMatchTypeOf<Disposable & AsyncDisposable>();
  expectTypeOf(new MergeNamed({ numbers })).toMatchTypeOf<Disposable & AsyncDisposable>();
  expectTypeOf(new Select({ numbers })).toMatchTypeOf<Disposable & AsyncDisposable>();
  expectTypeOf(new Anycast<number>()).toMatchTypeOf<AsyncDisposable>();
  expectTypeOf(new Broadcast<number>('b')).toMatchTypeOf<AsyncDisposable>();
  expectTypeOf(new Bidirectional<number, string>('c', 's')).toMatchTypeOf<AsyncDisposable>();
  // A channel's close() is asynchronous: `using` (synchronous) is refused.
  expectTypeOf(new Anycast<number>()).not.toMatchTypeOf<Disposable>();
  using receiver = new Anycast<number>().newReceiver();
  await using channel = new Broadcast<string>('b');
  expectTypeOf(receiver[Symbol.dispose]).returns.toEqualTypeOf<void>();
  expectTypeOf(channel[Symbol.asyncDispose]).returns.toEqualTypeOf<Promise<void>>();
}

/** Type-level only: never called. */
async function pool(): Promise<void> {
  await forEachConcurrent(numbers, (message, context) => {
    expectTypeOf(message).toEqualTypeOf<number>();
    expectTypeOf(context).toEqualTypeOf<JobContext>();
    expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
  });
  // Any return: a promise of anything, or a plain value.
  await forEachConcurrent(words, async (word) => word.length, { concurrency: Infinity });
  expectTypeOf(forEachConcurrent(words, () => 1)).toEqualTypeOf<Promise<void>>();
  // @ts-expect-error the handler's message type is the receiver's
  await forEachConcurrent(words, (message: number) => message);
}

describe('dispose and forEachConcurrent types', () => {
  it('are checked by the compiler', () => {
    expect([disposables, pool]).toHaveLength(2);
  });
});
