/**
 * Merge and MergeNamed in virtual time: two channels fed by two cold Observables interleave
 * frame by frame, and the merge completes in the frame its last source stops.
 */
import { take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Anycast, Broadcast, merge, Merge, MergeNamed, Timer, type Receiver } from 'rx-channels';

function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** An Anycast fed by `source`, closed when it completes; returns its receiver. */
function channelFedBy(source: Observable<string>, name: string): Receiver<string> {
  const channel = new Anycast<string>({ name });
  source.subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
  return channel.newReceiver();
}

describe('marbles: Merge', () => {
  it('interleaves two channels fed by two cold Observables, frame by frame', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const left = channelFedBy(cold('a---c|'), 'left');
      const right = channelFedBy(cold('-b-d--e|'), 'right');
      expectObservable(new Merge(left, right).asObservable()).toBe('ab-dc-e|');
    });
  });

  it('delivers messages of the same frame in the order they were sent', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const left = channelFedBy(cold('a----(c|)'), 'left');
      const right = channelFedBy(cold('b----(d|)'), 'right');
      expectObservable(merge(left, right).asObservable()).toBe('(ab)-(cd|)');
    });
  });

  it('keeps going after one source stops, and completes when the last one does', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const short = channelFedBy(cold('a|'), 'short');
      const long = channelFedBy(cold('---b---c|'), 'long');
      expectObservable(merge(short, long).asObservable()).toBe('a--b---c|');
    });
  });

  it('merges a Timer with a channel', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const timer = Timer.periodic(1000, { scheduler });
      const events = channelFedBy(cold('500ms x 999ms y|'), 'events');
      const merged = merge(
        timer.map(() => 't'),
        events,
      ).pipe(take(4));
      expectObservable(merged).toBe('500ms x 499ms t 499ms y 499ms (t|)');
    });
  });

  it('stop() completes the merge in its frame and leaves the sources usable', () => {
    const scheduler = newTestScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const left = channelFedBy(cold('a---b|'), 'left');
      const right = channelFedBy(cold('--c---d|'), 'right');
      const merged = new Merge(left, right);
      scheduler.schedule(() => void merged.stop(), 3);
      expectObservable(merged.asObservable()).toBe('a-c|');
      expectObservable(left.asObservable(), '----^').toBe('----b|');
    });
  });

  it('MergeNamed tags each message with the name of its source', () => {
    newTestScheduler().run(({ cold, expectObservable }) => {
      const prices = new Broadcast<number>('prices');
      const orders = new Broadcast<string>('orders');
      const merged = new MergeNamed({ price: prices.newReceiver(), order: orders.newReceiver() });
      cold('a--b|', { a: 10, b: 11 }).subscribe(prices.newSender().asObserver({ closeOnComplete: true }));
      cold('-x---|', { x: 'buy' }).subscribe(orders.newSender().asObserver({ closeOnComplete: true }));
      expectObservable(merged.asObservable()).toBe('ax-b-|', {
        a: ['price', 10],
        x: ['order', 'buy'],
        b: ['price', 11],
      });
    });
  });
});
