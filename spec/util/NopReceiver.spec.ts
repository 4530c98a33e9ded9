import { Anycast, Merge, NopReceiver, ReceiverError, ReceiverStoppedError, select, selectedFrom } from 'rx-channels';
import { NopReceiver as UtilNopReceiver } from 'rx-channels/util';
import { abortListenerCount, flushMicrotasks, settlementOf, thrownBy, track } from '../helpers/async';
import { ProbeReceiver } from '../helpers/probe';

describe('NopReceiver', () => {
  it('is exported from the root and from rx-channels/util', () => {
    expect(NopReceiver).toBe(UtilNopReceiver);
  });

  it('takes a name, used in toString(), and numbers receivers without one', () => {
    expect(String(new NopReceiver({ name: 'idle' }))).toBe('NopReceiver:idle');
    const first = new NopReceiver();
    const second = new NopReceiver();
    expect(first.name).toMatch(/^nop-\d+$/);
    expect(second.name).not.toBe(first.name);
  });

  it('refuses a name that is not a string and options that are not an object', () => {
    expect(() => new NopReceiver({ name: 5 as unknown as string })).toThrow(TypeError);
    expect(() => new NopReceiver({ name: 5 as unknown as string })).toThrow(/`name`/);
    expect(() => new NopReceiver('x' as unknown as object)).toThrow(/`options`/);
  });

  it('is never ready; consume() throws a ReceiverError that is not a stop, tryReceive() finds nothing', async () => {
    const receiver = new NopReceiver<number>();
    expect((await settlementOf(receiver.ready())).state).toBe('pending');
    const error = thrownBy(() => receiver.consume());
    expect(error).toBeInstanceOf(ReceiverError);
    expect(error).not.toBeInstanceOf(ReceiverStoppedError);
    expect(receiver.tryReceive()).toEqual({ ok: false, stopped: false });
    receiver.close();
  });

  it('close() releases a pending ready() with false; then consume() and tryReceive() report the stop', async () => {
    const receiver = new NopReceiver<number>({ name: 'n' });
    const ready = receiver.ready();
    const receive = receiver.receive();
    receiver.close();
    receiver.close();
    expect(await ready).toBe(false);
    await expect(receive).rejects.toBeInstanceOf(ReceiverStoppedError);
    expect(receiver.isStopped).toBe(true);
    expect(thrownBy(() => receiver.consume())).toBeInstanceOf(ReceiverStoppedError);
    expect(receiver.tryReceive()).toMatchObject({ ok: false, stopped: true });
    expect(await receiver.ready()).toBe(false);
  });

  it('an aborted ready() rejects with the reason and leaves no abort listener', async () => {
    const receiver = new NopReceiver<number>();
    const controller = new AbortController();
    const ready = receiver.ready({ signal: controller.signal });
    expect(abortListenerCount(controller.signal)).toBe(1);
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(ready).rejects.toBe(reason);
    expect(abortListenerCount(controller.signal)).toBe(0);
    const later = receiver.ready({ signal: new AbortController().signal });
    receiver.close();
    expect(await later).toBe(false);
  });

  it('close() settles a wait on a long-lived signal and leaves its abort listener behind on none', async () => {
    const receiver = new NopReceiver<number>();
    const controller = new AbortController();
    const ready = receiver.ready({ signal: controller.signal });
    receiver.close();
    expect(await ready).toBe(false);
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('in select() yields only the other receiver’s items, then one stop item on close', async () => {
    const channel = new Anycast<number>({ name: 'a' });
    const other = channel.newReceiver();
    const nop = new NopReceiver<string>({ name: 'n' });
    const sender = channel.newSender();
    await sender.send(1);
    await sender.send(2);
    await channel.close();
    const seen: unknown[] = [];
    for await (const selected of select(other, nop)) {
      if (selectedFrom(selected, other)) {
        seen.push(selected.wasStopped ? 'other stopped' : selected.inner);
        if (selected.wasStopped) {
          nop.close();
        }
      } else if (selectedFrom(selected, nop)) {
        expect(selected.exception).toBeInstanceOf(ReceiverStoppedError);
        seen.push(selected.wasStopped ? 'nop stopped' : 'nop message');
      }
    }
    expect(seen).toEqual([1, 2, 'other stopped', 'nop stopped']);
  });

  it('merged with an Anycast receiver gives the Anycast’s messages and stops once both stopped', async () => {
    const channel = new Anycast<number>({ name: 'a' });
    const nop = new NopReceiver<number>();
    const merged = new Merge(channel.newReceiver(), nop);
    const sender = channel.newSender();
    await sender.send(1);
    await sender.send(2);
    await channel.close();
    expect(await merged.receive()).toBe(1);
    expect(await merged.receive()).toBe(2);
    const ready = merged.ready();
    expect((await settlementOf(ready)).state).toBe('pending');
    nop.close();
    expect(await ready).toBe(false);
  });

  it('its Observable never emits and completes on close; for await ends on close', async () => {
    const receiver = new NopReceiver<number>();
    const events: string[] = [];
    receiver.asObservable().subscribe({
      next: () => events.push('next'),
      complete: () => events.push('complete'),
      error: () => events.push('error'),
    });
    const loop = (async () => {
      let count = 0;
      for await (const _ of receiver) {
        count++;
      }
      return count;
    })();
    expect((await settlementOf(loop)).state).toBe('pending');
    expect(events).toEqual([]);
    receiver.close();
    expect(await loop).toBe(0);
    expect(events).toEqual(['complete']);
  });

  it('`using` closes it at the end of the block', async () => {
    let ready: Promise<boolean> | undefined;
    {
      using receiver = new NopReceiver<number>();
      ready = receiver.ready();
    }
    expect(await ready).toBe(false);
  });
});

describe('NopReceiver: attacks', () => {
  it('return() of its iterator with a next() pending resolves both done and leaves no waker', async () => {
    const nop = new ProbeReceiver(new NopReceiver<number>());
    const iterator = nop[Symbol.asyncIterator]();
    const pending = iterator.next();
    await flushMicrotasks();
    expect(nop.parked).toBe(1);
    await expect(iterator.return?.()).resolves.toEqual({ done: true, value: undefined });
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(nop.parked).toBe(0);
  });

  it('select() over it and a rendezvous channel: break leaves no waker on either and takes nothing more', async () => {
    const channel = new Anycast<string>({ maxsize: 0 });
    const sender = channel.newSender();
    const nop = new ProbeReceiver(new NopReceiver<string>());
    const jobs = new ProbeReceiver(channel.newReceiver());
    const first = sender.send('a');
    const second = track(sender.send('b'));
    const seen: string[] = [];
    for await (const selected of select(nop, jobs)) {
      if (selectedFrom(selected, jobs) && !selected.wasStopped && selected.exception === undefined)
        seen.push(selected.message);
      break;
    }
    await first;
    expect(seen).toEqual(['a']);
    expect([nop.parked, jobs.parked]).toEqual([0, 0]);
    await flushMicrotasks();
    expect(second.current().state).toBe('pending');
    expect(await channel.newReceiver().receive()).toBe('b');
  });

  it("close() from inside a subscriber of another receiver, in a sender's call stack, stops a merge of the two once the other stops", async () => {
    const channel = new Anycast<number>({ maxsize: 0 });
    const sender = channel.newSender();
    const nop = new NopReceiver<number>();
    const merged = new Merge(nop, channel.newReceiver());
    const seen: number[] = [];
    let completed = false;
    merged.subscribe({
      next: (n) => {
        seen.push(n);
        nop.close();
      },
      complete: () => (completed = true),
    });
    await sender.send(1);
    expect(nop.isStopped).toBe(true);
    expect(completed).toBe(false);
    await channel.close();
    await flushMicrotasks();
    expect(seen).toEqual([1]);
    expect(completed).toBe(true);
  });
});
