/**
 * RemoteSender over a real MessageChannel in this thread: back-pressure, FIFO at the owner,
 * abort, close, autoClose, transfer, errors rebuilt as the library's classes.
 */
import { Anycast, ChannelClosedError, ChannelsError, SenderClosedError, SenderError } from 'rx-channels';
import type { RemoteSender } from 'rx-channels/worker';
import { reasonOf, track } from '../helpers/async';
import { closeAllPairs, wirePair } from '../helpers/workers';

afterEach(closeAllPairs);

describe('RemoteSender', () => {
  it('resolves once placed; blocked sends of several threads are placed in arrival order at the owner', async () => {
    const jobs = new Anycast<string>({ name: 'jobs', maxsize: 1 });
    const { remote, sync, end } = wirePair({ jobs });
    const r1 = remote.jobs.newSender();
    const r2 = remote.jobs.newSender();
    const local = jobs.newSender();
    await local.send('l0'); // full
    const first = track(r1.send('r1'));
    await sync(); // r1 waits in the owner's line
    const second = track(local.send('l1'));
    const third = track(r2.send('r2'));
    await sync();
    expect([first.current().state, second.current().state, third.current().state]).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    const receiver = jobs.newReceiver();
    const got: string[] = [];
    for (let n = 0; n < 4; n++) got.push(await receiver.receive());
    expect(got).toEqual(['l0', 'r1', 'l1', 'r2']);
    await sync();
    expect([first.current().state, second.current().state, third.current().state]).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    await end();
  });

  it('keeps its own order over many sends not awaited (a window crosses the port, the rest wait here)', async () => {
    const jobs = new Anycast<number>({ name: 'jobs', maxsize: 2 });
    const { remote, end } = wirePair({ jobs });
    const sender = remote.jobs.newSender();
    const sends = Array.from({ length: 200 }, (_, n) => sender.send(n));
    const receiver = jobs.newReceiver();
    const got: number[] = [];
    for (let n = 0; n < 200; n++) got.push(await receiver.receive());
    await Promise.all(sends);
    expect(got).toEqual(Array.from({ length: 200 }, (_, n) => n));
    await end();
  });

  it('an aborted blocked send rejects with the reason and is never placed (blocked at the owner, or queued here)', async () => {
    const jobs = new Anycast<string>({ name: 'jobs', maxsize: 1 });
    const { remote, sync, end } = wirePair({ jobs });
    const sender = remote.jobs.newSender();
    await sender.send('kept');
    const controller = new AbortController();
    const blocked = sender.send('aborted', { signal: controller.signal });
    await sync();
    controller.abort(new Error('no more'));
    expect(((await reasonOf(blocked)) as Error).message).toBe('no more');
    const already = new AbortController();
    already.abort('before');
    expect(await reasonOf(sender.send('never', { signal: already.signal }))).toBe('before');
    const after = sender.send('after'); // blocked behind 'kept'
    const receiver = jobs.newReceiver();
    expect(await receiver.receive()).toBe('kept');
    expect(await receiver.receive()).toBe('after');
    await after;
    await sync();
    expect(jobs.size).toBe(0);
    await end();
  });

  it('sends waiting here behind the window: an aborted one is withdrawn, close() releases the rest', async () => {
    const jobs = new Anycast<number>({ name: 'jobs', maxsize: 1 });
    const { remote, sync, end } = wirePair({ jobs });
    const sender = remote.jobs.newSender();
    // 1 placed, 64 cross the port and wait at the owner, the rest wait here.
    const crossing = Array.from({ length: 65 }, (_, n) => track(sender.send(n)));
    const controller = new AbortController();
    const queued = sender.send(100, { signal: controller.signal });
    const last = sender.send(101);
    await sync();
    controller.abort('withdrawn');
    expect(await reasonOf(queued)).toBe('withdrawn');
    sender.close();
    expect(await reasonOf(last)).toBeInstanceOf(SenderClosedError);
    await sync();
    // The owner released the 64 that waited there (its sender closed); the first was placed.
    expect(crossing.map((send) => send.current().state)).toEqual(['fulfilled', ...Array(64).fill('rejected')]);
    expect(jobs.size).toBe(1);
    expect(await jobs.newReceiver().receive()).toBe(0);
    await end();
  });

  it('a closed channel: remote sends reject with SenderError (cause ChannelClosedError) naming the remote sender; a blocked one too', async () => {
    const jobs = new Anycast<string>({ name: 'jobs', maxsize: 1 });
    const { remote, sync, end } = wirePair({ jobs });
    const sender = remote.jobs.newSender();
    await sender.send('a');
    const blocked = sender.send('b');
    await sync();
    await jobs.close();
    for (const error of [await reasonOf(blocked), await reasonOf(sender.send('c'))]) {
      expect(error).toBeInstanceOf(SenderError);
      expect((error as SenderError).sender).toBe(sender);
      expect((error as Error).cause).toBeInstanceOf(ChannelClosedError);
      expect(((error as Error).cause as Error).message).toContain('RemoteChannel:jobs');
    }
    expect(String(sender)).toBe('RemoteSender:jobs');
    await end();
  });

  it('close(): later sends reject SenderClosedError, a send blocked at the owner is released, autoClose counts it', async () => {
    const jobs = new Anycast<string>({ name: 'jobs', maxsize: 1, autoClose: true });
    const { remote, sync, end } = wirePair({ jobs });
    const sender = remote.jobs.newSender();
    await sender.send('a');
    const blocked = sender.send('b');
    await sync();
    sender.close();
    sender.close(); // idempotent
    expect(sender.isClosed).toBe(true);
    const released = await reasonOf(blocked);
    expect(released).toBeInstanceOf(SenderClosedError);
    expect((released as SenderClosedError).sender).toBe(sender);
    expect(await reasonOf(sender.send('c'))).toBeInstanceOf(SenderClosedError);
    await sync();
    // Its owner-side sender was the channel's only one: autoClose closed the channel.
    const receiver = jobs.newReceiver();
    expect(await receiver.receive()).toBe('a');
    expect(await receiver.ready()).toBe(false);
    await end();
  });

  it('transfers what `transfer` lists: detached here, intact there', async () => {
    const frames = new Anycast<ArrayBuffer>({ name: 'frames' });
    const { remote, end } = wirePair({ frames });
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    await remote.frames.newSender().send(buffer, { transfer: [buffer] });
    expect(buffer.byteLength).toBe(0);
    expect([...new Uint8Array(await frames.newReceiver().receive())]).toEqual([1, 2, 3, 4]);
    await end();
  });

  it('a message that cannot be cloned rejects at once and sends nothing; trySend() throws SenderError', async () => {
    const jobs = new Anycast<unknown>({ name: 'jobs' });
    const { remote, end } = wirePair({ jobs });
    const sender = remote.jobs.newSender();
    expect(((await reasonOf(sender.send(() => 1))) as Error).name).toBe('DataCloneError');
    expect(() => sender.trySend(1)).toThrow(SenderError);
    await sender.send(2);
    expect(await jobs.newReceiver().receive()).toBe(2);
    await end();
  });

  it('a sender of a name not served rejects with a ChannelsError naming it', async () => {
    const { remote, end } = wirePair({});
    const sender = (remote as unknown as Record<string, { newSender(): RemoteSender<number> }>)['nope']!.newSender();
    const error = await reasonOf(sender.send(1));
    expect(error).toBeInstanceOf(ChannelsError);
    expect(String((error as Error).message)).toContain('"nope"');
    await end();
  });
});
