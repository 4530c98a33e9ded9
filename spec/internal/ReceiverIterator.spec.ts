import { Anycast, Receiver, ReceiverStoppedError } from 'rx-channels';
import { Event } from 'rx-channels/util';
import { pollableOf } from '../../lib/internal/ForeignReceiver';
import { ReceiverIterator } from '../../lib/internal/ReceiverIterator';
import { flushMicrotasks, reasonOf, track } from '../helpers/async';

describe('ReceiverIterator', () => {
  it('is its own async iterator', () => {
    const iterator = new ReceiverIterator(pollableOf(new Event()));
    expect(iterator[Symbol.asyncIterator]()).toBe(iterator);
  });

  it('takes a ready message at once and waits for the next', async () => {
    const channel = new Anycast<number>();
    const sender = channel.newSender();
    await sender.send(1);
    const iterator = new ReceiverIterator(pollableOf(channel.newReceiver()));
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    const next = track(iterator.next());
    await flushMicrotasks();
    expect(next.current()).toEqual({ state: 'pending' });
    await sender.send(2);
    await flushMicrotasks();
    expect(next.current()).toEqual({ state: 'fulfilled', value: { value: 2, done: false } });
  });

  it('concurrent next() calls each wait for a message of their own', async () => {
    const channel = new Anycast<number>();
    const iterator = new ReceiverIterator(pollableOf(channel.newReceiver()));
    const first = iterator.next();
    const second = iterator.next();
    const sender = channel.newSender();
    await sender.send(1);
    await sender.send(2);
    expect((await Promise.all([first, second])).map((result): unknown => result.value)).toEqual([1, 2]);
  });

  it('is done when the receiver stops, and stays done', async () => {
    const channel = new Anycast<number>();
    const iterator = new ReceiverIterator(pollableOf(channel.newReceiver()));
    const pending = iterator.next();
    await channel.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('return() resolves every waiting next() done, takes nothing, and does not close the receiver', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    const iterator = new ReceiverIterator(pollableOf(receiver));
    const first = iterator.next();
    const second = iterator.next();
    expect(await iterator.return()).toEqual({ value: undefined, done: true });
    expect(await Promise.all([first, second])).toEqual([
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    await channel.newSender().send(3);
    expect(await receiver.receive()).toBe(3);
  });

  it('rejects with an error consume() throws, and goes on after it', async () => {
    const channel = new Anycast<number>();
    await channel.newSender().send(1);
    await channel.newSender().send(2);
    const mapped = channel.newReceiver().map((n) => {
      if (n === 1) throw new Error('one');
      return n;
    });
    const iterator = new ReceiverIterator(pollableOf(mapped));
    expect(await reasonOf(iterator.next())).toEqual(new Error('one'));
    expect(await iterator.next()).toEqual({ value: 2, done: false });
  });

  it('a ReceiverStoppedError from consume() ends the iteration cleanly', async () => {
    class StopsOnConsume extends Receiver<number> {
      ready(): Promise<boolean> {
        return Promise.resolve(true);
      }
      consume(): number {
        throw new ReceiverStoppedError(this);
      }
    }
    const iterator = new ReceiverIterator(pollableOf(new StopsOnConsume()));
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  // Was a bug, now fixed (since a2cdabb): `pending` became
  // a `const` that the settle callback reads, and the callback runs inside waitFor() when the
  // source turns ready while the wait parks: a TDZ ReferenceError, caught by settleWith(), rejects
  // next(). Fix: go back to `let pending` assigned after waitFor(), or skip the delete while
  // `pending` is unset.
  it('a wait settled inside next() (ready while parking) resolves with the message', async () => {
    class ReadyWhenParked extends Event {
      override _park(waker: Parameters<Event['_park']>[0]) {
        super._park(waker);
        this.set();
        return this._poll();
      }
    }
    const event = new ReadyWhenParked();
    const iterator = new ReceiverIterator(pollableOf(event));
    expect(await iterator.next()).toEqual({ value: undefined, done: false });
    await iterator.return();
  });
});
