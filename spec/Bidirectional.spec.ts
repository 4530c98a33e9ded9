import { expectTypeOf } from 'expect-type';
import {
  Bidirectional,
  BidirectionalHandle,
  ChannelClosedError,
  ChannelError,
  Receiver,
  ReceiverError,
  ReceiverStoppedError,
  SenderClosedError,
  SenderError,
  type Sender,
} from 'rx-channels';
import { of } from 'rxjs';
import { flushMicrotasks, reasonOf, thrownBy } from './helpers/async';
import { captureWarnings } from './helpers/logger';
import { drain } from './helpers/receivers';

/** Checks the re-wrapped cause chain and returns the original channel error at its end. */
function expectUnderlyingCause(error: unknown, channel: object): ChannelClosedError {
  const cause = (error as Error).cause as ChannelError;
  expect(cause).toBeInstanceOf(ChannelError);
  expect(cause).not.toBeInstanceOf(ChannelClosedError);
  expect(cause.channel).toBe(channel);
  expect(cause.message.startsWith('Error in the underlying channel')).toBe(true);
  expect(cause.cause).toBeInstanceOf(ChannelClosedError);
  return cause.cause as ChannelClosedError;
}

describe('Bidirectional', () => {
  it('the client sends requests to the service, and the service responses to the client', async () => {
    const channel = new Bidirectional<string, number>('client', 'lengths');
    await channel.clientHandle.send('hello');
    const request = await channel.serviceHandle.receive();
    expect(request).toBe('hello');
    await channel.serviceHandle.send(request.length);
    expect(await channel.clientHandle.receive()).toBe(5);
  });

  it('a handle does not receive what it sent itself', async () => {
    const channel = new Bidirectional<number, number>('client', 'service');
    await channel.clientHandle.send(1);
    await channel.close();
    expect(await drain(channel.clientHandle)).toEqual([]);
    expect(await drain(channel.serviceHandle)).toEqual([1]);
  });

  it('its handles are BidirectionalHandles, also reachable as Bidirectional.Handle', () => {
    const channel = new Bidirectional<string, number>('client', 'service');
    expect(Bidirectional.Handle).toBe(BidirectionalHandle);
    expect(channel.clientHandle).toBeInstanceOf(Bidirectional.Handle);
    expect(channel.serviceHandle).toBeInstanceOf(Receiver);
    expectTypeOf(channel.clientHandle).toEqualTypeOf<BidirectionalHandle<string, number>>();
    expectTypeOf(channel.serviceHandle).toEqualTypeOf<Bidirectional.Handle<number, string>>();
    expectTypeOf<Bidirectional.Handle<string, number>>().toEqualTypeOf<BidirectionalHandle<string, number>>();
    expectTypeOf(channel.clientHandle).toExtend<Sender<string>>();
    expectTypeOf(channel.clientHandle).toExtend<Receiver<number>>();
  });

  it('a handle is an Observable of what it receives, emitted inside send()', () => {
    const channel = new Bidirectional<string, number>('client', 'service');
    const seen: string[] = [];
    channel.serviceHandle.subscribe((request) => seen.push(request));
    void channel.clientHandle.send('now');
    expect(seen).toEqual(['now']);
  });

  it('unsubscribing from a handle loses no message', async () => {
    const channel = new Bidirectional<number, number>('client', 'service');
    const seen: number[] = [];
    const subscription = channel.serviceHandle.subscribe((request) => seen.push(request));
    await channel.clientHandle.send(1);
    subscription.unsubscribe();
    await channel.clientHandle.send(2);
    expect(seen).toEqual([1]);
    expect(await channel.serviceHandle.receive()).toBe(2);
  });

  it('a handle feeds an Observable to the other end through asObserver()', async () => {
    const channel = new Bidirectional<number, number>('client', 'service');
    of(1, 2, 3).subscribe(channel.clientHandle.asObserver({ closeOnComplete: true }));
    await flushMicrotasks();
    expect(await drain(channel.serviceHandle)).toEqual([1, 2, 3]);
  });

  it('refuses ids that are not strings with a TypeError naming them', () => {
    expect(() => new Bidirectional(1 as unknown as string, 'service')).toThrow('`clientId`');
    expect(() => new Bidirectional('client', null as unknown as string)).toThrow('`serviceId`');
  });

  describe('options', () => {
    let capture: ReturnType<typeof captureWarnings>;
    beforeEach(() => {
      capture = captureWarnings();
    });
    afterEach(() => capture.restore());

    it('buffers 50 messages per direction by default and drops the oldest past that, with one warning naming the Bidirectional', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      for (let index = 0; index < 52; index++) {
        await channel.clientHandle.send(index);
      }
      expect(capture.warnings).toEqual([
        'Bidirectional:client:service requests: buffer full (maxsize 50), dropping the oldest messages',
      ]);
      expect(await channel.serviceHandle.receive()).toBe(2);
      await channel.close();
    });

    it('maxsize sets the buffer of both directions, and the warning names the direction', async () => {
      const channel = new Bidirectional<string, string>('c', 's', { maxsize: 2 });
      for (const request of ['a', 'b', 'c']) {
        await channel.clientHandle.send(request);
      }
      for (const response of ['x', 'y', 'z', 'w']) {
        await channel.serviceHandle.send(response);
      }
      expect(capture.warnings).toEqual([
        'Bidirectional:c:s requests: buffer full (maxsize 2), dropping the oldest messages',
        'Bidirectional:c:s responses: buffer full (maxsize 2), dropping the oldest messages',
      ]);
      await channel.close();
      expect(await drain(channel.serviceHandle)).toEqual(['b', 'c']);
      expect(await drain(channel.clientHandle)).toEqual(['z', 'w']);
    });

    it('warnOnOverflow: false drops as before, without a warning', async () => {
      const channel = new Bidirectional<number, number>('c', 's', { maxsize: 1, warnOnOverflow: false });
      await channel.clientHandle.send(1);
      await channel.clientHandle.send(2);
      expect(capture.warnings).toEqual([]);
      expect(await channel.serviceHandle.receive()).toBe(2);
      await channel.close();
    });

    it('takes undefined for every option, as the defaults', async () => {
      const channel = new Bidirectional<number, number>('c', 's', { maxsize: undefined, warnOnOverflow: undefined });
      for (let index = 0; index < 51; index++) {
        await channel.clientHandle.send(index);
      }
      expect(capture.warnings).toHaveLength(1);
      await channel.close();
    });

    it('refuses a bad maxsize with a RangeError and bad options with a TypeError, naming them', () => {
      expect(() => new Bidirectional('c', 's', { maxsize: 0 })).toThrow(RangeError);
      expect(() => new Bidirectional('c', 's', { maxsize: 1.5 })).toThrow(/`maxsize`/);
      expect(() => new Bidirectional('c', 's', { warnOnOverflow: 'no' as unknown as boolean })).toThrow(
        new TypeError('Expected `warnOnOverflow` to be a boolean, got string'),
      );
      expect(() => new Bidirectional('c', 's', null as never)).toThrow(TypeError);
    });
  });

  describe('close()', () => {
    it('takes effect before it returns, and its promise does not wait for the handles to drain', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.clientHandle.send(1);
      const closed = channel.close();
      await expect(channel.clientHandle.send(2)).rejects.toBeInstanceOf(SenderError);
      await closed;
      expect(await drain(channel.serviceHandle)).toEqual([1]);
    });

    it('closes both directions', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.close();
      await expect(channel.clientHandle.send(1)).rejects.toBeInstanceOf(SenderError);
      await expect(channel.serviceHandle.send(1)).rejects.toBeInstanceOf(SenderError);
      await expect(channel.clientHandle.ready()).resolves.toBe(false);
      await expect(channel.serviceHandle.ready()).resolves.toBe(false);
    });

    it('a failed client send: SenderError -> ChannelError of the Bidirectional -> ChannelClosedError of `req_<service>_<client>`', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.close();
      const error = await reasonOf(channel.clientHandle.send(1));
      expect(error).toBeInstanceOf(SenderError);
      expect((error as SenderError<number>).message).toBe('The channel was closed');
      expect((error as SenderError<number>).sender).toBe(channel.clientHandle);
      const original = expectUnderlyingCause(error, channel);
      expect(original.message).toBe('Channel Broadcast:req_service_client was closed');
      expect((error as SenderError<number>).cause).toHaveProperty(
        'message',
        'Error in the underlying channel Broadcast:req_service_client: Channel Broadcast:req_service_client was closed',
      );
    });

    it('a failed service send names the `resp_<service>_<client>` channel', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.close();
      const original = expectUnderlyingCause(await reasonOf(channel.serviceHandle.send(1)), channel);
      expect(String(original.channel)).toBe('Broadcast:resp_service_client');
    });

    it('a stopped client handle: ReceiverStoppedError -> ChannelError of the Bidirectional -> ChannelClosedError of `resp_<service>_<client>`', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.close();
      const error = await reasonOf(channel.clientHandle.receive());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverStoppedError<number>).receiver).toBe(channel.clientHandle);
      expect((error as Error).message).toBe(`Receiver ${String(channel.clientHandle)} was stopped`);
      const original = expectUnderlyingCause(error, channel);
      expect(String(original.channel)).toBe('Broadcast:resp_service_client');
    });

    it('a stopped service handle names the `req_<service>_<client>` channel', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.close();
      const error = thrownBy(() => channel.serviceHandle.consume());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect(String(expectUnderlyingCause(error, channel).channel)).toBe('Broadcast:req_service_client');
    });

    it('handles drain what they had, then stop; for await ends cleanly', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.clientHandle.send(1);
      await channel.close();
      expect(await drain(channel.serviceHandle)).toEqual([1]);
    });
  });

  describe('handle errors', () => {
    it('consume() before ready() throws a ReceiverError of the handle, with no cause', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.clientHandle.send(1);
      const error = thrownBy(() => channel.serviceHandle.consume());
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverError<number>).receiver).toBe(channel.serviceHandle);
      expect((error as Error).message).toMatch(/: consume\(\) was called before ready\(\) resolved true$/);
      expect((error as Error).cause).toBeUndefined();
    });

    it('a handle closed by its user stops with no cause, and its sends reject with SenderClosedError', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      const client = channel.clientHandle;
      expect(client.isClosed).toBe(false);
      client.close();
      client.close();
      expect(client.isClosed).toBe(true);
      const error = await reasonOf(client.receive());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as Error).cause).toBeUndefined();
      const sendError = await reasonOf(client.send(1));
      expect(sendError).toBeInstanceOf(SenderClosedError);
      expect((sendError as SenderClosedError).sender).toBe(client);
      expect(String((sendError as Error).message)).toBe(`Sender ${String(client)} was closed`);
      expect(() => client.trySend(1)).toThrow(SenderClosedError);
      // The other handle stays open: it sends, and receives what a new client sends.
      await channel.serviceHandle.send(2);
      expect(channel.serviceHandle.isClosed).toBe(false);
      expect(channel.serviceHandle.tryReceive().ok).toBe(false);
    });

    it('an aborted send() on a closed handle rejects with the signal reason first', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      channel.clientHandle.close();
      const reason = new Error('gave up');
      expect(await reasonOf(channel.clientHandle.send(1, { signal: AbortSignal.abort(reason) }))).toBe(reason);
    });

    it('an aborted send() rejects with the signal reason, not re-wrapped', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      const reason = new Error('gave up');
      expect(await reasonOf(channel.clientHandle.send(1, { signal: AbortSignal.abort(reason) }))).toBe(reason);
      expect(channel.serviceHandle.consume.bind(channel.serviceHandle)).toThrow(ReceiverError);
    });

    it('an aborted ready() rejects with the signal reason and takes nothing', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      const controller = new AbortController();
      const ready = channel.serviceHandle.ready({ signal: controller.signal });
      controller.abort();
      await expect(ready).rejects.toMatchObject({ name: 'AbortError' });
      await channel.clientHandle.send(1);
      expect(await channel.serviceHandle.receive()).toBe(1);
    });

    it('a waker taken back with _unpark() is not called (the poll protocol Merge and select() rely on)', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      const kept = { wake: jest.fn() };
      const takenBack = { wake: jest.fn() };
      channel.serviceHandle._park(kept);
      channel.serviceHandle._park(takenBack);
      channel.serviceHandle._unpark(takenBack);
      await channel.clientHandle.send(1);
      expect(kept.wake).toHaveBeenCalledTimes(1);
      expect(takenBack.wake).not.toHaveBeenCalled();
    });

    it('intoPeekable() throws a ReceiverError, as on any receiver that cannot become one', () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      expect(thrownBy(() => channel.clientHandle.intoPeekable())).toBeInstanceOf(ReceiverError);
    });
  });

  describe('trySend()', () => {
    it('places the message for the other end and returns true', async () => {
      const channel = new Bidirectional<string, number>('client', 'service');
      expect(channel.clientHandle.trySend('hello')).toBe(true);
      expect(channel.serviceHandle.tryReceive()).toEqual({ ok: true, message: 'hello' });
      expect(channel.serviceHandle.trySend(5)).toBe(true);
      expect(await channel.clientHandle.receiveMany(10)).toEqual([5]);
    });

    it('on a closed channel throws SenderError with the re-wrapped cause chain, as send() rejects', async () => {
      const channel = new Bidirectional<number, number>('client', 'service');
      await channel.close();
      const error = thrownBy(() => channel.clientHandle.trySend(1)) as SenderError<number>;
      expect(error).toBeInstanceOf(SenderError);
      expect(error.sender).toBe(channel.clientHandle);
      expectUnderlyingCause(error, channel);
    });
  });
});

describe('BidirectionalHandle close(): attacks', () => {
  it('closed from inside its own map() callback while consuming: that message and the buffered ones are delivered, then it stops; its sends reject', async () => {
    const channel = new Bidirectional<string, number>('client', 'service');
    const client = channel.clientHandle;
    await channel.serviceHandle.send(1);
    await channel.serviceHandle.send(2);
    const mapped = client.map((n) => {
      client.close();
      return n * 10;
    });
    expect(await mapped.receive()).toBe(10);
    expect(client.isClosed).toBe(true);
    // As a Broadcast receiver's close(): what it had buffered is still delivered, then it stops.
    expect(await drain(client)).toEqual([2]);
    await channel.serviceHandle.send(3);
    expect(await client.ready()).toBe(false);
    expect(await reasonOf(client.send('late'))).toBeInstanceOf(SenderClosedError);
    expect(channel.serviceHandle.tryReceive()).toEqual({ ok: false, stopped: false });
  });

  it('closed from a subscriber of the other direction while the service sends: the sends of the closed handle fail, the service stays open', async () => {
    const channel = new Bidirectional<number, number>('client', 'service');
    const { clientHandle: client, serviceHandle: service } = channel;
    const replies: Promise<unknown>[] = [];
    client.subscribe((n) => {
      client.close();
      replies.push(reasonOf(client.send(n + 1)));
    });
    await service.send(1);
    await flushMicrotasks();
    expect(replies).toHaveLength(1);
    expect(await replies[0]).toBeInstanceOf(SenderClosedError);
    expect(service.isClosed).toBe(false);
    await expect(service.send(2)).resolves.toBeUndefined();
  });

  it('an Observable fed into a closed handle through asObserver() logs the lost values and places nothing', async () => {
    const capture = captureWarnings();
    try {
      const channel = new Bidirectional<number, number>('client', 'service');
      channel.clientHandle.close();
      of(1, 2).subscribe(channel.clientHandle.asObserver());
      await flushMicrotasks();
      expect(capture.warnings.length).toBeGreaterThan(0);
      expect(channel.serviceHandle.tryReceive()).toEqual({ ok: false, stopped: false });
    } finally {
      capture.restore();
    }
  });
});
