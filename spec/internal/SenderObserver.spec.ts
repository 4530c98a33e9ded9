import { Anycast, Broadcast, Sender, type AbortOptions } from 'rx-channels';
import { of, Subject, throwError } from 'rxjs';
import { ChannelFeed, SenderObserver, type FeedListener } from '../../lib/internal/SenderObserver';
import { flushMicrotasks, settlementOf } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';
import { drain, receiveMany } from '../helpers/receivers';

/** A sender written outside the library: only send(), which records and resolves later. */
class RecordingSender extends Sender<number> {
  readonly sent: number[] = [];

  async send(message: number, _options?: AbortOptions): Promise<void> {
    await Promise.resolve();
    this.sent.push(message);
  }
}

describe('SenderObserver', () => {
  let capture: ReturnType<typeof captureWarnings>;
  beforeEach(() => {
    capture = captureWarnings();
  });
  afterEach(() => capture.restore());

  it('places each value synchronously, in the Observable call stack, while the channel has room', () => {
    const channel = new Broadcast<number>('b');
    const receiver = channel.newReceiver();
    of(1, 2, 3).subscribe(new SenderObserver(channel.newSender(), {}));
    expect(receiver.size).toBe(3);
  });

  it('keeps the values that wait for room in order, and sends them as room appears', async () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const receiver = channel.newReceiver();
    of(1, 2, 3, 4).subscribe(new SenderObserver(channel.newSender(), {}));
    expect(await receiveMany(receiver, 4)).toEqual([1, 2, 3, 4]);
  });

  it('queues a value behind earlier waiting ones even when the channel has room again', async () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const receiver = channel.newReceiver();
    const source = new Subject<number>();
    source.subscribe(new SenderObserver(channel.newSender(), {}));
    source.next(1);
    source.next(2);
    expect(await receiver.receive()).toBe(1);
    source.next(3);
    expect(await receiveMany(receiver, 2)).toEqual([2, 3]);
  });

  it('does not close the channel on complete or error by default', async () => {
    const channel = new Anycast<number>();
    of(1).subscribe(new SenderObserver(channel.newSender(), {}));
    throwError(() => new Error('x')).subscribe(new SenderObserver(channel.newSender(), {}));
    await flushMicrotasks();
    expect(channel.isClosed).toBe(false);
  });

  it('with closeOnComplete, closes the channel once every value was sent', async () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const receiver = channel.newReceiver();
    of(1, 2, 3).subscribe(new SenderObserver(channel.newSender(), { closeOnComplete: true }));
    expect(channel.isClosed).toBe(false);
    expect(await drain(receiver)).toEqual([1, 2, 3]);
    expect(channel.isClosed).toBe(true);
  });

  it('with closeOnComplete and nothing waiting, closes the channel at once', async () => {
    const channel = new Broadcast<number>('b');
    of(1).subscribe(new SenderObserver(channel.newSender(), { closeOnComplete: true }));
    await flushMicrotasks();
    expect(channel.isClosed).toBe(true);
  });

  it('logs the error of the Observable, and with closeOnError closes the channel', async () => {
    const channel = new Anycast<number>({ name: 'jobs' });
    throwError(() => new Error('source failed')).subscribe(
      new SenderObserver(channel.newSender(), { closeOnError: true }),
    );
    await flushMicrotasks();
    expect(capture.warnings).toEqual([
      'AnycastSender:jobs: the Observable feeding the channel errored: Error: source failed',
    ]);
    expect(channel.isClosed).toBe(true);
  });

  it('reports values that could not be sent because the channel closed, then drops later ones with a warning', async () => {
    const channel = new Anycast<number>({ name: 'jobs', maxsize: 1 });
    const source = new Subject<number>();
    source.subscribe(new SenderObserver(channel.newSender(), {}));
    source.next(1);
    source.next(2);
    source.next(3);
    await channel.close();
    await flushMicrotasks();
    expect(capture.warnings).toHaveLength(1);
    expect(capture.warnings[0]).toContain('2 value(s) from an Observable could not be sent');
    source.next(4);
    expect(capture.warnings[1]).toBe(
      'AnycastSender:jobs: a value from an Observable could not be sent: the channel is closed',
    );
  });

  it('sends through send() on a sender written outside the library, in order', async () => {
    const sender = new RecordingSender();
    of(1, 2, 3).subscribe(new SenderObserver(sender, { closeOnComplete: true }));
    for (let turn = 0; turn < 3; turn++) {
      await flushMicrotasks();
    }
    expect(sender.sent).toEqual([1, 2, 3]);
  });

  it('a sender written outside the library with a `_trySend` of its own is still sent to through send(): senders are known by a brand, not a method name', async () => {
    class Lookalike extends RecordingSender {
      tried = 0;
      _trySend(): boolean {
        this.tried++;
        return true;
      }
    }
    const sender = new Lookalike();
    of(1, 2).subscribe(new SenderObserver(sender, {}));
    for (let turn = 0; turn < 3; turn++) {
      await flushMicrotasks();
    }
    expect(sender.tried).toBe(0);
    expect(sender.sent).toEqual([1, 2]);
  });

  it('on a sender written outside the library, sends nothing more once idle, and resumes for a later value', async () => {
    const sender = new RecordingSender();
    const source = new Subject<number>();
    source.subscribe(new SenderObserver(sender, {}));
    source.next(1);
    source.next(2);
    for (let turn = 0; turn < 5; turn++) {
      await flushMicrotasks();
    }
    expect(sender.sent).toEqual([1, 2]);
    source.next(3);
    for (let turn = 0; turn < 5; turn++) {
      await flushMicrotasks();
    }
    expect(sender.sent).toEqual([1, 2, 3]);
  });
});

/** A FeedListener that records what it is told. */
function recordingListener(): FeedListener<number> & { readonly log: string[] } {
  const log: string[] = [];
  return {
    log,
    placed: (value) => log.push(`placed ${value}`),
    failed: (error, lost) => log.push(`failed ${String(error)} (${lost} lost)`),
    drained: () => log.push('drained'),
  };
}

/** A sender written outside the library whose send() always fails, a tick later. */
class FailingSender extends Sender<number> {
  async send(_message: number, _options?: AbortOptions): Promise<void> {
    await Promise.resolve();
    throw new Error('gone');
  }
}

describe('ChannelFeed', () => {
  it('reports each value as placed, in order, and drained after end()', async () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const receiver = channel.newReceiver();
    const listener = recordingListener();
    const feed = new ChannelFeed(channel.newSender(), listener);
    expect([feed.push(1), feed.push(2)]).toEqual(['accepted', 'accepted']);
    feed.end();
    expect(listener.log).toEqual(['placed 1']);
    expect(await receiveMany(receiver, 2)).toEqual([1, 2]);
    await flushMicrotasks();
    expect(listener.log).toEqual(['placed 1', 'placed 2', 'drained']);
  });

  it('counts the values waiting for room in `pending`, and refuses more than maxPending with `full`', () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const feed = new ChannelFeed(channel.newSender(), recordingListener(), 2);
    expect([feed.push(1), feed.push(2), feed.push(3), feed.push(4)]).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'full',
    ]);
    expect(feed.pending).toBe(2);
    feed.cancel();
  });

  it('cancel() withdraws the waiting values, which are never sent, and refuses new ones', async () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const receiver = channel.newReceiver();
    const listener = recordingListener();
    const feed = new ChannelFeed(channel.newSender(), listener);
    feed.push(1);
    feed.push(2);
    feed.push(3);
    feed.cancel();
    expect(feed.push(4)).toBe('failed');
    expect(await receiver.receive()).toBe(1);
    expect((await settlementOf(receiver.ready())).state).toBe('pending');
    feed.end();
    expect(listener.log).toEqual(['placed 1']);
    receiver.close();
  });

  it('reports a failed send once, with the number of values lost, and refuses new ones', async () => {
    const listener = recordingListener();
    const feed = new ChannelFeed(new FailingSender(), listener);
    feed.push(1);
    feed.push(2);
    for (let turn = 0; turn < 3; turn++) {
      await flushMicrotasks();
    }
    expect(listener.log).toEqual(['failed Error: gone (2 lost)']);
    expect(feed.push(3)).toBe('failed');
  });
});

describe('SenderObserver: the sender closed while values wait (Sender.close())', () => {
  let capture: ReturnType<typeof captureWarnings>;
  beforeEach(() => {
    capture = captureWarnings();
  });
  afterEach(() => capture.restore());

  it('the waiting values are released and logged once as lost; later values are logged; nothing more is placed', async () => {
    const channel = new Anycast<number>({ name: 'jobs', maxsize: 1 });
    const sender = channel.newSender();
    const subject = new Subject<number>();
    subject.subscribe(sender.asObserver());
    subject.next(1);
    subject.next(2);
    subject.next(3);
    expect(channel.size).toBe(1);
    sender.close();
    await flushMicrotasks();
    expect(capture.warnings).toEqual([expect.stringMatching(/^AnycastSender:jobs: 2 value\(s\) .*SenderClosedError/)]);
    subject.next(4);
    expect(capture.warnings).toHaveLength(2);
    await channel.close();
    expect(await drain(channel.newReceiver())).toEqual([1]);
  });

  it("a value sent from inside a receiver's map() while the feed places another keeps order and loses nothing", async () => {
    const channel = new Anycast<number>({ maxsize: 0 });
    const sender = channel.newSender();
    const subject = new Subject<number>();
    subject.subscribe(sender.asObserver());
    const seen: number[] = [];
    const receiver = channel.newReceiver().map((n) => {
      seen.push(n);
      if (n === 1) subject.next(3);
      return n;
    });
    subject.next(1);
    subject.next(2);
    expect(await receiveMany(receiver, 3)).toEqual([1, 2, 3]);
    expect(seen).toEqual([1, 2, 3]);
    expect(capture.warnings).toEqual([]);
  });
});
