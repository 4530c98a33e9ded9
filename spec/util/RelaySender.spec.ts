import { Anycast, Broadcast, ChannelClosedError, Sender, SenderClosedError, SenderError } from 'rx-channels';
import { RelaySender } from 'rx-channels/util';
import { abortListenerCount, reasonOf } from '../helpers/async';

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
