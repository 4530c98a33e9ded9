import { ChannelClosedError, ReceiverError, ReceiverStoppedError, SenderError } from 'rx-channels';
import { NatsAnycast } from 'rx-channels/nats';
import { connect, type NatsConnection } from 'nats';
import { NatsServer } from '../helpers/natsServer';

let server: NatsServer;
let connection: NatsConnection;
let counter = 0;
const fresh = () => `t${process.pid}_${++counter}`;

beforeAll(async () => {
  server = await NatsServer.start();
  connection = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});

afterAll(async () => {
  await connection?.close();
  await server?.dispose();
});

describe('NatsAnycast', () => {
  it('sends and receives in order, each message once, through the library receiver', async () => {
    const jobs = await NatsAnycast.open<{ id: number }>(connection, { name: fresh(), maxsize: 100 });
    const sender = jobs.newSender();
    for (let id = 0; id < 5; id++) {
      await sender.send({ id });
    }
    const receiver = jobs.newReceiver();
    const got: number[] = [];
    for (let i = 0; i < 5; i++) {
      got.push((await receiver.receive()).id);
    }
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(receiver.tryReceive()).toEqual({ ok: false, stopped: false });
    receiver.close();
    await jobs.close();
  });

  it('shares messages between receivers: every message to one of them', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh(), maxsize: 100 });
    const a = jobs.newReceiver({ prefetch: 4 });
    const b = jobs.newReceiver({ prefetch: 4 });
    const got: number[] = [];
    const drain = async (receiver: typeof a) => {
      for await (const message of receiver) got.push(message);
    };
    const done = Promise.all([drain(a), drain(b)]);
    const sender = jobs.newSender();
    for (let i = 0; i < 40; i++) await sender.send(i);
    await jobs.close();
    await done;
    expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('carries bytes as bytes and uses a custom codec', async () => {
    const bytes = await NatsAnycast.open<Uint8Array>(connection, { name: fresh() });
    await bytes.newSender().send(new Uint8Array([0, 1, 255]));
    const receiver = bytes.newReceiver();
    const got = await receiver.receive();
    expect(got).toBeInstanceOf(Uint8Array);
    expect([...got]).toEqual([0, 1, 255]);
    receiver.close();
    const text = await NatsAnycast.open<string>(connection, {
      name: fresh(),
      codec: { encode: (value) => new TextEncoder().encode(value), decode: (data) => new TextDecoder().decode(data) },
    });
    await text.newSender().send('hé');
    const textReceiver = text.newReceiver();
    expect(await textReceiver.receive()).toBe('hé');
    textReceiver.close();
  });

  it('redelivers a message that a receiver fetched and never consumed (at least once)', async () => {
    const jobs = await NatsAnycast.open<string>(connection, { name: fresh(), ackWaitMs: 300 });
    await jobs.newSender().send('job');
    const first = jobs.newReceiver();
    expect(await first.ready()).toBe(true); // fetched, not consumed, not acknowledged
    // A crash: nothing is given back, the server redelivers after ackWaitMs.
    const second = jobs.newReceiver();
    expect(await second.receive({ signal: AbortSignal.timeout(5000) })).toBe('job');
    // The first still holds its copy: consuming it is the duplicate that at-least-once allows.
    expect(first.consume()).toBe('job');
    first.close();
    second.close();
  });

  it('gives back what a closed receiver held, at once', async () => {
    const jobs = await NatsAnycast.open<string>(connection, { name: fresh(), ackWaitMs: 60_000 });
    await jobs.newSender().send('job');
    const first = jobs.newReceiver();
    expect(await first.ready()).toBe(true);
    first.close();
    expect(() => first.consume()).toThrow(ReceiverStoppedError);
    const second = jobs.newReceiver();
    // Well before the 60 s ackWait: the nak gave it back.
    expect(await second.receive({ signal: AbortSignal.timeout(5000) })).toBe('job');
    second.close();
  });

  it('makes send() wait while the stream is full; an abort withdraws it', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh(), maxsize: 2 });
    const sender = jobs.newSender();
    await sender.send(1);
    await sender.send(2);
    const controller = new AbortController();
    let settled = false;
    const blocked = sender.send(3, { signal: controller.signal }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    controller.abort(new Error('enough'));
    await expect(blocked).rejects.toThrow('enough');
    // Nothing of it was stored: the stream still holds 1 and 2, and room frees one waiting send.
    const waiting = sender.send(4);
    const receiver = jobs.newReceiver();
    expect(await receiver.receive()).toBe(1);
    await waiting;
    expect(await receiver.receive()).toBe(2);
    expect(await receiver.receive()).toBe(4);
    receiver.close();
  });

  it('close(): sends fail with SenderError (cause ChannelClosedError); receivers drain, then stop', async () => {
    const name = fresh();
    const jobs = await NatsAnycast.open<number>(connection, { name, maxsize: 10 });
    const sender = jobs.newSender();
    await sender.send(1);
    await sender.send(2);
    const receiver = jobs.newReceiver();
    // Another process's view of the same channel.
    const other = await NatsAnycast.open<number>(connection, { name, maxsize: 10 });
    const otherSender = other.newSender();
    await jobs.close();
    expect(jobs.isClosed).toBe(true);
    const error = await sender.send(3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SenderError);
    expect((error as SenderError).cause).toBeInstanceOf(ChannelClosedError);
    const otherError = await otherSender.send(3).catch((e: unknown) => e);
    expect((otherError as SenderError).cause).toBeInstanceOf(ChannelClosedError);
    expect(other.isClosed).toBe(true);
    expect(await receiver.receive()).toBe(1);
    expect(await receiver.receive()).toBe(2);
    expect(await receiver.ready()).toBe(false);
    const stopped = (() => {
      try {
        receiver.consume();
      } catch (e) {
        return e;
      }
    })();
    expect(stopped).toBeInstanceOf(ReceiverStoppedError);
    expect((stopped as ReceiverStoppedError).cause).toBeInstanceOf(ChannelClosedError);
    await jobs.close(); // idempotent
  });

  it('a receiver in another "process" sees the close within about a second', async () => {
    const name = fresh();
    const jobs = await NatsAnycast.open<number>(connection, { name });
    const elsewhere = await NatsAnycast.open<number>(connection, { name });
    const receiver = elsewhere.newReceiver();
    const done = receiver.ready();
    await jobs.close();
    expect(await done).toBe(false);
  });

  it('stops with a ReceiverError carrying the cause when the stream is deleted', async () => {
    const name = fresh();
    const jobs = await NatsAnycast.open<number>(connection, { name });
    const receiver = jobs.newReceiver();
    const waiting = receiver.receive().catch((e: unknown) => e);
    const jsm = await connection.jetstreamManager();
    await jsm.streams.delete(`RXC_${name}`);
    const error = await waiting;
    expect(error).toBeInstanceOf(ReceiverError);
    expect(error).not.toBeInstanceOf(ReceiverStoppedError);
    expect((error as ReceiverError).cause).toBeDefined();
    // Thrown once (never a silent end), then the receiver is stopped.
    expect(await receiver.ready()).toBe(false);
    expect(() => receiver.consume()).toThrow(ReceiverStoppedError);
    const sendError = await jobs
      .newSender()
      .send(1)
      .catch((e: unknown) => e);
    expect(sendError).toBeInstanceOf(SenderError);
  });

  it('stops with a ReceiverError when only its consumer is deleted', async () => {
    const name = fresh();
    const jobs = await NatsAnycast.open<number>(connection, { name });
    const receiver = jobs.newReceiver();
    const waiting = receiver.receive().catch((e: unknown) => e);
    const jsm = await connection.jetstreamManager();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await jsm.consumers.delete(`RXC_${name}`, 'rxc');
    const error = await waiting;
    expect(error).toBeInstanceOf(ReceiverError);
    expect(String((error as ReceiverError).cause)).toMatch(/consumer/);
  });

  it('rejects bad arguments clearly', async () => {
    await expect(NatsAnycast.open(connection, { name: 'a.b' })).rejects.toThrow(RangeError);
    await expect(NatsAnycast.open(connection, { name: 3 as never })).rejects.toThrow(TypeError);
    await expect(NatsAnycast.open({} as never, { name: 'x' })).rejects.toThrow(TypeError);
    await expect(NatsAnycast.open(connection, { name: fresh(), maxsize: 0 })).rejects.toThrow(RangeError);
    await expect(NatsAnycast.open(connection, { name: fresh(), ackWaitMs: -1 })).rejects.toThrow(RangeError);
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh() });
    expect(() => jobs.newReceiver({ prefetch: 0 })).toThrow(RangeError);
    expect(() => jobs.newSender().trySend(1)).toThrow(SenderError);
    await expect(jobs.newSender().send(undefined as never)).rejects.toThrow(TypeError);
  });
});
