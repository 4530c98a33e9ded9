import {
  Anycast,
  Broadcast,
  ChannelClosedError,
  ChannelsError,
  ReceiverStoppedError,
  SenderClosedError,
  SenderError,
} from 'rx-channels';
import { connectChannels, serveChannels, type ServedChannels } from 'rx-channels/worker';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { reasonOf } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';

/** Both ends in this thread, over a real MessageChannel (structured clone, real port queues). */
function wire<C extends ServedChannels<C>>(channels: C) {
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
    const { restore } = captureWarnings();
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
    restore();
  });
});

describe('ChannelServer: version, heartbeat, bad input', () => {
  const ports: MessagePort[] = [];
  afterEach(() => {
    for (const port of ports.splice(0)) port.close();
  });
  function rawPair(): { port1: MessagePort; port2: MessagePort; answers: Record<string, unknown>[] } {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const answers: Record<string, unknown>[] = [];
    port2.on('message', (message: Record<string, unknown>) => answers.push(message));
    return { port1, port2, answers };
  }
  const until = async (condition: () => boolean): Promise<void> => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
  };

  it('a hello of another protocol version is answered `refused` with this version', async () => {
    const { port1, port2, answers } = rawPair();
    serveChannels(port1, { jobs: new Anycast<number>() });
    port2.postMessage({ rxc: 99, t: 'hello' });
    await until(() => answers.length > 0);
    expect(answers[0]).toEqual({ rxc: 1, t: 'refused', v: 1 });
    // The user's own traffic on the port (no `rxc`) is left alone.
    port2.postMessage({ hello: 'user' });
    port2.postMessage({ rxc: 1, t: 'hello' });
    await until(() => answers.length > 1);
    expect(answers[1]).toMatchObject({ t: 'welcome', channels: { jobs: 'anycast' } });
  });

  it('a client answered `refused` fails its sends and receivers with a ChannelsError naming both versions', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    port1.on('message', (message: { t?: string }) => {
      if (message.t === 'hello') port1.postMessage({ rxc: 2, t: 'refused', v: 2 });
    });
    const remote = connectChannels<{ jobs: Anycast<number> }>(port2);
    const sender = remote.jobs.newSender();
    const receiver = remote.jobs.newReceiver();
    const error = await reasonOf(sender.send(1));
    expect(error).toBeInstanceOf(SenderError);
    expect((error as Error).cause).toBeInstanceOf(ChannelsError);
    expect(((error as Error).cause as Error).message).toMatch(/protocol 2.*1/);
    const stopped = await reasonOf(receiver.receive());
    expect(stopped).toBeInstanceOf(ReceiverStoppedError);
    expect((stopped as Error).cause).toBeInstanceOf(ChannelsError);
    expect(await reasonOf(remote.jobs.newSender().send(2))).toBeInstanceOf(ChannelsError);
    await remote.close();
  });

  it('heartbeat: a client that stops answering `ping` is detached, and what it held goes back', async () => {
    const { port1, port2, answers } = rawPair();
    const jobs = new Anycast<string>({ name: 'jobs' });
    const server = serveChannels(port1, { jobs }, { heartbeatMs: 20 });
    // A client end that asks for two messages and then never answers again.
    port2.postMessage({ rxc: 1, t: 'hello' });
    port2.postMessage({ rxc: 1, t: 'open', rid: 1, ch: 'jobs' });
    port2.postMessage({ rxc: 1, t: 'want', rid: 1, upTo: 2 });
    await until(() => answers.some((answer) => answer['t'] === 'welcome'));
    const sender = jobs.newSender();
    await sender.send('a');
    await sender.send('b');
    await sender.send('c');
    await until(() => answers.some((answer) => answer['t'] === 'msgs'));
    expect(jobs.size).toBe(1);
    expect(server.isClosed).toBe(false);
    await until(() => server.isClosed);
    expect(answers.filter((answer) => answer['t'] === 'ping').length).toBeGreaterThanOrEqual(2);
    expect(jobs.size).toBe(3);
    const receiver = jobs.newReceiver();
    expect([await receiver.receive(), await receiver.receive(), await receiver.receive()]).toEqual(['a', 'b', 'c']);
    await until(() => answers.some((answer) => answer['t'] === 'bye'));
  });

  it('heartbeat: a client that answers stays connected', async () => {
    const jobs = new Anycast<string>({ name: 'jobs' });
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const server = serveChannels(port1, { jobs }, { heartbeatMs: 20 });
    const remote = connectChannels<{ jobs: Anycast<string> }>(port2);
    // Several beats (not a speed claim: any number of them is answered).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.isClosed).toBe(false);
    await remote.jobs.newSender().send('x');
    await remote.close();
    expect(server.isClosed).toBe(true);
  });

  it('bad input: TypeError/RangeError naming the argument', () => {
    const { port1 } = rawPair();
    expect(() => serveChannels({} as never, {})).toThrow(TypeError);
    expect(() => serveChannels(null as never, {})).toThrow(/port/);
    expect(() => serveChannels(port1, { jobs: 5 } as never)).toThrow(/channels\.jobs/);
    expect(() => serveChannels(port1, null as never)).toThrow(/channels/);
    expect(() => serveChannels(port1, {}, { heartbeatMs: 0 })).toThrow(RangeError);
    expect(() => serveChannels(port1, {}, { heartbeatMs: Number.NaN })).toThrow(/heartbeatMs/);
    expect(() => connectChannels({ postMessage: 1 } as never)).toThrow(TypeError);
    expect(() => connectChannels('port' as never)).toThrow(/port/);
  });

  it('bad input: credit and maxsize of a remote receiver', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    serveChannels(port1, { jobs: new Anycast<number>(), prices: new Broadcast<number>('p') });
    const remote = connectChannels<{ jobs: Anycast<number>; prices: Broadcast<number> }>(port2);
    expect(() => remote.jobs.newReceiver({ credit: 0 })).toThrow(RangeError);
    expect(() => remote.jobs.newReceiver({ credit: Number.NaN })).toThrow(/credit/);
    expect(() => remote.jobs.newReceiver({ credit: 1.5 })).toThrow(/credit/);
    expect(() => remote.jobs.newReceiver({ credit: '2' as never })).toThrow(TypeError);
    expect(() => remote.prices.newReceiver({ maxsize: 0 })).toThrow(/maxsize/);
    expect(() => remote.jobs.newReceiver(5 as never)).toThrow(TypeError);
    await remote.close();
  });
});
