import { Anycast, Broadcast, ChannelClosedError, Sender, SenderError, type AbortOptions } from 'rx-channels';
import { of, Subject, type Observer } from 'rxjs';
import { flushMicrotasks, reasonOf, thrownBy } from './helpers/async';
import { captureWarnings } from './helpers/logger';
import { drain, receiveMany } from './helpers/receivers';

/** A sender written outside the library: only send(). */
class ArraySender<T> extends Sender<T> {
  readonly sent: T[] = [];

  send(message: T, options?: AbortOptions): Promise<void> {
    if (options?.signal?.aborted === true) {
      return Promise.reject(options.signal.reason);
    }
    this.sent.push(message);
    return Promise.resolve();
  }
}

describe('Sender', () => {
  it('a subclass written outside the library implements only send() and gets asObserver()', async () => {
    const sender = new ArraySender<number>();
    const observer: Observer<number> = sender.asObserver();
    of(1, 2, 3).subscribe(observer);
    await flushMicrotasks();
    expect(sender.sent).toEqual([1, 2, 3]);
  });

  it("a subclass's toString() is its class name unless it says otherwise", () => {
    expect(String(new ArraySender<number>())).toBe('ArraySender');
  });

  it('send() throws a TypeError for a signal that is not an AbortSignal, on every built-in sender', () => {
    const bad = { signal: {} as AbortSignal };
    expect(() => new Anycast<number>().newSender().send(1, bad)).toThrow(TypeError);
    expect(() => new Broadcast<number>('x').newSender().send(1, bad)).toThrow(TypeError);
  });

  it('send() on a closed channel rejects with SenderError naming this sender', async () => {
    const channel = new Anycast<number>();
    const sender = channel.newSender();
    await channel.close();
    const error = (await reasonOf(sender.send(1))) as SenderError<number>;
    expect(error).toBeInstanceOf(SenderError);
    expect(error.sender).toBe(sender);
  });

  describe('asObserver()', () => {
    let capture: ReturnType<typeof captureWarnings>;
    beforeEach(() => {
      capture = captureWarnings();
    });
    afterEach(() => capture.restore());

    it('sends every value, synchronously while the channel has room', () => {
      const channel = new Broadcast<number>('x');
      const receiver = channel.newReceiver();
      const source = new Subject<number>();
      source.subscribe(channel.newSender().asObserver());
      source.next(1);
      expect(receiver.size).toBe(1);
      source.next(2);
      expect(receiver.size).toBe(2);
    });

    it('keeps the order under Anycast back-pressure, losing nothing', async () => {
      const channel = new Anycast<number>({ maxsize: 2 });
      const receiver = channel.newReceiver();
      of(1, 2, 3, 4, 5, 6).subscribe(channel.newSender().asObserver());
      expect(await receiveMany(receiver, 6)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('with closeOnComplete, closes the channel after the last value is sent', async () => {
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      of(1, 2, 3).subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
      expect(await drain(receiver)).toEqual([1, 2, 3]);
      expect(channel.isClosed).toBe(true);
    });

    it('with closeOnError, closes the channel, and logs the error either way', async () => {
      const channel = new Broadcast<number>('x');
      const source = new Subject<number>();
      source.subscribe(channel.newSender().asObserver({ closeOnError: true }));
      source.error(new Error('failed'));
      await flushMicrotasks();
      expect(channel.isClosed).toBe(true);
      expect(capture.warnings).toEqual([
        'BroadcastSender:x: the Observable feeding the channel errored: Error: failed',
      ]);
    });

    it('reports values given after the channel closed through the logger', async () => {
      const channel = new Broadcast<number>('x');
      const source = new Subject<number>();
      source.subscribe(channel.newSender().asObserver());
      await channel.close();
      source.next(1);
      await flushMicrotasks();
      expect(capture.warnings).toHaveLength(1);
      expect(capture.warnings[0]).toContain('could not be sent');
    });
  });

  describe('trySend()', () => {
    it('throws a SenderError naming the sender on a subclass written outside the library, which can only wait', () => {
      const sender = new ArraySender<number>();
      const error = thrownBy(() => sender.trySend(1)) as SenderError<number>;
      expect(error).toBeInstanceOf(SenderError);
      expect(error.sender).toBe(sender);
      expect(error.message).toBe('ArraySender does not support trySend(): it can only send by waiting');
      expect(sender.sent).toEqual([]);
    });

    it('may be overridden by such a subclass', () => {
      class SyncSender extends ArraySender<number> {
        override trySend(message: number): boolean {
          this.sent.push(message);
          return true;
        }
      }
      const sender = new SyncSender();
      expect(sender.trySend(1)).toBe(true);
      expect(sender.sent).toEqual([1]);
    });

    it('on a closed channel throws SenderError with a ChannelClosedError cause, for every built-in sender', async () => {
      for (const channel of [new Anycast<number>({ name: 'a' }), new Broadcast<number>('b')]) {
        const sender = channel.newSender();
        await channel.close();
        const error = thrownBy(() => sender.trySend(1)) as SenderError<number>;
        expect(error).toBeInstanceOf(SenderError);
        expect(error.sender).toBe(sender);
        expect(error.message).toBe('The channel was closed');
        expect(error.cause).toBeInstanceOf(ChannelClosedError);
        expect((error.cause as ChannelClosedError).channel).toBe(channel);
      }
    });

    it('on a Broadcast always places the message, for every receiver', async () => {
      const channel = new Broadcast<number>('b');
      const first = channel.newReceiver({ maxsize: 1 });
      const second = channel.newReceiver({ maxsize: 1, warnOnOverflow: false });
      const sender = channel.newSender();
      expect(sender.trySend(1)).toBe(true);
      expect(await first.receive()).toBe(1);
      expect(await second.receive()).toBe(1);
    });
  });
});
