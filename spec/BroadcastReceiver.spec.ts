import { Broadcast, BroadcastReceiver, ReceiverInvalidatedError, ReceiverStoppedError } from 'rx-channels';
import { flushMicrotasks, track } from './helpers/async';
import { collectUntil } from './helpers/gc';
import { captureWarnings } from './helpers/logger';

describe('BroadcastReceiver', () => {
  it('size counts the buffered messages, dropped the overflowed ones', async () => {
    const channel = new Broadcast<number>('sizes');
    const receiver = channel.newReceiver({ maxsize: 2, warnOnOverflow: false });
    expect([receiver.size, receiver.dropped]).toEqual([0, 0]);
    const sender = channel.newSender();
    for (const n of [1, 2, 3]) await sender.send(n);
    expect([receiver.size, receiver.dropped]).toEqual([2, 1]);
    expect(await receiver.receive()).toBe(2);
    expect([receiver.size, receiver.dropped]).toEqual([1, 1]);
  });

  it('warns once per overflow episode by default, naming itself', async () => {
    const capture = captureWarnings();
    try {
      const channel = new Broadcast<number>('loud');
      channel.newReceiver({ name: 'r', maxsize: 1 });
      const sender = channel.newSender();
      for (const n of [1, 2, 3]) await sender.send(n);
      expect(capture.warnings).toEqual(['BroadcastReceiver:r: buffer full (maxsize 1), dropping the oldest messages']);
    } finally {
      capture.restore();
    }
  });

  it('cannot be constructed directly: a TypeError points to newReceiver()', () => {
    const Constructor = BroadcastReceiver as unknown as new (...args: unknown[]) => unknown;
    expect(() => new Constructor({}, {})).toThrow(
      new TypeError('BroadcastReceiver cannot be constructed directly: use broadcast.newReceiver()'),
    );
    // A failed direct call does not open the door for the next one.
    expect(() => new Constructor({}, {})).toThrow(TypeError);
    expect(new Broadcast<number>('ok').newReceiver()).toBeInstanceOf(BroadcastReceiver);
  });

  it('refuses odd maxsize values', () => {
    const channel = new Broadcast<number>('odd');
    for (const maxsize of [0, -1, 1.5, Infinity, Number.NaN]) {
      expect(() => channel.newReceiver({ maxsize })).toThrow(RangeError);
    }
  });

  it('is named after its channel and creation order by default', () => {
    const channel = new Broadcast<number>('named');
    expect(String(channel.newReceiver())).toBe('BroadcastReceiver:named-1');
    expect(String(channel.newReceiver())).toBe('BroadcastReceiver:named-2');
  });
});

function receiveOfDroppedReceiver(channel: Broadcast<number>): Promise<number> {
  return channel.newReceiver().receive();
}

function slotAndAbortedOfDroppedReceiver(channel: Broadcast<number>, signal: AbortSignal): Promise<number>[] {
  const receiver = channel.newReceiver();
  return [receiver.receive(), receiver.receive({ signal })];
}

describe('BroadcastReceiver and the receive() slot (protocol invariant 5)', () => {
  it('a receiver referenced only by its receive() waiting in the slot is not collected, gets the next message, and is collectable after', async () => {
    const channel = new Broadcast<number>('slot-gc');
    const received = track(receiveOfDroppedReceiver(channel));
    expect(await collectUntil(() => channel.receiverCount === 0, 5)).toBe(false);
    await channel.newSender().send(1);
    await flushMicrotasks();
    expect(received.current()).toEqual({ state: 'fulfilled', value: 1 });
    // More collections than the default: beside another Jest worker, the finalizer's cleanup task can lag.
    expect(await collectUntil(() => channel.receiverCount === 0, 60)).toBe(true);
  });

  it('an aborted receive() behind the slot leaves the receiver held for the slot', async () => {
    const channel = new Broadcast<number>('slot-gc');
    const controller = new AbortController();
    const [inSlot, aborted] = slotAndAbortedOfDroppedReceiver(channel, controller.signal) as [
      Promise<number>,
      Promise<number>,
    ];
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(await collectUntil(() => channel.receiverCount === 0, 5)).toBe(false);
    await channel.newSender().send(1);
    await expect(inSlot).resolves.toBe(1);
  });

  it('intoPeekable() while a receive() waits in the slot rejects it with ReceiverInvalidatedError; the peekable sees the next message', async () => {
    const channel = new Broadcast<number>('slot-peek');
    const receiver = channel.newReceiver();
    const received = receiver.receive();
    const peekable = receiver.intoPeekable();
    await expect(received).rejects.toBeInstanceOf(ReceiverInvalidatedError);
    await channel.newSender().send(1);
    expect(peekable.peek()).toBe(1);
    await expect(receiver.receive()).rejects.toBeInstanceOf(ReceiverInvalidatedError);
  });

  it('resendLatest: a new receiver has the latest at once, and its next receive() waits in the slot for the message after', async () => {
    const channel = new Broadcast<number>('slot-latest', { resendLatest: true });
    const sender = channel.newSender();
    await sender.send(1);
    const receiver = channel.newReceiver();
    await expect(receiver.receive()).resolves.toBe(1);
    const next = track(receiver.receive());
    await flushMicrotasks();
    expect(next.current()).toEqual({ state: 'pending' });
    await sender.send(2);
    await flushMicrotasks();
    expect(next.current()).toEqual({ state: 'fulfilled', value: 2 });
  });

  it('re-entrant calls from a subscriber of another receiver, in the delivery of a message, while a receive() waits in the slot', async () => {
    const channel = new Broadcast<number>('slot-reentrant');
    const sender = channel.newSender();
    const watcher = channel.newReceiver();
    const waiting = channel.newReceiver();
    const later = channel.newReceiver();
    const inSlot = waiting.receive();
    const seen: [string, number][] = [];
    let fromInside: Promise<number> | undefined;
    let closing: Promise<number> | undefined;
    watcher.subscribe((message) => {
      seen.push(['watcher', message]);
      if (message === 1) {
        // A receive() on a receiver the message has not reached yet gets that same message.
        fromInside = later.receive();
        // A send from inside the delivery is delivered after it, to everyone, in order.
        void sender.send(2);
        // A receive() in the slot of a receiver closed from here stops (after what it holds).
        closing = waiting.receive();
      }
    });
    await sender.send(1);
    await expect(inSlot).resolves.toBe(1);
    await expect(fromInside).resolves.toBe(1);
    await expect(later.receive()).resolves.toBe(2);
    await expect(closing).resolves.toBe(2);
    waiting.close();
    await expect(waiting.receive()).rejects.toBeInstanceOf(ReceiverStoppedError);
    expect(seen).toEqual([
      ['watcher', 1],
      ['watcher', 2],
    ]);
  });
});
