import { ChannelClosedError, ReceiverError, ReceiverStoppedError, SenderError } from 'rx-channels';
import { NatsBroadcast } from 'rx-channels/nats';
import { connect, type NatsConnection } from 'nats';
import { NatsServer } from '../helpers/natsServer';

let server: NatsServer;
let connection: NatsConnection;
let other: NatsConnection;
let counter = 0;
const fresh = () => `b${process.pid}_${++counter}`;

beforeAll(async () => {
  server = await NatsServer.start();
  connection = await connect({ servers: server.url, maxReconnectAttempts: -1 });
  other = await connect({ servers: server.url, maxReconnectAttempts: -1 });
});

afterAll(async () => {
  await connection?.close();
  await other?.close();
  await server?.dispose();
});

describe('NatsBroadcast', () => {
  it('gives every receiver (on two connections) every message, in order', async () => {
    const name = fresh();
    const prices = await NatsBroadcast.open<number>(connection, { name });
    const elsewhere = await NatsBroadcast.open<number>(other, { name });
    const a = prices.newReceiver();
    const b = elsewhere.newReceiver();
    await (elsewhere as unknown as { link: { setups(): Promise<void> | undefined } }).link.setups();
    const sender = prices.newSender();
    for (let i = 0; i < 20; i++) await sender.send(i);
    const expected = Array.from({ length: 20 }, (_, i) => i);
    for (const receiver of [a, b]) {
      const got: number[] = [];
      for (let i = 0; i < 20; i++) got.push(await receiver.receive());
      expect(got).toEqual(expected);
      expect(receiver.dropped).toBe(0);
    }
    a.close();
    b.close();
  });

  it('a slow receiver drops the oldest with an exact dropped count', async () => {
    const prices = await NatsBroadcast.open<number>(connection, { name: fresh() });
    const slow = prices.newReceiver({ maxsize: 5 });
    const sender = prices.newSender();
    for (let i = 0; i < 30; i++) await sender.send(i);
    const last = prices.newReceiver(); // made after: gets nothing of these
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slow.size).toBe(5);
    expect(slow.dropped).toBe(25);
    expect(await slow.receiveMany(10)).toEqual([25, 26, 27, 28, 29]);
    expect(last.tryReceive()).toEqual({ ok: false, stopped: false });
    slow.close();
    last.close();
  });

  it('resendLatest gives a late joiner the latest message first; newPeekable() peeks it', async () => {
    const name = fresh();
    const prices = await NatsBroadcast.open<number>(connection, { name, resendLatest: true });
    const sender = prices.newSender();
    await sender.send(1);
    await sender.send(2);
    const late = prices.newReceiver();
    expect(await late.receive()).toBe(2);
    await sender.send(3);
    expect(await late.receive()).toBe(3);
    const peekable = prices.newPeekable();
    await (prices as unknown as { link: { setups(): Promise<void> | undefined } }).link.setups();
    for (let i = 0; i < 100 && peekable.peek() !== 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(peekable.peek()).toBe(3);
    await sender.send(4);
    for (let i = 0; i < 100 && peekable.peek() !== 4; i++) await new Promise((r) => setTimeout(r, 10));
    expect(peekable.peek()).toBe(4);
    peekable.close();
    expect(peekable.peek()).toBeUndefined();
    late.close();
    // Without resendLatest, a new receiver starts after the latest.
    const plain = await NatsBroadcast.open<number>(other, { name });
    const fresher = plain.newReceiver();
    await (plain as unknown as { link: { setups(): Promise<void> | undefined } }).link.setups();
    expect(fresher.tryReceive()).toEqual({ ok: false, stopped: false });
    fresher.close();
  });

  it('close(): sends fail everywhere; receivers deliver what came before, then stop', async () => {
    const name = fresh();
    const prices = await NatsBroadcast.open<number>(connection, { name });
    const elsewhere = await NatsBroadcast.open<number>(other, { name });
    const receiver = elsewhere.newReceiver();
    await (elsewhere as unknown as { link: { setups(): Promise<void> | undefined } }).link.setups();
    await prices.newSender().send(1);
    await prices.close();
    const error = await elsewhere
      .newSender()
      .send(2)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SenderError);
    expect((error as SenderError).cause).toBeInstanceOf(ChannelClosedError);
    expect(await receiver.receive()).toBe(1);
    expect(await receiver.ready()).toBe(false);
    const stopped = await receiver.receive().catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(ReceiverStoppedError);
    expect((stopped as ReceiverStoppedError).cause).toBeInstanceOf(ChannelClosedError);
    // A receiver made after the close stops at once.
    expect(await elsewhere.newReceiver().ready()).toBe(false);
    await prices.close(); // idempotent
  });

  it('a for await loop throws a ReceiverError when the stream is deleted', async () => {
    const name = fresh();
    const prices = await NatsBroadcast.open<number>(connection, { name });
    const receiver = prices.newReceiver();
    await (prices as unknown as { link: { setups(): Promise<void> | undefined } }).link.setups();
    const loop = (async () => {
      for await (const n of receiver) void n;
      return 'ended silently';
    })();
    const jsm = await connection.jetstreamManager();
    await jsm.streams.delete(`RXC_${name}`);
    const error = await Promise.race([
      loop.catch((e: unknown) => e),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 8000)),
    ]);
    receiver.close();
    expect(error).toBeInstanceOf(ReceiverError);
  }, 15_000);

  it('rejects bad arguments clearly', async () => {
    await expect(NatsBroadcast.open(connection, { name: '' })).rejects.toThrow(RangeError);
    await expect(NatsBroadcast.open(connection, { name: fresh(), history: 0 })).rejects.toThrow(RangeError);
    const prices = await NatsBroadcast.open<number>(connection, { name: fresh() });
    expect(() => prices.newReceiver({ maxsize: 0 })).toThrow(RangeError);
  });
});
