import { take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Event as ChannelEvent, ReceiverError, ReceiverStoppedError } from 'rx-channels';
import { Event as UtilEvent } from 'rx-channels/util';
import { settlementOf, thrownBy } from '../helpers/async';

describe('Event', () => {
  it('is exported from the root and from rx-channels/util', () => {
    expect(ChannelEvent).toBe(UtilEvent);
  });

  describe('constructor', () => {
    it('takes a name, used in toString()', () => {
      const event = new ChannelEvent({ name: 'shutdown' });
      expect(event.name).toBe('shutdown');
      expect(String(event)).toBe('Event:shutdown');
    });

    it('numbers events without a name', () => {
      const first = new ChannelEvent();
      const second = new ChannelEvent();
      expect(first.name).toMatch(/^event-\d+$/);
      expect(second.name).not.toBe(first.name);
    });

    it('refuses a name that is not a string with a TypeError', () => {
      expect(() => new ChannelEvent({ name: 5 as unknown as string })).toThrow(/`name`/);
    });
  });

  describe('set()', () => {
    it('makes a pending ready() resolve true', async () => {
      const event = new ChannelEvent();
      const ready = event.ready();
      expect((await settlementOf(ready)).state).toBe('pending');
      event.set();
      expect(await ready).toBe(true);
      expect(event.isSet).toBe(true);
    });

    it('several set() before a consume() make one message, and consume() clears it', async () => {
      const event = new ChannelEvent();
      event.set();
      event.set();
      expect(await event.receive()).toBeUndefined();
      expect(event.isSet).toBe(false);
      expect((await settlementOf(event.ready())).state).toBe('pending');
      event.stop();
    });

    it('can fire again after a consume()', async () => {
      const event = new ChannelEvent();
      event.set();
      await event.receive();
      event.set();
      expect(await event.ready()).toBe(true);
    });
  });

  describe('consume()', () => {
    it('throws a ReceiverError when the event is not set', () => {
      const error = thrownBy(() => new ChannelEvent().consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
    });
  });

  describe('stop()', () => {
    it('resolves a pending ready() with false at once', async () => {
      const event = new ChannelEvent();
      const ready = event.ready();
      event.stop();
      expect(await ready).toBe(false);
      expect(event.isStopped).toBe(true);
    });

    it('drops a set not consumed, and makes consume() and receive() throw ReceiverStoppedError', async () => {
      const event = new ChannelEvent({ name: 'e' });
      event.set();
      event.stop();
      expect(event.isSet).toBe(false);
      expect(await event.ready()).toBe(false);
      const error = thrownBy(() => event.consume());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as Error).message).toBe('Receiver Event:e was stopped');
      await expect(event.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
    });

    it('makes set() do nothing afterwards', async () => {
      const event = new ChannelEvent();
      event.stop();
      event.set();
      expect(event.isSet).toBe(false);
      expect(await event.ready()).toBe(false);
    });

    it('is what close() does, and is idempotent', async () => {
      const event = new ChannelEvent();
      event.close();
      event.stop();
      expect(event.isStopped).toBe(true);
      expect(await event.ready()).toBe(false);
    });
  });

  describe('cancellation', () => {
    it('an aborted ready() rejects with the reason and leaves the event as it was', async () => {
      const event = new ChannelEvent();
      const controller = new AbortController();
      const ready = event.ready({ signal: controller.signal });
      controller.abort();
      await expect(ready).rejects.toBe(controller.signal.reason);
      event.set();
      expect(event.isSet).toBe(true);
      expect(await event.receive()).toBeUndefined();
    });
  });

  describe('as a Receiver', () => {
    it('emits in the frame of set() and completes in the frame of stop(); a subscriber consumes each set() at once (marbles)', () => {
      const rx = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      rx.run(({ expectObservable }) => {
        const event = new ChannelEvent();
        rx.schedule(() => event.set(), 10);
        rx.schedule(() => {
          event.set();
          event.set();
        }, 20);
        rx.schedule(() => event.stop(), 30);
        expectObservable(event.asObservable()).toBe('10ms a 9ms (aa) 6ms |', { a: undefined });
      });
    });

    it('works with for await, map() and filter()', async () => {
      const event = new ChannelEvent();
      let count = 0;
      const labels = event.map(() => ++count).filter((n) => n % 2 === 1);
      const loop = (async () => {
        const seen: number[] = [];
        for await (const label of labels) {
          seen.push(label);
        }
        return seen;
      })();
      for (let index = 0; index < 3; index++) {
        event.set();
        await settlementOf(loop);
      }
      event.stop();
      expect(await loop).toEqual([1, 3]);
    });

    it('unsubscribing leaves a set for the next consumer', async () => {
      const event = new ChannelEvent();
      const values: unknown[] = [];
      event.pipe(take(1)).subscribe((value) => values.push(value));
      event.set();
      expect(values).toEqual([undefined]);
      event.set();
      expect(await event.ready()).toBe(true);
    });
  });
});
