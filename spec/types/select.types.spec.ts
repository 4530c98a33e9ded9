/**
 * Type-level tests of Merge, MergeNamed, Select, select() and selectedFrom(): the assertions are
 * checked by the type checker (ts-jest type-checks this file, and so does `npm run typecheck`);
 * a `@ts-expect-error` line fails the check when its line is not an error.
 */
import { expectTypeOf } from 'expect-type';
import type { ReceiverStoppedError, Selected, SelectedFailure, SelectedMessage, SelectedStop } from 'rx-channels';
import {
  Anycast,
  Merge,
  merge,
  MergeNamed,
  Select,
  select,
  selectedFrom,
  type MessageOf,
  type NamedMessage,
  type Receiver,
} from 'rx-channels';

declare const numbers: Receiver<number>;
declare const moreNumbers: Receiver<number>;
declare const words: Receiver<string>;

/** Type-level only: never called. */
async function selectNarrowing(): Promise<void> {
  for await (const selected of select(numbers, words)) {
    expectTypeOf(selected).toEqualTypeOf<Selected<number | string>>();
    // @ts-expect-error an item not narrowed may be a stop or a failure: it has no message
    void selected.message;
    if (selectedFrom(selected, numbers)) {
      // @ts-expect-error matched, but still maybe a stop or a failure
      void selected.message;
      if (selected.wasStopped) {
        expectTypeOf(selected.exception).toEqualTypeOf<ReceiverStoppedError>();
        expectTypeOf(selected.inner).toEqualTypeOf<undefined>();
        // @ts-expect-error a stop has no message
        void selected.message;
      } else if (selected.exception !== undefined) {
        // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- any thrown value but undefined
        expectTypeOf(selected.exception).toEqualTypeOf<{} | null>();
        // @ts-expect-error a failure has no message
        void selected.message;
      } else {
        expectTypeOf(selected.message).toEqualTypeOf<number>();
        expectTypeOf(selected.inner).toEqualTypeOf<number>();
      }
    } else if (selectedFrom(selected, words)) {
      if (!selected.wasStopped && selected.exception === undefined) {
        expectTypeOf(selected.message).toEqualTypeOf<string>();
      }
    } else {
      expectTypeOf(selected).toEqualTypeOf<Selected<number | string>>();
    }
  }
}

/** The checks may come first, then the chain: the narrowing is the same. */
async function checksFirst(): Promise<void> {
  for await (const selected of select(numbers, words)) {
    if (selected.wasStopped || selected.exception !== undefined) {
      expectTypeOf(selected).toEqualTypeOf<SelectedStop<number | string> | SelectedFailure<number | string>>();
    } else if (selectedFrom(selected, numbers)) {
      expectTypeOf(selected.message).toEqualTypeOf<number>();
    } else if (selectedFrom(selected, words)) {
      expectTypeOf(selected.message).toEqualTypeOf<string>();
    } else {
      expectTypeOf(selected).toEqualTypeOf<SelectedMessage<number | string>>();
    }
  }
}

/** The else-if chain over two receivers of the same message type: the else keeps the item. */
async function sameTypeChain(): Promise<void> {
  for await (const selected of select(numbers, moreNumbers)) {
    if (selectedFrom(selected, numbers)) {
      if (!selected.wasStopped && selected.exception === undefined) {
        expectTypeOf(selected.message).toEqualTypeOf<number>();
      }
    } else if (selectedFrom(selected, moreNumbers)) {
      expectTypeOf(selected).not.toBeNever();
      if (!selected.wasStopped && selected.exception === undefined) {
        expectTypeOf(selected.message).toEqualTypeOf<number>();
      }
    } else {
      expectTypeOf(selected).toEqualTypeOf<Selected<number>>();
    }
  }
}

/** The seed's Select hands out the same union; `inner` needs no narrowing. */
function selectedFromSelect(selector: Select<{ count: Receiver<number> }>): void {
  const item = selector.count;
  if (item === undefined) {
    return;
  }
  expectTypeOf(item.inner).toEqualTypeOf<number | undefined>();
  // @ts-expect-error the Select's item may be a stop too
  void item.message;
  if (!item.wasStopped && item.exception === undefined) {
    expectTypeOf(item.message).toEqualTypeOf<number>();
  }
}

function mergeTypes(): void {
  expectTypeOf(merge(numbers, words)).toEqualTypeOf<Merge<number | string>>();
  expectTypeOf(new Merge(numbers, moreNumbers)).toEqualTypeOf<Merge<number>>();
  expectTypeOf<MessageOf<Merge<string>>>().toEqualTypeOf<string>();
  expectTypeOf(new Merge(numbers).stop()).toEqualTypeOf<Promise<void>>();
  // @ts-expect-error a Merge of numbers does not take a receiver of strings
  new Merge<number>(numbers, words);
}

function mergeNamedTypes(): void {
  const merged = new MergeNamed({ count: numbers, label: words });
  expectTypeOf<MessageOf<typeof merged>>().toEqualTypeOf<['count', number] | ['label', string]>();
  expectTypeOf<NamedMessage<{ a: Receiver<boolean> }>>().toEqualTypeOf<[name: 'a', message: boolean]>();
  const message = merged.consume();
  if (message[0] === 'count') {
    expectTypeOf(message[1]).toEqualTypeOf<number>();
  } else {
    expectTypeOf(message[1]).toEqualTypeOf<string>();
  }
  // @ts-expect-error the element type is not [string, unknown]
  const loose: MessageOf<typeof merged> = ['other', 1];
  void loose;
}

function selectTypes(): void {
  const selector = new Select({ count: numbers, label: words });
  expectTypeOf(selector.count).toEqualTypeOf<Selected<number> | undefined>();
  expectTypeOf(selector.label).toEqualTypeOf<Selected<string> | undefined>();
  expectTypeOf(selector.get('label')).toEqualTypeOf<Selected<string> | undefined>();
  expectTypeOf(selector.count?.inner).toEqualTypeOf<number | undefined>();
  expectTypeOf(selector.ready()).toEqualTypeOf<Promise<boolean>>();
  // @ts-expect-error no receiver is named `other`
  void selector.other;
  // @ts-expect-error get() takes only the names given
  selector.get('other');
  // @ts-expect-error a name that collides with a method is refused
  new Select({ ready: numbers });
  // @ts-expect-error every value must be a receiver
  new Select({ count: 1 });
}

describe('select types', () => {
  it('narrows at run time as it does at compile time', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    await channel.newSender().send(41);
    for await (const selected of select(receiver)) {
      if (selectedFrom(selected, receiver) && !selected.wasStopped && selected.exception === undefined) {
        expect(selected.message + 1).toBe(42);
      }
      break;
    }
    expect([
      selectNarrowing,
      checksFirst,
      sameTypeChain,
      selectedFromSelect,
      mergeTypes,
      mergeNamedTypes,
      selectTypes,
    ]).toHaveLength(7);
  });
});
