import { Anycast, ReceiverStoppedError, select } from 'rx-channels';
import { NatsAnycast } from 'rx-channels/nats';
import { connect, type NatsConnection } from 'nats';
import { firstValueFrom, take, toArray } from 'rxjs';
import { NatsServer } from '../helpers/natsServer';

let server: NatsServer;
let connection: NatsConnection;
let counter = 0;
const fresh = () => `r${process.pid}_${++counter}`;

beforeAll(async () => {
  server = await NatsServer.start();
  connection = await connect({ servers: server.url, maxReconnectAttempts: -1 });
});

afterAll(async () => {
  await connection?.close();
  await server?.dispose();
});

describe('NatsReceiver', () => {
  it('is an Observable: subscribe, pipe, firstValueFrom; nothing lost when the subscriber leaves', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh(), maxsize: 100 });
    const sender = jobs.newSender();
    for (let i = 0; i < 5; i++) await sender.send(i);
    const receiver = jobs.newReceiver();
    expect(await firstValueFrom(receiver.pipe(take(2), toArray()))).toEqual([0, 1]);
    // What the subscription did not take is still there (acknowledged only when consumed).
    expect(await receiver.receiveMany(10)).toEqual([2]);
    expect(await receiver.receive()).toBe(3);
    expect(await receiver.receive()).toBe(4);
    receiver.close();
  });

  it('works in select() with a local channel, and through map()/filter()', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh() });
    const local = new Anycast<string>();
    const remote = jobs.newReceiver().map((n) => n * 10);
    const words = local.newReceiver();
    await jobs.newSender().send(4);
    for await (const selected of select(remote, words)) {
      if (remote.triggered(selected) && !selected.wasStopped && selected.exception === undefined) {
        expect(selected.message).toBe(40);
        break;
      }
    }
    remote.close();
    words.close();
  });

  it('an aborted receive takes nothing: a message fetched for it stays for the next receive', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh() });
    const receiver = jobs.newReceiver();
    const controller = new AbortController();
    const waiting = receiver.receive({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await jobs.newSender().send(7);
    expect(await receiver.receive({ signal: AbortSignal.timeout(5000) })).toBe(7);
    receiver.close();
  });

  it('a message the codec cannot decode is thrown by consume() and not redelivered', async () => {
    let fail = true;
    const jobs = await NatsAnycast.open<string>(connection, {
      name: fresh(),
      ackWaitMs: 200,
      codec: {
        encode: (value) => new TextEncoder().encode(value),
        decode: (bytes) => {
          if (fail) throw new SyntaxError('bad bytes');
          return new TextDecoder().decode(bytes);
        },
      },
    });
    const sender = jobs.newSender();
    await sender.send('poison');
    const receiver = jobs.newReceiver();
    await expect(receiver.receive()).rejects.toThrow('bad bytes');
    fail = false;
    await sender.send('fine');
    expect(await receiver.receive()).toBe('fine');
    await new Promise((resolve) => setTimeout(resolve, 400)); // past ackWait: no redelivery
    expect(receiver.tryReceive()).toEqual({ ok: false, stopped: false });
    receiver.close();
  });

  it('close() is idempotent, stops iteration and says so on consume()', async () => {
    const jobs = await NatsAnycast.open<number>(connection, { name: fresh() });
    const receiver = jobs.newReceiver();
    const loop = (async () => {
      const got: number[] = [];
      for await (const n of receiver) got.push(n);
      return got;
    })();
    receiver.close();
    receiver.close();
    expect(await loop).toEqual([]);
    expect(await receiver.ready()).toBe(false);
    expect(() => receiver.consume()).toThrow(ReceiverStoppedError);
    expect(String(receiver)).toBe(`NatsReceiver:${jobs.name}`);
  });
});
