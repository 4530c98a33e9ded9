import { ChannelClosedError, ReceiverError, ReceiverStoppedError } from 'rx-channels';
import { Inbox } from '../../lib/internal/Inbox';
import { PENDING, READY, STOPPED } from '../../lib/internal/protocol';
import { ListReceiver } from '../helpers/receivers';
import { thrownBy } from '../helpers/async';

describe('Inbox (the state of receivers fed from elsewhere)', () => {
  const receiver = new ListReceiver<number>();
  const notReady = (): Error => new ReceiverError('not ready', receiver);

  it('is PENDING when empty, READY with a message, and takes the oldest through take()', () => {
    const inbox = new Inbox<string>();
    expect(inbox.poll()).toBe(PENDING);
    inbox.buffer.push('1');
    inbox.buffer.push('2');
    expect(inbox.poll()).toBe(READY);
    expect(inbox.consume(receiver, Number, notReady)).toBe(1);
    expect(inbox.consume(receiver, Number, notReady)).toBe(2);
    expect((thrownBy(() => inbox.consume(receiver, Number, notReady)) as Error).message).toBe('not ready');
  });

  it('a ReceiverStoppedError is the stop itself, after what it holds', () => {
    const inbox = new Inbox<number>();
    inbox.buffer.push(1);
    const stop = new ReceiverStoppedError(receiver, { cause: new ChannelClosedError({}) });
    expect(inbox.stop(receiver, stop, true)).toBe(true);
    expect(inbox.stop(receiver, new Error('later'), true)).toBe(false);
    expect(inbox.poll()).toBe(READY);
    expect(inbox.consume(receiver, (n) => n, notReady)).toBe(1);
    expect(inbox.poll()).toBe(STOPPED);
    expect(thrownBy(() => inbox.consume(receiver, (n) => n, notReady))).toBe(stop);
  });

  it('another error with throwFirst is thrown once, then the stop carries its cause', () => {
    const inbox = new Inbox<number>();
    const cause = new Error('stream deleted');
    const failure = new ReceiverError('gone', receiver, { cause });
    inbox.stop(receiver, failure, true);
    expect(inbox.poll()).toBe(READY);
    expect(thrownBy(() => inbox.consume(receiver, (n) => n, notReady))).toBe(failure);
    expect(inbox.poll()).toBe(STOPPED);
    const stopped = thrownBy(() => inbox.consume(receiver, (n) => n, notReady));
    expect(stopped).toBeInstanceOf(ReceiverStoppedError);
    expect((stopped as Error).cause).toBe(cause);
  });

  it('another error without throwFirst is the cause of the stop; a closed inbox stops with no cause', () => {
    const inbox = new Inbox<number>();
    const cause = new Error('connection closed');
    inbox.stop(receiver, cause, false);
    const stopped = thrownBy(() => inbox.consume(receiver, (n) => n, notReady));
    expect((stopped as Error).cause).toBe(cause);
    const closed = new Inbox<number>();
    closed.closed = true;
    expect(closed.poll()).toBe(STOPPED);
    expect((thrownBy(() => closed.consume(receiver, (n) => n, notReady)) as Error).cause).toBeUndefined();
  });
});
