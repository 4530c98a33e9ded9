import { Anycast, Broadcast, ChannelClosedError, Sender, SenderClosedError, SenderError } from 'rx-channels';
import { RelaySender } from 'rx-channels/util';
import fc from 'fast-check';
import { abortListenerCount, flushMicrotasks, reasonOf, type Settlement } from '../helpers/async';
import { propertyParameters } from '../helpers/properties';

/** Lets every pending promise reaction run. */
function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('RelaySender', () => {
  it('sends every message to each member, in order per member', async () => {
    const a = new Anycast<number>({ name: 'a', maxsize: 10 });
    const b = new Broadcast<number>('b');
    const ra = a.newReceiver();
    const rb = b.newReceiver();
    const relay = new RelaySender(a.newSender(), b.newSender());
    for (let i = 0; i < 5; i++) {
      await relay.send(i);
    }
    const got: [number[], number[]] = [[], []];
    for (let i = 0; i < 5; i++) {
      got[0].push(await ra.receive());
      got[1].push(await rb.receive());
    }
    expect(got).toEqual([
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);
  });

  it('keeps order over many messages sent in a row without awaiting each', async () => {
    const a = new Anycast<number>({ maxsize: 3 });
    const b = new Anycast<number>({ maxsize: 1 });
    const ra = a.newReceiver();
    const rb = b.newReceiver();
    const relay = new RelaySender(a.newSender(), b.newSender());
    const n = 50;
    const sends = Array.from({ length: n }, (_, i) => relay.send(i));
    const got: [number[], number[]] = [[], []];
    for (let i = 0; i < n; i++) {
      got[1].push(await rb.receive());
      got[0].push(await ra.receive());
    }
    await Promise.all(sends);
    const expected = Array.from({ length: n }, (_, i) => i);
    expect(got).toEqual([expected, expected]);
  });

  it('waits while a member is full (back-pressure), then completes', async () => {
    const full = new Anycast<string>({ name: 'full', maxsize: 1 });
    const other = new Broadcast<string>('other');
    const rFull = full.newReceiver();
    const rOther = other.newReceiver();
    const fullSender = full.newSender();
    await fullSender.send('old');
    const relay = new RelaySender(fullSender, other.newSender());
    let done = false;
    const sent = relay.send('new').then(() => {
      done = true;
    });
    await flush();
    expect(done).toBe(false);
    expect(rOther.tryReceive().ok).toBe(false);
    expect(await rFull.receive()).toBe('old');
    await sent;
    expect(done).toBe(true);
    expect(await rFull.receive()).toBe('new');
    expect(await rOther.receive()).toBe('new');
  });

  it("rejects with a closed member's SenderError; earlier members keep the message, later ones do not get it", async () => {
    const first = new Broadcast<number>('first');
    const closed = new Anycast<number>({ name: 'closed' });
    const last = new Broadcast<number>('last');
    const rFirst = first.newReceiver();
    const rLast = last.newReceiver();
    const closedSender = closed.newSender();
    await closed.close();
    const relay = new RelaySender(first.newSender(), closedSender, last.newSender());
    const error = await relay.send(7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SenderError);
    expect((error as SenderError).sender).toBe(closedSender);
    expect((error as SenderError).cause).toBeInstanceOf(ChannelClosedError);
    expect(await rFirst.receive()).toBe(7);
    expect(rLast.tryReceive().ok).toBe(false);
  });

  it('passes the signal to the member it is waiting on: rejects with the reason, later members untouched', async () => {
    const full = new Anycast<number>({ maxsize: 1 });
    const later = new Broadcast<number>('later');
    const rFull = full.newReceiver();
    const rLater = later.newReceiver();
    const fullSender = full.newSender();
    await fullSender.send(1);
    const relay = new RelaySender(fullSender, later.newSender());
    const controller = new AbortController();
    const reason = new Error('give up');
    const sent = relay.send(2, { signal: controller.signal });
    await flush();
    controller.abort(reason);
    await expect(sent).rejects.toBe(reason);
    expect(await rFull.receive()).toBe(1);
    expect(rFull.tryReceive().ok).toBe(false);
    expect(rLater.tryReceive().ok).toBe(false);
  });

  it('rejects at once with an already-aborted signal and places nothing', async () => {
    const a = new Broadcast<number>('a');
    const ra = a.newReceiver();
    const relay = new RelaySender(a.newSender());
    const reason = new Error('already');
    await expect(relay.send(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(ra.tryReceive().ok).toBe(false);
  });

  it('does not support trySend(): throws a SenderError and places nothing', () => {
    const a = new Broadcast<number>('a');
    const ra = a.newReceiver();
    const relay = new RelaySender(a.newSender());
    expect(() => relay.trySend(1)).toThrow(SenderError);
    expect(ra.tryReceive().ok).toBe(false);
  });

  it('rejects bad arguments with a TypeError', () => {
    expect(() => new RelaySender()).toThrow(TypeError);
    const good = new Broadcast<number>('g').newSender();
    expect(() => new RelaySender(good, {} as unknown as Sender<number>)).toThrow(/senders\[1\]/);
    expect(() => new RelaySender(null as unknown as Sender<number>)).toThrow(/senders\[0\]/);
  });

  it('is a Sender and names its member count', () => {
    const relay = new RelaySender(new Broadcast<number>('x').newSender(), new Broadcast<number>('y').newSender());
    expect(relay).toBeInstanceOf(Sender);
    expect(String(relay)).toBe('RelaySender:2 members');
  });

  it('close() closes the relay, not its members: its send() rejects with SenderClosedError', async () => {
    const channel = new Anycast<number>();
    const member = channel.newSender();
    const relay = new RelaySender(member);
    relay.close();
    expect(relay.isClosed).toBe(true);
    const error = await relay.send(1).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(SenderClosedError);
    expect(channel.size).toBe(0);
    expect(member.isClosed).toBe(false);
    await member.send(2);
    expect(channel.size).toBe(1);
  });

  it('with a closed member, rejects with that member’s SenderClosedError', async () => {
    const channel = new Anycast<number>();
    const [first, second] = [channel.newSender(), channel.newSender()];
    second.close();
    const error = await new RelaySender(first, second).send(1).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(SenderClosedError);
    expect((error as SenderClosedError).sender).toBe(second);
    expect(channel.size).toBe(1);
  });

  describe('close() while a send of it waits (Sender.close(): "a send of it still waiting for room is released")', () => {
    // Broken by this attack: the relay's send went on waiting after close(), then placed the
    // message in every member, after the relay had been closed.
    it('releases the waiting send with SenderClosedError; the waiting member and later ones do not get the message', async () => {
      const full = new Anycast<number>({ maxsize: 1 });
      const audit = new Broadcast<number>('audit');
      const log = audit.newReceiver();
      const fullSender = full.newSender();
      await fullSender.send(0);
      const relay = new RelaySender(fullSender, audit.newSender());
      const controller = new AbortController();
      const waiting = relay.send(1, { signal: controller.signal });
      await flush();
      relay.close();
      const error = await reasonOf(waiting);
      expect(error).toBeInstanceOf(SenderClosedError);
      expect((error as SenderClosedError).sender).toBe(relay);
      expect(await full.newReceiver().receiveMany(10)).toEqual([0]);
      expect(log.tryReceive()).toEqual({ ok: false, stopped: false });
      expect(abortListenerCount(controller.signal)).toBe(0);
      expect(fullSender.isClosed).toBe(false);
    });

    it('closed between two members: the later member does not get the message', async () => {
      const first = new Broadcast<number>('first');
      const second = new Broadcast<number>('second');
      const [one, two] = [first.newReceiver(), second.newReceiver()];
      // eslint-disable-next-line prefer-const -- closed from a subscriber of the first member
      let relay: RelaySender<number>;
      one.subscribe(() => relay.close());
      relay = new RelaySender(first.newSender(), second.newSender());
      expect(await reasonOf(relay.send(1))).toBeInstanceOf(SenderClosedError);
      expect(two.tryReceive()).toEqual({ ok: false, stopped: false });
    });

    it("sends that complete leave no abort listener on the caller's signal", async () => {
      const channel = new Anycast<number>();
      const relay = new RelaySender(channel.newSender(), channel.newSender());
      const controller = new AbortController();
      for (let n = 0; n < 5; n++) await relay.send(n, { signal: controller.signal });
      expect(abortListenerCount(controller.signal)).toBe(0);
      expect(channel.size).toBe(10);
    });

    it('refuses a signal that is not an AbortSignal with a TypeError', () => {
      const relay = new RelaySender(new Anycast<number>().newSender());
      expect(() => relay.send(1, { signal: 'nope' as unknown as AbortSignal })).toThrow(TypeError);
    });
  });
});

describe('RelaySender (fast-check): aborts and close() at random points', () => {
  it('each message reaches a prefix of the members: all of them when its send resolved, never all when it rejected', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<number | 'broadcast'>(0, 1, Infinity, 'broadcast'), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('abort' as const), which: fc.nat(3) }),
            fc.record({ kind: fc.constant('close' as const) }),
            fc.record({ kind: fc.constant('drain' as const), member: fc.nat(2) }),
          ),
          { maxLength: 6 },
        ),
        async (kinds, count, events) => {
          const members = kinds.map((kind, index) => {
            const channel =
              kind === 'broadcast' ? new Broadcast<number>(`m${index}`) : new Anycast<number>({ maxsize: kind });
            return { sender: channel.newSender(), receiver: channel.newReceiver(), got: [] as number[] };
          });
          const relay = new RelaySender(...members.map((member) => member.sender));
          const controllers = Array.from({ length: count }, () => new AbortController());
          const outcomes = controllers.map((controller, n) => settlement(relay.send(n, { signal: controller.signal })));
          const drainMember = (member: (typeof members)[number]) => {
            for (let r = member.receiver.tryReceive(); r.ok; r = member.receiver.tryReceive())
              member.got.push(r.message);
          };
          for (const event of events) {
            await flushMicrotasks();
            if (event.kind === 'abort') controllers[event.which % count]?.abort(new Error('aborted'));
            if (event.kind === 'close') relay.close();
            if (event.kind === 'drain') drainMember(members[event.member % members.length] as (typeof members)[number]);
          }
          // Let every send finish: drain until nothing waits.
          const settled = Promise.all(outcomes);
          let done = false;
          void settled.then(() => (done = true));
          for (let round = 0; round < 50 && !done; round++) {
            members.forEach(drainMember);
            await flushMicrotasks();
          }
          members.forEach(drainMember);
          const results = await settled;
          results.forEach((result, n) => {
            const reached = members.map((member) => member.got.filter((m) => m === n).length);
            // Each member has it at most once, and the members that have it are a prefix.
            expect(reached.every((times) => times <= 1)).toBe(true);
            const prefix = reached.indexOf(0) === -1 ? reached.length : reached.indexOf(0);
            expect(reached.slice(prefix).every((times) => times === 0)).toBe(true);
            if (result.state === 'fulfilled') expect(prefix).toBe(members.length);
            else if (result.state === 'rejected') {
              expect(prefix).toBeLessThan(members.length);
              const reason = result.reason;
              if (!(reason instanceof Error && reason.message === 'aborted'))
                expect(reason).toBeInstanceOf(SenderClosedError);
            }
          });
          for (const controller of controllers) expect(abortListenerCount(controller.signal)).toBe(0);
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
