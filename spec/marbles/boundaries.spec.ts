/**
 * No message lost or duplicated at a subscribe/unsubscribe boundary: random programs of sends,
 * subscriptions (plain, `take(k)`, unsubscribed from inside `next`) and unsubscriptions, on each
 * kind of receiver. Every message sent is received exactly once, in send order, by the
 * subscribers or by the `for await` loop that drains the receiver at the end.
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

/** Runs `operations`; returns what was sent and what the subscribers got, in arrival order. */
function play(setup: Setup, operations: readonly Operation[]): { sent: number[]; received: number[] } {
  const sent: number[] = [];
  const received: number[] = [];
  const subscriptions: Subscription[] = [];
  for (const op of operations) {
    if (op.kind === 'send') {
      sent.push(sent.length);
      setup.subject.next(sent.length - 1);
    } else if (op.kind === 'subscribe') {
      subscriptions.push(setup.receiver.subscribe((value) => received.push(value)));
    } else if (op.kind === 'take') {
      subscriptions.push(setup.receiver.pipe(take(op.count)).subscribe((value) => received.push(value)));
    } else if (subscriptions.length > 0) {
      subscriptions.splice(op.which % subscriptions.length, 1)[0]?.unsubscribe();
    }
  }
  subscriptions.forEach((subscription) => subscription.unsubscribe());
  return { sent, received };
}

describe('marbles: subscribe/unsubscribe boundaries', () => {
  for (const [kind, makeSetup] of Object.entries(setups)) {
    it(`${kind}: every message is received exactly once, in send order`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { maxLength: 60 }), async (operations) => {
          const setup = makeSetup();
          const { sent, received } = play(setup, operations);
          setup.subject.complete();
          const rest = await drain(setup.receiver);
          expect([...received, ...rest]).toEqual(sent);
        }),
        { numRuns: 150 },
      );
    });
  }
});
