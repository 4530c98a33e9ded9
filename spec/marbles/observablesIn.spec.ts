/**
 * Observables into channels, in virtual time: `sender.asObserver()` and `toChannel()` place a
 * value in the channel in the frame the source emits it, and a receiver's Observable emits it in
 * that same frame (no microtask hop in between).
 */
import { concatMap, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Anycast, Broadcast } from 'rx-channels';
import { fromObservable, toChannel } from 'rx-channels/util';
import { captureWarnings } from '../helpers/logger';

function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('marbles: Observables into channels', () => {
  describe('sender.asObserver()', () => {
    it("feeds cold('a-b-c|') into an Anycast and reads back 'a-b-c|' through receiver.asObservable()", () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const channel = new Anycast<string>();
        const receiver = channel.newReceiver();
        cold('a-b-c|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
        expectObservable(receiver.asObservable()).toBe('a-b-c|');
      });
    });

    it('leaves the channel open without closeOnComplete: the receiver does not complete', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const channel = new Anycast<string>();
        cold('a-b-c|').subscribe(channel.newSender().asObserver());
        expectObservable(channel.newReceiver().asObservable()).toBe('a-b-c');
      });
    });

    it('closes the channel in the frame of the error with closeOnError, and logs the error', () => {
      const capture = captureWarnings();
      try {
        newTestScheduler().run(({ cold, expectObservable }) => {
          const channel = new Anycast<string>({ name: 'letters' });
          cold('a-#', undefined, 'boom').subscribe(channel.newSender().asObserver({ closeOnError: true }));
          expectObservable(channel.newReceiver().asObservable()).toBe('a-|');
        });
        expect(capture.warnings).toEqual(['AnycastSender:letters: the Observable feeding the channel errored: boom']);
      } finally {
        capture.restore();
      }
    });

    it("feeds a Broadcast: two receivers both see 'a-b-c'", () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const channel = new Broadcast<string>('letters');
        const first = channel.newReceiver();
        const second = channel.newReceiver();
        cold('a-b-c|').subscribe(channel.newSender().asObserver());
        expectObservable(first.asObservable()).toBe('a-b-c');
        expectObservable(second.asObservable()).toBe('a-b-c');
      });
    });

    it('a resendLatest receiver created after b sees b in its creation frame, then c', () => {
      const testScheduler = newTestScheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        const channel = new Broadcast<string>('letters', { resendLatest: true });
        cold('a-b-c|').subscribe(channel.newSender().asObserver());
        // Created at frame 3, between b (frame 2) and c (frame 4).
        testScheduler.schedule(() => expectObservable(channel.newReceiver().asObservable()).toBe('---bc'), 3);
      });
    });

    it('a receiver created after b without resendLatest sees only c', () => {
      const testScheduler = newTestScheduler();
      testScheduler.run(({ cold, expectObservable }) => {
        const channel = new Broadcast<string>('letters');
        cold('a-b-c|').subscribe(channel.newSender().asObserver());
        testScheduler.schedule(() => expectObservable(channel.newReceiver().asObservable()).toBe('----c'), 3);
      });
    });

    it('completes every Broadcast receiver in the frame the source completes, with closeOnComplete', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const channel = new Broadcast<string>('letters');
        const first = channel.newReceiver();
        const second = channel.newReceiver();
        cold('a-b|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
        expectObservable(first.asObservable()).toBe('a-b|');
        expectObservable(second.asObservable()).toBe('a-b|');
        // Hot: expectObservable subscribes in frame 0 after the source's a was sent, so it misses a.
        expectObservable(channel.asObservable()).toBe('--b|');
      });
    });
  });

  describe('back-pressure in virtual time', () => {
    it('values that waited for room enter the channel in the frame a receiver makes room', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const channel = new Anycast<string>({ maxsize: 1 });
        cold('abc|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
        // Nobody reads until frame 5: a fills the buffer, b and c wait in the channel's line.
        expectObservable(channel.newReceiver().asObservable(), '-----^').toBe('-----(abc)');
      });
    });

    it('a reader that takes one value per pull paces a fast source, losing none', () => {
      newTestScheduler().run(({ cold, hot, expectObservable }) => {
        const channel = new Anycast<string>({ maxsize: 1 });
        const receiver = channel.newReceiver();
        cold('(abcd)').pipe(toChannel(channel.newSender())).subscribe();
        // Each pull takes the buffered value, and the next waiting one moves in at once.
        const taken = hot('--x-x-x-x').pipe(concatMap(() => receiver.pipe(take(1))));
        expectObservable(taken).toBe('--a-b-c-d');
      });
    });

    it('toChannel re-emits the values that did not wait in their own frames', () => {
      newTestScheduler().run(({ cold, expectObservable }) => {
        const channel = new Broadcast<string>('letters');
        const receiver = channel.newReceiver();
        expectObservable(cold('a-b-c|').pipe(toChannel(channel.newSender(), { closeOnComplete: true }))).toBe('a-b-c|');
        expectObservable(receiver.asObservable()).toBe('a-b-c|');
      });
    });

    it('toChannel errors in the frame a value goes past maxPending, and unsubscribes the source', () => {
      newTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const channel = new Anycast<string>({ name: 'jobs', maxsize: 1 });
        const source = cold('a-b-c-d|');
        const fed = source.pipe(toChannel(channel.newSender(), { maxPending: 1 }));
        expectObservable(fed).toBe('a---#', undefined, expect.objectContaining({ name: 'SenderError' }));
        expectSubscriptions(source.subscriptions).toBe('^---!');
      });
    });
  });

  describe('fromObservable()', () => {
    it('re-emits a hot source in its frames to a subscriber of the receiver', () => {
      newTestScheduler().run(({ hot, expectObservable }) => {
        const receiver = fromObservable(hot('-a-b-c|'));
        expectObservable(receiver.asObservable()).toBe('-a-b-c|');
      });
    });

    it('buffers what the source emits before anyone subscribes, and hands it over in the subscribe frame', () => {
      newTestScheduler().run(({ hot, expectObservable }) => {
        // A group takes as many frames as it has characters: c comes at frame 9.
        const receiver = fromObservable(hot('-a-b-----c|'));
        expectObservable(receiver.asObservable(), '----^').toBe('----(ab)-c|');
      });
    });

    it('unsubscribes from the source in the frame it is closed', () => {
      newTestScheduler().run(({ hot, cold, expectSubscriptions }) => {
        const source = hot('-a-b-c-d|');
        const receiver = fromObservable(source);
        cold('---x|').subscribe(() => receiver.close());
        expectSubscriptions(source.subscriptions).toBe('^--!');
      });
    });
  });
});
