/**
 * Type-level tests of tryReceive(), receiveMany(), trySend(), Anycast's size and receiverCount,
 * and fromObservable()'s ObservableReceiver: checked by the type checker (ts-jest type-checks this
 * file, and so does `npm run typecheck`); a `@ts-expect-error` line fails the check when its line
 * is not an error.
 */
import { expectTypeOf } from 'expect-type';
import { of } from 'rxjs';
import {
  Anycast,
  Bidirectional,
  fromObservable,
  type ObservableReceiver,
  type Receiver,
  type Sender,
  type TryReceiveResult,
} from 'rx-channels';

declare const numbers: Receiver<number>;
declare const maybe: Receiver<string | undefined>;

/** Type-level only: never called. */
function tryReceiveNarrowing(): void {
  const result = numbers.tryReceive();
  expectTypeOf(result).toEqualTypeOf<TryReceiveResult<number>>();
  // @ts-expect-error the message exists only once `ok` is checked
  void result.message;
  // @ts-expect-error so does `stopped`
  void result.stopped;
  if (result.ok) {
    expectTypeOf(result.message).toEqualTypeOf<number>();
  } else if (result.stopped) {
    expectTypeOf(result.stopped).toEqualTypeOf<true>();
  } else {
    expectTypeOf(result.stopped).toEqualTypeOf<false>();
  }
  const optional = maybe.tryReceive();
  if (optional.ok) {
    // An undefined message is a message: `ok` tells it from "nothing ready".
    expectTypeOf(optional.message).toEqualTypeOf<string | undefined>();
  }
}

/** Type-level only: never called. */
function batchAndSendTypes(): void {
  expectTypeOf(numbers.receiveMany(10)).toEqualTypeOf<Promise<number[]>>();
  expectTypeOf(numbers.receiveMany(Infinity, { signal: AbortSignal.timeout(10) })).toEqualTypeOf<Promise<number[]>>();
  // @ts-expect-error max is required
  void numbers.receiveMany();
  const sender: Sender<number> = new Anycast<number>().newSender();
  expectTypeOf(sender.trySend(1)).toEqualTypeOf<boolean>();
  // @ts-expect-error the message type is checked
  sender.trySend('1');
  const handle = new Bidirectional<string, number>('client', 'service').clientHandle;
  expectTypeOf(handle.trySend).parameter(0).toEqualTypeOf<string>();
  expectTypeOf(handle.tryReceive()).toEqualTypeOf<TryReceiveResult<number>>();
}

/** Type-level only: never called. */
function countTypes(): void {
  const channel = new Anycast<number>();
  expectTypeOf(channel.size).toEqualTypeOf<number>();
  expectTypeOf(channel.receiverCount).toEqualTypeOf<number>();
  // @ts-expect-error read-only
  channel.size = 1;
  const receiver = fromObservable(of(1));
  expectTypeOf(receiver).toEqualTypeOf<ObservableReceiver<number>>();
  expectTypeOf(receiver).toMatchTypeOf<Receiver<number>>();
  expectTypeOf(receiver.size).toEqualTypeOf<number>();
  expectTypeOf(receiver.dropped).toEqualTypeOf<number>();
  // @ts-expect-error read-only
  receiver.dropped = 0;
}

describe('newcomer API types', () => {
  it('narrows a TryReceiveResult at run time as at compile time', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    await channel.newSender().send(41);
    const result = receiver.tryReceive();
    expect(result.ok ? result.message + 1 : 0).toBe(42);
    expect([tryReceiveNarrowing, batchAndSendTypes, countTypes]).toHaveLength(3);
  });
});
