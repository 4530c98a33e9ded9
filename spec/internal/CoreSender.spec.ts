import { config } from 'rxjs';
import fc from 'fast-check';
import {
  Anycast,
  Broadcast,
  ChannelClosedError,
  ReceiverStoppedError,
  Sender,
  SenderClosedError,
  SenderError,
  type Receiver,
} from 'rx-channels';
import { abortListenerCount, flushMicrotasks, reasonOf, thrownBy, track, type Settlement } from '../helpers/async';
import { canCollect, collectUntil } from '../helpers/gc';
import { drain } from '../helpers/receivers';
import { propertyParameters } from '../helpers/properties';

interface AnyChannel<T> {
  newSender(): Sender<T>;
  newReceiver(): Receiver<T>;
  readonly isClosed: boolean;
}

const channels: [string, (autoClose?: boolean) => AnyChannel<number>][] = [
  ['Anycast', (autoClose) => new Anycast<number>({ name: 'jobs', autoClose })],
  ['Broadcast', (autoClose) => new Broadcast<number>('news', { autoClose })],
];

describe.each(channels)('sender close() on a %s', (kind, make) => {
  it('is idempotent, sets isClosed, and makes send() reject with SenderClosedError naming the sender', async () => {
    const channel = make();
    const sender = channel.newSender();
    const receiver = channel.newReceiver();
    expect(sender.isClosed).toBe(false);
    sender.close();
    sender.close();
    expect(sender.isClosed).toBe(true);
    const error = await reasonOf(sender.send(1));
    expect(error).toBeInstanceOf(SenderClosedError);
    expect(error).toBeInstanceOf(SenderError);
    expect((error as SenderClosedError).sender).toBe(sender);
    expect((error as Error).message).toBe(`Sender ${kind}Sender:${kind === 'Anycast' ? 'jobs' : 'news'} was closed`);
    expect((error as Error).name).toBe('SenderClosedError');
    expect(thrownBy(() => sender.trySend(2))).toBeInstanceOf(SenderClosedError);
    // Nothing was placed, and the channel stays open.
    expect(receiver.tryReceive()).toEqual({ ok: false, stopped: false });
    expect(channel.isClosed).toBe(false);
  });

  it('leaves the other senders of the channel working', async () => {
    const channel = make();
    const [closed, open] = [channel.newSender(), channel.newSender()];
    const receiver = channel.newReceiver();
    closed.close();
    await open.send(7);
    expect(open.isClosed).toBe(false);
    expect(await receiver.receive()).toBe(7);
  });

  it('lets an already-aborted send() reject with the signal reason first', async () => {
    const sender = make().newSender();
    sender.close();
    const reason = new Error('gave up');
    expect(await reasonOf(sender.send(1, { signal: AbortSignal.abort(reason) }))).toBe(reason);
  });

  it('after the channel closed, a closed sender still says SenderClosedError', async () => {
    const channel = make();
    const sender = channel.newSender();
    await (channel as unknown as { close(): Promise<void> }).close();
    expect(await reasonOf(sender.send(1))).not.toBeInstanceOf(SenderClosedError);
    sender.close();
    expect(await reasonOf(sender.send(1))).toBeInstanceOf(SenderClosedError);
  });

  describe('autoClose', () => {
    it('does not close before any sender exists, nor while one is open', async () => {
      const channel = make(true);
      const receiver = channel.newReceiver();
      await flushMicrotasks();
      expect(channel.isClosed).toBe(false);
      const [a, b] = [channel.newSender(), channel.newSender()];
      a.close();
      expect(channel.isClosed).toBe(false);
      await b.send(1);
      expect(await receiver.receive()).toBe(1);
    });

    it('closes the channel exactly when the last open sender closes; receivers drain, then stop', async () => {
      const channel = make(true);
      const receiver = channel.newReceiver();
      const [a, b] = [channel.newSender(), channel.newSender()];
      await a.send(1);
      a.close();
      await b.send(2);
      b.close();
      expect(channel.isClosed).toBe(true);
      expect(await receiver.receive()).toBe(1);
      expect(await receiver.receive()).toBe(2);
      const error = await reasonOf(receiver.receive());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as Error).cause).toBeInstanceOf(ChannelClosedError);
    });

    it('is off by default: closing every sender leaves the channel open', () => {
      const channel = make();
      channel.newSender().close();
      expect(channel.isClosed).toBe(false);
    });

    it('a sender made after the channel closed itself fails with SenderError (cause ChannelClosedError)', async () => {
      const channel = make(true);
      channel.newSender().close();
      const late = channel.newSender();
      const error = await reasonOf(late.send(1));
      expect(error).toBeInstanceOf(SenderError);
      expect(error).not.toBeInstanceOf(SenderClosedError);
      expect((error as Error).cause).toBeInstanceOf(ChannelClosedError);
      late.close();
    });

    (canCollect ? it : it.skip)('garbage collection of a sender does not count as closing it', async () => {
      const channel = make(true);
      const registry = new FinalizationRegistry<string>(() => {
        collected = true;
      });
      let collected = false;
      (() => {
        registry.register(channel.newSender(), 'sender');
      })();
      expect(await collectUntil(() => collected)).toBe(true);
      expect(channel.isClosed).toBe(false);
    });
  });
});

describe('sender close() on an Anycast with senders waiting for room', () => {
  it('releases the closed sender’s waiting sends with SenderClosedError; the others keep their place', async () => {
    const channel = new Anycast<string>({ maxsize: 1 });
    const [a, b] = [channel.newSender(), channel.newSender()];
    const receiver = channel.newReceiver();
    await a.send('a1');
    const waitingA = track(a.send('a2'));
    const waitingB = track(b.send('b1'));
    const waitingA3 = track(a.send('a3'));
    a.close();
    await flushMicrotasks();
    expect(waitingA.current()).toMatchObject({ state: 'rejected' });
    expect(waitingA3.current()).toMatchObject({ state: 'rejected' });
    const reason = (waitingA.current() as { reason: unknown }).reason;
    expect(reason).toBeInstanceOf(SenderClosedError);
    expect(waitingB.current().state).toBe('pending');
    expect(await receiver.receive()).toBe('a1');
    expect(await receiver.receive()).toBe('b1');
    expect(waitingB.current().state).toBe('fulfilled');
    expect(channel.size).toBe(0);
  });

  it('with autoClose, closing the last sender while it waits releases it and closes the channel', async () => {
    const channel = new Anycast<number>({ maxsize: 1, autoClose: true });
    const sender = channel.newSender();
    const receiver = channel.newReceiver();
    await sender.send(1);
    const waiting = sender.send(2);
    sender.close();
    expect(await reasonOf(waiting)).toBeInstanceOf(SenderClosedError);
    expect(await drain(receiver)).toEqual([1]);
  });

  it('an abort signal of a released send has no listener left', async () => {
    const channel = new Anycast<number>({ maxsize: 1 });
    const sender = channel.newSender();
    await sender.send(1);
    const controller = new AbortController();
    const waiting = sender.send(2, { signal: controller.signal });
    sender.close();
    expect(await reasonOf(waiting)).toBeInstanceOf(SenderClosedError);
    controller.abort();
    expect(channel.size).toBe(1);
  });
});

describe('sender close() from inside a Broadcast delivery, with autoClose', () => {
  it('lets the delivery reach every receiver, then completes them', async () => {
    const channel = new Broadcast<number>('b', { autoClose: true });
    const sender = channel.newSender();
    const first = channel.newReceiver();
    const second = channel.newReceiver();
    const seen: number[] = [];
    let completed = false;
    first.subscribe({ next: () => sender.close() });
    second.subscribe({ next: (n) => seen.push(n), complete: () => (completed = true) });
    await sender.send(1);
    await flushMicrotasks();
    expect(seen).toEqual([1]);
    expect(completed).toBe(true);
    expect(channel.isClosed).toBe(true);
  });
});

describe('Sender close() of a sender written outside the library', () => {
  class ArraySender extends Sender<number> {
    readonly sent: number[] = [];
    send(message: number): Promise<void> {
      if (this.isClosed) {
        return Promise.reject(new SenderClosedError(this));
      }
      this.sent.push(message);
      return Promise.resolve();
    }
  }

  it('marks it closed through the base class', async () => {
    const sender = new ArraySender();
    await sender.send(1);
    expect(sender.isClosed).toBe(false);
    sender.close();
    expect(sender.isClosed).toBe(true);
    expect(await reasonOf(sender.send(2))).toBeInstanceOf(SenderClosedError);
    expect(sender.sent).toEqual([1]);
  });
});

describe('autoClose (property): random senders, sends, closes and receives', () => {
  type Step = { op: 'make' } | { op: 'send'; who: number } | { op: 'close'; who: number } | { op: 'receive' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant<Step>({ op: 'make' }),
    fc.nat(5).map<Step>((who) => ({ op: 'send', who })),
    fc.nat(5).map<Step>((who) => ({ op: 'close', who })),
    fc.constant<Step>({ op: 'receive' }),
  );

  it('never closes early and never loses a buffered message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(step, { maxLength: 40 }), async (isAnycast, steps) => {
        const channel = isAnycast
          ? new Anycast<number>({ maxsize: Infinity, autoClose: true })
          : new Broadcast<number>('p', { autoClose: true });
        const receiver = channel.newReceiver({ maxsize: 1000 } as never);
        const senders: Sender<number>[] = [];
        const sent: number[] = [];
        const received: number[] = [];
        let next = 0;
        let autoClosed = false;
        for (const s of steps) {
          if (s.op === 'make') {
            senders.push(channel.newSender());
          } else if (s.op === 'send' && senders.length > 0) {
            const sender = senders[s.who % senders.length] as Sender<number>;
            const message = next++;
            const result = await sender.send(message).then(
              () => true,
              (error: unknown) => error,
            );
            if (result === true) {
              sent.push(message);
            } else {
              expect(result).toBeInstanceOf(SenderError);
              expect(sender.isClosed || channel.isClosed).toBe(true);
            }
          } else if (s.op === 'close' && senders.length > 0) {
            (senders[s.who % senders.length] as Sender<number>).close();
          } else if (s.op === 'receive') {
            const result = receiver.tryReceive();
            if (result.ok) received.push(result.message);
          }
          // Closed once every sender made so far is closed; a closed channel stays closed.
          autoClosed ||= senders.length > 0 && senders.every((sender) => sender.isClosed);
          expect(channel.isClosed).toBe(autoClosed);
        }
        await (channel as { close(): Promise<void> }).close();
        received.push(...(await drain(receiver)));
        expect(received).toEqual(sent);
      }),
      propertyParameters(200),
    );
  });
});

describe('attacks on sender close() and autoClose', () => {
  it('Broadcast autoClose: a send queued inside a delivery before the last close() still reaches every receiver; one after rejects', async () => {
    const channel = new Broadcast<number>('b', { autoClose: true });
    const [a, b] = [channel.newSender(), channel.newSender()];
    const first = channel.newReceiver();
    const second = channel.newReceiver();
    const late: Promise<void>[] = [];
    first.subscribe({
      next: (n) => {
        if (n !== 1) return;
        void b.send(2);
        a.close();
        b.close();
        late.push(a.send(3));
      },
    });
    const seen: number[] = [];
    let completed = false;
    second.subscribe({ next: (n) => seen.push(n), complete: () => (completed = true) });
    await a.send(1);
    expect(seen).toEqual([1, 2]);
    expect(completed).toBe(true);
    expect(channel.isClosed).toBe(true);
    expect(await reasonOf(late[0] as Promise<void>)).toBeInstanceOf(SenderClosedError);
  });

  it("Anycast autoClose: the last close() from inside a waiting receive()'s map() still delivers that message, then stops", async () => {
    const channel = new Anycast<number>({ autoClose: true, maxsize: 0 });
    const sender = channel.newSender();
    const receiver = channel.newReceiver();
    const received = receiver
      .map((n) => {
        sender.close();
        return n * 10;
      })
      .receive();
    await flushMicrotasks();
    await sender.send(1);
    expect(await received).toBe(10);
    expect(channel.isClosed).toBe(true);
    expect(await reasonOf(receiver.receive())).toBeInstanceOf(ReceiverStoppedError);
  });

  it("Anycast autoClose: a sender made after the channel closed itself rejects with the channel's SenderError, and closing it is harmless", async () => {
    const channel = new Anycast<number>({ autoClose: true });
    const first = channel.newSender();
    first.close();
    expect(channel.isClosed).toBe(true);
    const late = channel.newSender();
    const error = await reasonOf(late.send(1));
    expect(error).toBeInstanceOf(SenderError);
    expect(error).not.toBeInstanceOf(SenderClosedError);
    expect((error as Error).cause).toBeInstanceOf(ChannelClosedError);
    late.close();
    expect(late.isClosed).toBe(true);
  });

  it("rendezvous: closing a sender whose send a receiver's ready() already took leaves that send resolved and the message with the receiver", async () => {
    const channel = new Anycast<number>({ maxsize: 0 });
    const sender = channel.newSender();
    const receiver = channel.newReceiver();
    const sent = track(sender.send(1));
    const waiting = track(sender.send(2));
    const ready = receiver.ready();
    sender.close();
    expect(await ready).toBe(true);
    await flushMicrotasks();
    expect(sent.current().state).toBe('fulfilled');
    expect(waiting.current()).toMatchObject({ state: 'rejected' });
    expect((waiting.current() as { reason: unknown }).reason).toBeInstanceOf(SenderClosedError);
    expect(receiver.consume()).toBe(1);
    expect(receiver.tryReceive()).toEqual({ ok: false, stopped: false });
  });

  it('rendezvous, autoClose: the last sender closed from a filter predicate mid-ready(): the judged send resolved and is delivered, its next send is released, then the receiver stops', async () => {
    const channel = new Anycast<number>({ maxsize: 0, autoClose: true });
    const sender = channel.newSender();
    const first = track(sender.send(1));
    const second = track(sender.send(2));
    const filtered = channel.newReceiver().filter((n) => {
      sender.close();
      return n === 1;
    });
    expect(await filtered.ready()).toBe(true);
    await flushMicrotasks();
    expect(first.current().state).toBe('fulfilled');
    expect(second.current()).toMatchObject({ state: 'rejected' });
    expect((second.current() as { reason: unknown }).reason).toBeInstanceOf(SenderClosedError);
    expect(channel.isClosed).toBe(true);
    expect(filtered.consume()).toBe(1);
    expect(await filtered.ready()).toBe(false);
  });

  it('a close() from inside an abort listener settles the waiting send once, by whichever came first', async () => {
    for (const closeFirst of [true, false]) {
      const channel = new Anycast<number>({ maxsize: 0 });
      const sender = channel.newSender();
      const controller = new AbortController();
      const close = () => sender.close();
      // Listeners run in the order they were added: before the send's own, close() comes first.
      if (closeFirst) controller.signal.addEventListener('abort', close);
      const waiting = sender.send(1, { signal: controller.signal });
      if (!closeFirst) controller.signal.addEventListener('abort', close);
      controller.abort(new Error('stop'));
      const reason = await reasonOf(waiting);
      if (closeFirst) expect(reason).toBeInstanceOf(SenderClosedError);
      else expect(reason).toEqual(new Error('stop'));
      controller.signal.removeEventListener('abort', close);
      expect(abortListenerCount(controller.signal)).toBe(0);
      expect(channel.newReceiver().tryReceive()).toEqual({ ok: false, stopped: false });
    }
  });

  it.each(['true', 1, null])('refuses autoClose %p with a TypeError naming it, on both channels', (autoClose) => {
    const error = new TypeError(`Expected \`autoClose\` to be a boolean, got ${typeof autoClose}`);
    expect(() => new Anycast<number>({ autoClose: autoClose as unknown as boolean })).toThrow(error);
    expect(() => new Broadcast<number>('b', { autoClose: autoClose as unknown as boolean })).toThrow(error);
  });

  it('a subscriber that closes the last sender of an autoClose Broadcast and then throws: the others still get the message, then complete', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    try {
      const channel = new Broadcast<number>('b', { autoClose: true });
      const sender = channel.newSender();
      const boom = new Error('subscriber');
      channel.newReceiver().subscribe(() => {
        sender.close();
        throw boom;
      });
      const seen: number[] = [];
      let completed = false;
      channel.newReceiver().subscribe({ next: (n) => seen.push(n), complete: () => (completed = true) });
      await sender.send(1);
      expect(seen).toEqual([1]);
      expect(completed).toBe(true);
      // RxJS reports an error thrown by a subscriber from a timer.
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(reported).toEqual([boom]);
    } finally {
      config.onUnhandledError = null;
    }
  });

  it('fast-check: every send of a sender closed at a random point either resolved and was received once, or rejected and was never received', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(0, 1, 2, Infinity),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        async (maxsize, sends, closeAt, readFirst) => {
          const channel = new Anycast<number>({ maxsize, autoClose: true });
          const sender = channel.newSender();
          const receiver = channel.newReceiver();
          const received: number[] = [];
          const reading = readFirst ? receiver.ready() : Promise.resolve(false);
          const outcomes = Array.from({ length: sends }, (_, n) => {
            if (n === closeAt) sender.close();
            return settlement(sender.send(n));
          });
          if (closeAt >= sends) sender.close();
          if (await reading) received.push(receiver.consume());
          received.push(...(await drain(receiver)));
          const settled = await Promise.all(outcomes);
          const resolved = settled.flatMap((s, n) => (s.state === 'fulfilled' ? [n] : []));
          expect(received).toEqual(resolved);
          for (const s of settled) {
            if (s.state === 'rejected') expect(s.reason).toBeInstanceOf(SenderClosedError);
          }
        },
      ),
      propertyParameters(150),
    );
  });
});

/** How `promise` settles, once it has (never rejects). */
function settlement<T>(promise: Promise<T>): Promise<Settlement<T>> {
  return promise.then(
    (value) => ({ state: 'fulfilled', value }) as const,
    (reason: unknown) => ({ state: 'rejected', reason }) as const,
  );
}
