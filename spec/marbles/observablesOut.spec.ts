/**
 * Receivers as Observables, in virtual time: shared (messages are taken only while someone is
 * subscribed, and each goes to every subscriber attached),
 * complete when the receiver stops, error with its error, and lose nothing at a
 * subscribe/unsubscribe boundary.
 */
import { expectTypeOf } from 'expect-type';
import { firstValueFrom, from, isObservable, lastValueFrom, map, take, toArray, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Anycast, Broadcast, Event as ChannelEvent, type Receiver } from 'rx-channels';
import { fromObservable } from 'rx-channels/util';
import { drain } from '../helpers/receivers';

function newTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('marbles: receivers as Observables', () => {
  describe('interop', () => {
    it('is an Observable for from(), firstValueFrom(), lastValueFrom() and isObservable()', async () => {
      const channel = new Anycast<number>();
      const receiver = channel.newReceiver();
      const sender = channel.newSender();
      await sender.send(1);
      await sender.send(2);
      await sender.send(3);
      expect(isObservable(receiver)).toBe(true);
      expect(await firstValueFrom(from(receiver))).toBe(1);
      expect(await firstValueFrom(receiver)).toBe(2);
      await channel.close();
      expect(await lastValueFrom(receiver)).toBe(3);
    });

    it("answers '@@observable' with itself, as RxJS does for Symbol.observable", () => {
      const receiver = new Anycast<number>().newReceiver();
      expect(receiver['@@observable']()).toBe(receiver);
    });

    it("keeps '@@observable' where a polyfill defines Symbol.observable before RxJS loads", () => {
      const symbols = Symbol as unknown as { observable?: symbol };
      const saved = symbols.observable;
      symbols.observable = Symbol('observable');
      try {
        jest.isolateModules(() => {
          const isolated = jest.requireActual<typeof import('rx-channels')>('rx-channels');
          const receiver = new isolated.Anycast<number>().newReceiver() as unknown as Record<
            string | symbol,
            () => unknown
          >;
          expect(receiver[symbols.observable as symbol]?.()).toBe(receiver);
          expect(receiver['@@observable']?.()).toBe(receiver);
        });
      } finally {
        symbols.observable = saved;
      }
    });

    it('types from(receiver) as Observable<T> and keeps T through pipe()', () => {
      const receiver = new Anycast<number>().newReceiver();
      expectTypeOf(from(receiver)).toEqualTypeOf<Observable<number>>();
      expectTypeOf(receiver.asObservable()).toEqualTypeOf<Observable<number>>();
      expectTypeOf(receiver.pipe(map(String))).toEqualTypeOf<Observable<string>>();
      expectTypeOf(fromObservable(from(receiver))).toMatchTypeOf<Receiver<number>>();
    });
  });

  describe('shared', () => {
    it('emits each message to every subscriber attached when it is taken', () => {
      newTestScheduler().run(({ hot, expectObservable }) => {
        const channel = new Anycast<string>();
        const receiver = channel.newReceiver();
        hot('a-b-c-d|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
        expectObservable(receiver).toBe('a-b-c-d|');
        expectObservable(receiver.asObservable(), '--^--!').toBe('--b-c');
        expectObservable(receiver, '----^').toBe('----c-d|');
      });
    });

    it('takes messages only while subscribed; what comes between subscriptions waits, none is lost', () => {
      newTestScheduler().run(({ hot, expectObservable }) => {
        const channel = new Anycast<string>();
        const receiver = channel.newReceiver();
        hot('a-b-c-d-e|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
        expectObservable(receiver.asObservable(), '^--!').toBe('a-b');
        expectObservable(receiver.asObservable(), '-----^').toBe('-----cd-e|');
      });
    });

    it('hands each message to exactly one of two subscribers that take turns', () => {
      newTestScheduler().run(({ hot, expectObservable }) => {
        const channel = new Anycast<string>();
        const receiver = channel.newReceiver();
        hot('abcdef|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
        // take(1) unsubscribes from inside next: the rest stays in the receiver for the next one.
        expectObservable(receiver.pipe(take(1))).toBe('(a|)');
        // b came while nobody was subscribed: it waited, and comes first, in the same frame as c.
        expectObservable(receiver.pipe(take(2)), '--^').toBe('--(bc|)');
      });
    });

    it('leaves no waiter behind after unsubscribing: the next message goes to another receiver', async () => {
      const channel = new Anycast<number>();
      const left = channel.newReceiver();
      const other = channel.newReceiver();
      left.subscribe().unsubscribe();
      await channel.newSender().send(1);
      expect(await other.receive()).toBe(1);
    });

    it('completes when the receiver is closed, in that frame', () => {
      const testScheduler = newTestScheduler();
      testScheduler.run(({ hot, expectObservable }) => {
        const channel = new Anycast<string>();
        const receiver = channel.newReceiver();
        hot('a-b-c').subscribe(channel.newSender().asObserver());
        testScheduler.schedule(() => receiver.close(), 3);
        expectObservable(receiver.asObservable()).toBe('a-b|');
      });
    });

    it("errors with the receiver's error, in its frame", () => {
      newTestScheduler().run(({ hot, expectObservable }) => {
        const failure = new Error('odd');
        const channel = new Anycast<number>();
        hot('a-b-c', { a: 2, b: 3, c: 4 }).subscribe(channel.newSender().asObserver());
        const halves = channel.newReceiver().map((value) => {
          if (value % 2 === 1) {
            throw failure;
          }
          return value / 2;
        });
        expectObservable(halves.asObservable()).toBe('a-#', { a: 1 }, failure);
      });
    });
  });

  describe('every kind of receiver', () => {
    it('map() and filter() receivers emit in the frames of the messages they pass', () => {
      newTestScheduler().run(({ hot, expectObservable }) => {
        const channel = new Anycast<number>();
        hot('a-b-c-d|', { a: 1, b: 2, c: 3, d: 4 }).subscribe(
          channel.newSender().asObserver({ closeOnComplete: true }),
        );
        const evens = channel
          .newReceiver()
          .filter((value) => value % 2 === 0)
          .map((value) => value * 10);
        expectObservable(evens.asObservable()).toBe('--x---y|', { x: 20, y: 40 });
      });
    });

    it('an Event emits in the frame set() is called and completes when stopped', () => {
      const testScheduler = newTestScheduler();
      testScheduler.run(({ expectObservable }) => {
        const event = new ChannelEvent({ name: 'shutdown' });
        testScheduler.schedule(() => event.set(), 2);
        testScheduler.schedule(() => event.stop(), 4);
        expectObservable(event.asObservable()).toBe('--x-|', { x: undefined });
      });
    });

    it('a Broadcast receiver buffers for its subscribers; the Broadcast itself is hot', () => {
      const testScheduler = newTestScheduler();
      testScheduler.run(({ hot, expectObservable }) => {
        const channel = new Broadcast<string>('letters');
        const receiver = channel.newReceiver();
        hot('a-b-----c|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
        // The receiver buffered a and b for a subscriber that comes at frame 3; the hot
        // Observable of the channel only shows what is sent while subscribed.
        expectObservable(receiver.asObservable(), '---^').toBe('---(ab)-c|');
        expectObservable(channel.asObservable(), '---^').toBe('--------c|');
      });
    });
  });

  it('loses no message across many subscribe/unsubscribe boundaries', async () => {
    const channel = new Anycast<number>({ maxsize: 100 });
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    for (let value = 0; value < 100; value++) {
      await sender.send(value);
    }
    await channel.close();
    const seen: number[] = [];
    for (let chunk = 1; seen.length < 100; chunk = (chunk % 7) + 1) {
      seen.push(...(await firstValueFrom(receiver.pipe(take(chunk), toArray()))));
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, index) => index));
    expect(await drain(receiver)).toEqual([]);
  });
});
