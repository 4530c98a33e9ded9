import { SenderClosedError } from 'rx-channels';
import { NatsAnycast } from 'rx-channels/nats';
import { connect, type NatsConnection } from 'nats';
import { NatsServer } from '../helpers/natsServer';

let server: NatsServer;
let connection: NatsConnection;
let counter = 0;
const fresh = () => `s${process.pid}_${++counter}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await NatsServer.start();
  connection = await connect({ servers: server.url, maxReconnectAttempts: -1 });
});

afterAll(async () => {
  await connection?.close();
  await server?.dispose();
});

async function drain(jobs: NatsAnycast<number>, count: number): Promise<number[]> {
  const receiver = jobs.newReceiver({ prefetch: 8 });
  const got: number[] = [];
  for (let i = 0; i < count; i++) got.push(await receiver.receive());
  receiver.close();
  return got;
}

describe('NatsSender', () => {
  it('stores sends that are not awaited in send order', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh(), maxsize: 100 });
    const sender = jobs.newSender();
    await Promise.all(Array.from({ length: 30 }, (_, i) => sender.send(i)));
    expect(await drain(jobs, 30)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('keeps send order across a full stream (the blocked send goes first once there is room)', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh(), maxsize: 2 });
    const sender = jobs.newSender();
    const sends = Array.from({ length: 6 }, (_, i) => sender.send(i));
    const got = await drain(jobs, 6);
    await Promise.all(sends);
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('an abort withdraws a queued send and a send waiting for its retry; the others go on', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh(), maxsize: 1 });
    const sender = jobs.newSender();
    await sender.send(0);
    const retrying = new AbortController();
    const queued = new AbortController();
    const first = sender.send(1, { signal: retrying.signal }); // the stream is full: retries
    const second = sender.send(2, { signal: queued.signal }); // queued behind it
    const third = sender.send(3);
    await sleep(50);
    queued.abort(new Error('queued'));
    await expect(second).rejects.toThrow('queued');
    retrying.abort(new Error('retrying'));
    await expect(first).rejects.toThrow('retrying');
    expect(await drain(jobs, 2)).toEqual([0, 3]);
    await third;
  });

  it('an already aborted signal rejects at once; a bad codec value rejects and publishes nothing', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh() });
    const sender = jobs.newSender();
    await expect(sender.send(1, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
    await expect(sender.send((() => 1) as never)).rejects.toThrow(TypeError);
    await sender.send(2);
    expect(await drain(jobs, 1)).toEqual([2]);
  });

  it('close(): waiting sends and later sends reject with SenderClosedError', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh(), maxsize: 1 });
    const sender = jobs.newSender();
    await sender.send(0);
    const waiting = sender.send(1);
    const queued = sender.send(2);
    await sleep(30);
    sender.close();
    sender.close();
    expect(sender.isClosed).toBe(true);
    await expect(waiting).rejects.toThrow(SenderClosedError);
    await expect(queued).rejects.toThrow(SenderClosedError);
    await expect(sender.send(3)).rejects.toThrow(SenderClosedError);
    expect(String(sender)).toBe(`NatsSender:${jobs.name}`);
  });
});
