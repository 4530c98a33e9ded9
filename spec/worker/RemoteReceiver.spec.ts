/**
 * RemoteReceiver over a real MessageChannel in this thread (the real-thread runs are in
 * connectChannels.spec.ts): credit, abort, close, give-back, stop reasons.
 */
import { Anycast, Broadcast, ChannelsError, ReceiverStoppedError, ChannelClosedError } from 'rx-channels';
import type { RemoteReceiver } from 'rx-channels/worker';
import { reasonOf } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';
import { closeAllPairs, wirePair } from '../helpers/workers';

afterEach(closeAllPairs);

describe('RemoteReceiver', () => {
  it('holds at most its credit, even when an aborted wait and a new one cross a message on its way', async () => {
    const jobs = new Anycast<string>({ name: 'jobs' });
    const { remote, sync, end } = wirePair({ jobs });
    const receiver = remote.jobs.newReceiver();
    const controller = new AbortController();
    const first = receiver.ready({ signal: controller.signal });
    await sync(); // the owner waits for it
    const sender = jobs.newSender();
    await sender.send('a'); // handed over at once; on its way
    controller.abort('gave up');
    expect(await reasonOf(first)).toBe('gave up');
    const second = receiver.ready();
    await sender.send('b');
    await sync();
    expect(await second).toBe(true);
    // 'a' was on its way when the wait was withdrawn: it stays here. 'b' must not follow it.
    expect(receiver.size).toBe(1);
    expect(jobs.size).toBe(1);
    expect(receiver.consume()).toBe('a');
    expect(await receiver.receive()).toBe('b');
    await end();
  });

  it('an aborted receive takes nothing: a message sent later goes to a waiting local receiver', async () => {
    const jobs = new Anycast<string>({ name: 'jobs' });
    const { remote, sync, end } = wirePair({ jobs });
    const receiver = remote.jobs.newReceiver();
    const controller = new AbortController();
    const pending = receiver.receive({ signal: controller.signal });
    await sync();
    controller.abort(new Error('stop'));
    expect(((await reasonOf(pending)) as Error).message).toBe('stop');
    await sync(); // the owner has withdrawn the credit
    const local = jobs.newReceiver();
    const taken = local.receive();
    await jobs.newSender().send('x');
    expect(await taken).toBe('x');
    expect(receiver.size).toBe(0);
    await end();
  });

  it('an aborted receive whose message was already on its way keeps it for the next wait, or gives it back on close', async () => {
    const jobs = new Anycast<string>({ name: 'jobs' });
    const { remote, sync, end } = wirePair({ jobs });
    const receiver = remote.jobs.newReceiver();
    const controller = new AbortController();
    const pending = receiver.receive({ signal: controller.signal });
    await sync();
    await jobs.newSender().send('x'); // handed to the remote receiver's credit, posted
    controller.abort('late');
    expect(await reasonOf(pending)).toBe('late');
    await sync();
    receiver.close();
    await sync();
    expect(jobs.size).toBe(1);
    expect(await jobs.newReceiver().receive()).toBe('x');
    await end();
  });

  it('closing the channel in the owner: a remote receiver drains what it holds, then stops naming itself', async () => {
    const jobs = new Anycast<number>({ name: 'jobs' });
    const { remote, sync, end } = wirePair({ jobs });
    const receiver = remote.jobs.newReceiver({ credit: 2 });
    const sender = jobs.newSender();
    await sender.send(1);
    await sender.send(2);
    expect(await receiver.ready()).toBe(true);
    await sync();
    await jobs.close();
    expect(await receiver.receive()).toBe(1);
    expect(await receiver.receive()).toBe(2);
    const error = await reasonOf(receiver.receive());
    expect(error).toBeInstanceOf(ReceiverStoppedError);
    expect((error as ReceiverStoppedError).receiver).toBe(receiver);
    expect((error as Error).cause).toBeInstanceOf(ChannelClosedError);
    expect(String((error as Error).cause)).toContain('RemoteChannel:jobs');
    expect(String(receiver)).toBe('RemoteReceiver:jobs');
    await end();
  });

  it('an unknown channel name: the receiver stops with a ChannelsError naming it', async () => {
    const { remote, end } = wirePair({});
    const receiver = (remote as unknown as Record<string, { newReceiver(): RemoteReceiver<number> }>)[
      'nope'
    ]!.newReceiver();
    const error = await reasonOf(receiver.receive());
    expect(error).toBeInstanceOf(ChannelsError);
    expect((error as Error).message + String((error as Error).cause)).toContain('"nope"');
    expect(await receiver.ready()).toBe(false);
    await end();
  });

  it('server.close(): what a remote receiver held goes back once, not also to the remote receiver', async () => {
    const jobs = new Anycast<number>({ name: 'jobs' });
    const { remote, server, sync, end } = wirePair({ jobs });
    const receiver = remote.jobs.newReceiver({ credit: 2 });
    const sender = jobs.newSender();
    await sender.send(1);
    await sender.send(2);
    expect(await receiver.ready()).toBe(true);
    await sync();
    expect(receiver.size).toBe(2);
    await server.close();
    expect(server.isClosed).toBe(true);
    expect(jobs.size).toBe(2);
    // Let the `bye` arrive.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const error = await reasonOf(receiver.receive());
    expect(error).toBeInstanceOf(ChannelsError);
    const local = jobs.newReceiver();
    expect([await local.receive(), await local.receive()]).toEqual([1, 2]);
    await end();
  });

  it('remote.close(): receivers close, what they held goes back, later receivers and sends fail', async () => {
    const jobs = new Anycast<number>({ name: 'jobs' });
    const { remote, server, end } = wirePair({ jobs });
    const receiver = remote.jobs.newReceiver({ credit: 3 });
    const sender = jobs.newSender();
    for (const n of [1, 2, 3]) await sender.send(n);
    expect(await receiver.ready()).toBe(true);
    await remote.close();
    expect(server.isClosed).toBe(true);
    expect(jobs.size).toBe(3);
    expect(await receiver.ready()).toBe(false);
    expect(await reasonOf(remote.jobs.newSender().send(4))).toBeInstanceOf(ChannelsError);
    expect(await remote.jobs.newReceiver().ready()).toBe(false);
    await remote.close(); // idempotent
    await end();
  });

  it('a Broadcast receiver reports the owner-side dropped count and detaches on close', async () => {
    const { restore } = captureWarnings();
    const prices = new Broadcast<number>('prices');
    const { remote, sync, end } = wirePair({ prices });
    const receiver = remote.prices.newReceiver({ maxsize: 1 });
    await sync();
    const sender = prices.newSender();
    for (const n of [1, 2, 3]) await sender.send(n);
    expect(await receiver.receive()).toBe(3);
    expect(receiver.dropped).toBe(2);
    receiver.close();
    await sync();
    expect(prices.receiverCount).toBe(0);
    await end();
    restore();
  });

  describe('without shared memory (a browser page that is not cross-origin isolated)', () => {
    const shared = globalThis.SharedArrayBuffer;
    beforeEach(() => {
      (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer = undefined;
    });
    afterEach(() => {
      globalThis.SharedArrayBuffer = shared;
    });

    it('acknowledges by message: a closed receiver gives back exactly what it did not consume', async () => {
      const jobs = new Anycast<number>({ name: 'jobs' });
      const { remote, sync, end } = wirePair({ jobs });
      const receiver = remote.jobs.newReceiver({ credit: 3 });
      const sender = jobs.newSender();
      for (const n of [1, 2, 3, 4]) await sender.send(n);
      expect(await receiver.receive()).toBe(1);
      await sync();
      expect(receiver.size).toBe(2);
      receiver.close();
      await sync();
      const local = jobs.newReceiver();
      expect(await local.receive()).toBe(2);
      expect(await local.receive()).toBe(3);
      expect(await local.receive()).toBe(4);
      expect(jobs.size).toBe(0);
      await end();
    });
  });

  it('with shared memory, acknowledges through the shared count: a closed receiver gives back what it did not consume', async () => {
    const jobs = new Anycast<number>({ name: 'jobs' });
    const { remote, sync, end, port2 } = wirePair({ jobs });
    const posted: string[] = [];
    const post = port2.postMessage.bind(port2);
    port2.postMessage = (message: unknown, transfer?: never) => {
      posted.push((message as { t: string }).t);
      post(message, transfer);
    };
    const receiver = remote.jobs.newReceiver({ credit: 3 });
    const sender = jobs.newSender();
    for (const n of [1, 2, 3, 4]) await sender.send(n);
    expect(await receiver.receive()).toBe(1);
    expect(await receiver.receive()).toBe(2);
    await sync();
    expect(posted).not.toContain('ack');
    receiver.close();
    await sync();
    const local = jobs.newReceiver();
    expect(await local.receive()).toBe(3);
    expect(await local.receive()).toBe(4);
    await end();
  });

  it('a Broadcast receiver keeps its credit between waits (its messages are its own); an Anycast one does not', async () => {
    const prices = new Broadcast<number>('prices');
    const jobs = new Anycast<number>({ name: 'jobs' });
    const { remote, sync, end } = wirePair({ prices, jobs });
    await sync(); // the welcome has arrived: the kinds are known
    const price = remote.prices.newReceiver({ credit: 2 });
    const job = remote.jobs.newReceiver({ credit: 2 });
    const pricesIn = price.receive();
    const jobsIn = job.receive();
    await sync();
    await prices.newSender().send(1);
    await jobs.newSender().send(1);
    expect([await pricesIn, await jobsIn]).toEqual([1, 1]);
    await sync();
    // Nobody waits now. The Broadcast's next message still comes ahead, within the credit.
    await prices.newSender().send(2);
    await jobs.newSender().send(2);
    await sync();
    await sync();
    expect(price.size).toBe(1);
    expect(job.size).toBe(0);
    expect(jobs.size).toBe(1);
    await end();
  });

  it('a message that cannot cross threads stops the remote receiver with the clone error; it stays in the Anycast', async () => {
    const jobs = new Anycast<unknown>({ name: 'jobs' });
    const { remote, sync, end } = wirePair({ jobs });
    const receiver = remote.jobs.newReceiver();
    const waiting = receiver.receive();
    await sync(); // the owner waits for it
    const job = (): string => 'a function is not cloneable';
    // The owner-side send is not hurt by the remote side's failure.
    await jobs.newSender().send(job);
    const error = await reasonOf(waiting);
    expect(error).toBeInstanceOf(ReceiverStoppedError);
    expect(((error as Error).cause as Error).name).toBe('DataCloneError');
    expect(jobs.size).toBe(1);
    expect(await jobs.newReceiver().receive()).toBe(job);
    await end();
  });
});
