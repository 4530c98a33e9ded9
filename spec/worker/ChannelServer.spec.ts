import {
  Anycast,
  Broadcast,
  ChannelClosedError,
  ReceiverStoppedError,
  SenderClosedError,
  SenderError,
} from 'rx-channels';
import { connectChannels, serveChannels } from 'rx-channels/worker';
import { MessageChannel } from 'node:worker_threads';
import { reasonOf } from '../helpers/async';

/** Both ends in this thread, over a real MessageChannel (structured clone, real port queues). */
function wire<C extends Record<string, Anycast<never> | Broadcast<never>>>(channels: C) {
  const { port1, port2 } = new MessageChannel();
  const server = serveChannels(port1, channels as never);
  const remote = connectChannels<C>(port2);
  return {
    server,
    remote,
    async end() {
      await remote.close();
      port1.close();
      port2.close();
    },
  };
}

describe('rx-channels/worker over a MessageChannel', () => {
  it('sends and receives through an Anycast in both directions', async () => {
    const jobs = new Anycast<number>({ name: 'jobs', maxsize: 2 });
    const { remote, end } = wire({ jobs });
    const sender = remote.jobs.newSender();
    await sender.send(1);
    await sender.send(2);
    expect(jobs.size).toBe(2);
    const receiver = remote.jobs.newReceiver();
    expect(await receiver.receive()).toBe(1);
    expect(await receiver.receive()).toBe(2);
    await end();
  });

  it('a receiver closed while holding a message gives it back to the front', async () => {
    const jobs = new Anycast<number>({ name: 'jobs' });
    const { remote, end } = wire({ jobs });
    const local = jobs.newSender();
    await local.send(1);
    await local.send(2);
    const receiver = remote.jobs.newReceiver({ credit: 2 });
    expect(await receiver.ready()).toBe(true);
    receiver.close();
    await remote.close();
    const mine = jobs.newReceiver();
    expect(await mine.receive()).toBe(1);
    expect(await mine.receive()).toBe(2);
    await end();
  });

  it('closing the channel: remote sends fail with SenderError (cause ChannelClosedError), receivers stop', async () => {
    const jobs = new Anycast<number>({ name: 'jobs' });
    const { remote, end } = wire({ jobs });
    const receiver = remote.jobs.newReceiver();
    const sender = remote.jobs.newSender();
    await sender.send(7);
    await jobs.close();
    const error = await reasonOf(sender.send(8));
    expect(error).toBeInstanceOf(SenderError);
    expect((error as Error).cause).toBeInstanceOf(ChannelClosedError);
    expect((error as SenderError).sender).toBe(sender);
    expect(await receiver.receive()).toBe(7);
    const stopped = await reasonOf(receiver.receive());
    expect(stopped).toBeInstanceOf(ReceiverStoppedError);
    expect((stopped as Error).cause).toBeInstanceOf(ChannelClosedError);
    sender.close();
    expect(await reasonOf(sender.send(9))).toBeInstanceOf(SenderClosedError);
    await end();
  });

  it('a Broadcast reaches remote receivers with their own buffers and dropped counts', async () => {
    const prices = new Broadcast<number>('prices');
    const { remote, end } = wire({ prices });
    const receiver = remote.prices.newReceiver({ maxsize: 2 });
    // Let the owner make its receiver.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const sender = prices.newSender();
    for (const n of [1, 2, 3, 4]) await sender.send(n);
    expect(await receiver.receive()).toBe(3);
    expect(receiver.dropped).toBe(2);
    expect(await receiver.receive()).toBe(4);
    await end();
  });
});
