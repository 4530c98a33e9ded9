/**
 * No message lost or duplicated at a subscribe/unsubscribe boundary: random programs of sends,
 * subscriptions (plain, `take(k)`, unsubscribed from inside `next`) and unsubscriptions, on each
 * kind of receiver. The Observable face is shared: every message sent is taken exactly once, in
 * send order, either by the face (and then emitted to every subscriber attached at that moment)
 * or by the `for await` loop that drains the receiver at the end.
 */
import fc from 'fast-check';
import { Subject, take, type Subscription } from 'rxjs';
import { Anycast, Broadcast, merge, type Receiver } from 'rx-channels';
import { fromObservable } from 'rx-channels/util';
import { drain } from '../helpers/receivers';

type Operation =
  | { readonly kind: 'send' }
  | { readonly kind: 'subscribe' }
  | { readonly kind: 'take'; readonly count: number }
  | { readonly kind: 'unsubscribe'; readonly which: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.constant({ kind: 'send' } as const),
  fc.constant({ kind: 'subscribe' } as const),
  fc.record({ kind: fc.constant('take' as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('unsubscribe' as const), which: fc.nat() }),
);

/** A receiver under test, fed synchronously by `subject`, and how to end its source. */
interface Setup {
  readonly receiver: Receiver<number>;
  readonly subject: Subject<number>;
}

const setups: Record<string, () => Setup> = {
  'Anycast receiver': () => {
    const channel = new Anycast<number>({ maxsize: 1000 });
    const subject = new Subject<number>();
    subject.subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
    return { receiver: channel.newReceiver(), subject };
  },
  'Broadcast receiver': () => {
    const channel = new Broadcast<number>('numbers');
    const receiver = channel.newReceiver({ maxsize: 1000 });
    const subject = new Subject<number>();
    subject.subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
    return { receiver, subject };
  },
  'fromObservable()': () => {
    const subject = new Subject<number>();
    return { receiver: fromObservable(subject, { maxsize: Infinity }), subject };
  },
  'map() receiver': () => {
    const channel = new Anycast<number>({ maxsize: 1000 });
    const subject = new Subject<number>();
    subject.subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
    return { receiver: channel.newReceiver().map((value) => value), subject };
  },
  'Merge of one channel': () => {
    const channel = new Anycast<number>({ maxsize: 1000 });
    const subject = new Subject<number>();
    subject.subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
    return { receiver: merge(channel.newReceiver()), subject };
  },
};

/**
 * Runs `operations`; returns what was sent, what the face took (each message once, in the order
 * it was emitted) and what each subscription got.
 */
function play(setup: Setup, operations: readonly Operation[]) {
  const sent: number[] = [];
  const taken: number[] = [];
  const perSubscription: number[][] = [];
  const subscriptions: Subscription[] = [];
  const record = (into: number[]) => (value: number) => {
    into.push(value);
    if (taken[taken.length - 1] !== value) {
      taken.push(value);
    }
  };
  for (const op of operations) {
    if (op.kind === 'send') {
      sent.push(sent.length);
      setup.subject.next(sent.length - 1);
    } else if (op.kind === 'subscribe') {
      const values: number[] = [];
      perSubscription.push(values);
      subscriptions.push(setup.receiver.subscribe(record(values)));
    } else if (op.kind === 'take') {
      const values: number[] = [];
      perSubscription.push(values);
      subscriptions.push(setup.receiver.pipe(take(op.count)).subscribe(record(values)));
    } else if (subscriptions.length > 0) {
      subscriptions.splice(op.which % subscriptions.length, 1)[0]?.unsubscribe();
    }
  }
  subscriptions.forEach((subscription) => subscription.unsubscribe());
  return { sent, taken, perSubscription };
}

describe('marbles: subscribe/unsubscribe boundaries', () => {
  for (const [kind, makeSetup] of Object.entries(setups)) {
    it(`${kind}: every message is taken exactly once, in send order, and reaches every subscriber attached`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { maxLength: 60 }), async (operations) => {
          const setup = makeSetup();
          const { sent, taken, perSubscription } = play(setup, operations);
          setup.subject.complete();
          const rest = await drain(setup.receiver);
          expect([...taken, ...rest]).toEqual(sent);
          // While attached, a subscription misses none of what the face takes.
          for (const values of perSubscription) {
            if (values.length > 0) {
              const first = taken.indexOf(values[0] as number);
              expect(values).toEqual(taken.slice(first, first + values.length));
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
