import {
  Anycast,
  Bidirectional,
  Broadcast,
  ChannelClosedError,
  ChannelError,
  ChannelsError,
  ReceiverError,
  ReceiverInvalidatedError,
  ReceiverStoppedError,
  SenderError,
} from 'rx-channels';
import { inspect } from 'node:util';
import { reasonOf, thrownBy } from './helpers/async';

type ErrorsModule = typeof import('../lib/errors');

/** Loads lib/errors.ts afresh: the classes of a second copy of the package (CJS next to ESM). */
function loadErrorsAgain(): ErrorsModule {
  let module: ErrorsModule | undefined;
  jest.isolateModules(() => {
    module = jest.requireActual<ErrorsModule>('../lib/errors');
  });
  return module!;
}

describe('errors', () => {
  const channel = new Anycast<number>({ name: 'jobs' });
  const sender = channel.newSender();
  const receiver = channel.newReceiver();

  describe('ChannelsError', () => {
    it('is an Error named ChannelsError', () => {
      const error = new ChannelsError('boom');
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('ChannelsError');
      expect(error.message).toBe('boom');
    });

    it('keeps the ES2022 cause', () => {
      const cause = new Error('root');
      expect(new ChannelsError('boom', { cause }).cause).toBe(cause);
    });

    it('has no cause when none is given', () => {
      expect('cause' in new ChannelsError('boom')).toBe(false);
    });
  });

  describe('ChannelError', () => {
    it('is a ChannelsError named ChannelError with the channel', () => {
      const error = new ChannelError('broke', channel);
      expect(error).toBeInstanceOf(ChannelsError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('ChannelError');
      expect(error.message).toBe('broke');
      expect(error.channel).toBe(channel);
    });
  });

  describe('ChannelClosedError', () => {
    it('says `Channel <channel> was closed` and keeps the channel', () => {
      const error = new ChannelClosedError(channel);
      expect(error.message).toBe('Channel Anycast:jobs was closed');
      expect(error.channel).toBe(channel);
      expect(error.name).toBe('ChannelClosedError');
    });

    it('is a ChannelError, a ChannelsError and an Error', () => {
      const error = new ChannelClosedError(channel);
      expect(error).toBeInstanceOf(ChannelError);
      expect(error).toBeInstanceOf(ChannelsError);
      expect(error).toBeInstanceOf(Error);
    });

    it('names a Broadcast channel by kind and name', () => {
      expect(new ChannelClosedError(new Broadcast('x')).message).toBe('Channel Broadcast:x was closed');
    });
  });

  describe('SenderError', () => {
    it('is a ChannelsError named SenderError with the sender and the cause', () => {
      const cause = new ChannelClosedError(channel);
      const error = new SenderError('The channel was closed', sender, { cause });
      expect(error).toBeInstanceOf(ChannelsError);
      expect(error).not.toBeInstanceOf(ChannelError);
      expect(error.name).toBe('SenderError');
      expect(error.sender).toBe(sender);
      expect(error.cause).toBe(cause);
    });
  });

  describe('ReceiverError', () => {
    it('is a ChannelsError named ReceiverError with the receiver', () => {
      const error = new ReceiverError('failed', receiver);
      expect(error).toBeInstanceOf(ChannelsError);
      expect(error.name).toBe('ReceiverError');
      expect(error.message).toBe('failed');
      expect(error.receiver).toBe(receiver);
    });
  });

  describe('ReceiverStoppedError', () => {
    it('says `Receiver <receiver> was stopped`', () => {
      const error = new ReceiverStoppedError(receiver);
      expect(error.message).toBe('Receiver AnycastReceiver:jobs was stopped');
      expect(error.receiver).toBe(receiver);
      expect(error.name).toBe('ReceiverStoppedError');
    });

    it('is a ReceiverError, a ChannelsError and an Error', () => {
      const error = new ReceiverStoppedError(receiver);
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).toBeInstanceOf(ChannelsError);
      expect(error).toBeInstanceOf(Error);
    });
  });

  describe('ReceiverInvalidatedError', () => {
    it('is a ReceiverError named ReceiverInvalidatedError', () => {
      const error = new ReceiverInvalidatedError('turned into a peekable', receiver);
      expect(error).toBeInstanceOf(ReceiverError);
      expect(error).toBeInstanceOf(ChannelsError);
      expect(error).not.toBeInstanceOf(ReceiverStoppedError);
      expect(error.name).toBe('ReceiverInvalidatedError');
      expect(error.receiver).toBe(receiver);
    });
  });

  describe('cause chains from a closed channel', () => {
    it('a send on a closed Anycast: SenderError `The channel was closed` caused by ChannelClosedError of the channel', async () => {
      const closed = new Anycast<number>({ name: 'jobs' });
      const closedSender = closed.newSender();
      await closed.close();
      const error = await reasonOf(closedSender.send(1));
      expect(error).toBeInstanceOf(SenderError);
      const senderError = error as SenderError<number>;
      expect(senderError.message).toBe('The channel was closed');
      expect(senderError.sender).toBe(closedSender);
      expect(senderError.cause).toBeInstanceOf(ChannelClosedError);
      expect((senderError.cause as ChannelClosedError).channel).toBe(closed);
      expect((senderError.cause as ChannelClosedError).message).toBe('Channel Anycast:jobs was closed');
    });

    it('a receive on a closed Broadcast: ReceiverStoppedError caused by ChannelClosedError of the channel', async () => {
      const closed = new Broadcast<number>('x');
      const closedReceiver = closed.newReceiver({ name: 'ui' });
      await closed.close();
      const error = await reasonOf(closedReceiver.receive());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverStoppedError).message).toBe('Receiver BroadcastReceiver:ui was stopped');
      expect((error as ReceiverStoppedError).receiver).toBe(closedReceiver);
      expect((error as ReceiverStoppedError).cause).toBeInstanceOf(ChannelClosedError);
      expect(((error as ReceiverStoppedError).cause as ChannelClosedError).channel).toBe(closed);
    });

    it('a receiver closed by its user stops with no cause', () => {
      const own = new Anycast<number>().newReceiver();
      own.close();
      const error = thrownBy(() => own.consume());
      expect(error).toBeInstanceOf(ReceiverStoppedError);
      expect((error as ReceiverStoppedError).cause).toBeUndefined();
    });
  });

  describe('toString() of channels, senders and receivers', () => {
    it('Anycast: `Anycast:<name>`, `AnycastSender:<name>`, `AnycastReceiver:<name>`', () => {
      expect(String(channel)).toBe('Anycast:jobs');
      expect(String(sender)).toBe('AnycastSender:jobs');
      expect(String(receiver)).toBe('AnycastReceiver:jobs');
    });

    it('Anycast without a name: a generated `anycast-<n>` name', () => {
      expect(String(new Anycast())).toMatch(/^Anycast:anycast-\d+$/);
    });

    it('Broadcast: `Broadcast:<name>`, `BroadcastSender:<name>`, `BroadcastReceiver:<receiver name>`', () => {
      const broadcast = new Broadcast<number>('x');
      expect(String(broadcast)).toBe('Broadcast:x');
      expect(String(broadcast.newSender())).toBe('BroadcastSender:x');
      expect(String(broadcast.newReceiver({ name: 'name' }))).toBe('BroadcastReceiver:name');
    });

    it('Broadcast receivers without a name: `<channel>-<n>`, numbered in creation order', () => {
      const broadcast = new Broadcast<number>('x');
      expect(String(broadcast.newReceiver())).toBe('BroadcastReceiver:x-1');
      expect(String(broadcast.newReceiver())).toBe('BroadcastReceiver:x-2');
    });

    it('peekables, map() and filter() results and Bidirectional handles name what they wrap', () => {
      const broadcast = new Broadcast<number>('x');
      const inner = broadcast.newReceiver({ name: 'r' });
      expect(String(broadcast.newPeekable())).toBe('BroadcastPeekable:x');
      expect(String(inner.map(String))).toBe('Map:BroadcastReceiver:r');
      expect(String(inner.filter(Boolean))).toBe('Filter:BroadcastReceiver:r');
      const bidirectional = new Bidirectional<number, string>('client', 'service');
      expect(String(bidirectional)).toBe('Bidirectional:client:service');
      expect(String(bidirectional.clientHandle)).toMatch(/^BidirectionalHandle:BroadcastReceiver:resp_service_client/);
    });
  });

  describe('instanceof across two copies of the package', () => {
    const other = loadErrorsAgain();

    it('the second copy really has other classes', () => {
      expect(other.SenderError).not.toBe(SenderError);
      expect(Object.getPrototypeOf(new other.SenderError('x', sender))).not.toBe(SenderError.prototype);
    });

    it('a SenderError of a closed channel from one copy is one of the other, with its cause', async () => {
      const closed = new Anycast<number>({ name: 'jobs' });
      const closedSender = closed.newSender();
      await closed.close();
      const error = await reasonOf(closedSender.send(1));
      expect(error).toBeInstanceOf(other.SenderError);
      expect(error).toBeInstanceOf(other.ChannelsError);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(other.ReceiverError);
      expect(error).not.toBeInstanceOf(other.ChannelError);
      expect((error as SenderError).cause).toBeInstanceOf(other.ChannelClosedError);
      expect((error as SenderError).cause).toBeInstanceOf(other.ChannelError);
    });

    it('each class matches itself and its subclasses from the other copy, nothing else', () => {
      const made = {
        ChannelsError: new other.ChannelsError('x'),
        ChannelError: new other.ChannelError('x', channel),
        ChannelClosedError: new other.ChannelClosedError(channel),
        SenderError: new other.SenderError('x', sender),
        ReceiverError: new other.ReceiverError('x', receiver),
        ReceiverStoppedError: new other.ReceiverStoppedError(receiver),
        ReceiverInvalidatedError: new other.ReceiverInvalidatedError('x', receiver),
      };
      const classes = {
        ChannelsError,
        ChannelError,
        ChannelClosedError,
        SenderError,
        ReceiverError,
        ReceiverStoppedError,
        ReceiverInvalidatedError,
      };
      const isA: Record<keyof typeof classes, (keyof typeof classes)[]> = {
        ChannelsError: ['ChannelsError'],
        ChannelError: ['ChannelError', 'ChannelsError'],
        ChannelClosedError: ['ChannelClosedError', 'ChannelError', 'ChannelsError'],
        SenderError: ['SenderError', 'ChannelsError'],
        ReceiverError: ['ReceiverError', 'ChannelsError'],
        ReceiverStoppedError: ['ReceiverStoppedError', 'ReceiverError', 'ChannelsError'],
        ReceiverInvalidatedError: ['ReceiverInvalidatedError', 'ReceiverError', 'ChannelsError'],
      };
      for (const [madeName, error] of Object.entries(made) as [keyof typeof classes, Error][]) {
        for (const [className, klass] of Object.entries(classes) as [
          keyof typeof classes,
          new (...args: never[]) => object,
        ][]) {
          expect([madeName, className, error instanceof klass]).toEqual([
            madeName,
            className,
            isA[madeName].includes(className),
          ]);
        }
      }
    });

    it('a user subclass counts as its library parents, but a library error is not one of it', () => {
      class JobError extends other.SenderError<number> {}
      const error = new JobError('x', sender);
      expect(error).toBeInstanceOf(SenderError);
      expect(error).toBeInstanceOf(ChannelsError);
      expect(error.name).toBe('JobError');
      expect(new SenderError('x', sender)).not.toBeInstanceOf(JobError);
    });

    it('unrelated values are not instances', () => {
      for (const value of [null, undefined, 'SenderError', {}, new Error('x'), { name: 'SenderError' }]) {
        expect(value instanceof SenderError).toBe(false);
        expect(value instanceof ChannelsError).toBe(false);
      }
    });
  });

  describe('printing', () => {
    async function closedSendError(): Promise<SenderError<number>> {
      const closed = new Anycast<number>({ name: 'printed' });
      const closedSender = closed.newSender();
      await closed.close();
      return (await reasonOf(closedSender.send(1))) as SenderError<number>;
    }

    it('keeps channel, sender and receiver readable but out of Object.keys()', async () => {
      const error = await closedSendError();
      expect(Object.keys(error)).not.toContain('sender');
      expect(Object.keys(error.cause as object)).not.toContain('channel');
      expect(Object.keys(new ReceiverError('x', receiver))).not.toContain('receiver');
      expect(String(error.sender)).toBe('AnycastSender:printed');
      expect(Object.getOwnPropertyDescriptor(error, 'sender')).toMatchObject({ enumerable: false, writable: false });
    });

    it('JSON.stringify() does not throw and gives a short text', async () => {
      const json = JSON.stringify(await closedSendError());
      expect(json.length).toBeLessThan(100);
      expect(JSON.parse(json)).toEqual({ name: 'SenderError' });
    });

    it('util.inspect() of a SenderError from a closed Anycast is short and names the channel and the sender', async () => {
      const error = await closedSendError();
      const printed = inspect(error);
      const lines = printed.split('\n');
      expect(lines.length).toBeLessThanOrEqual(12);
      expect(lines[0]).toBe('SenderError: The channel was closed');
      expect(lines[1]).toMatch(/^\s+at /);
      expect(printed).toContain('Anycast:printed');
      expect(printed).toContain('  sender: AnycastSender:printed');
      expect(printed).toContain('  [cause] ChannelClosedError: Channel Anycast:printed was closed');
      expect(printed).not.toMatch(/Deque|WaitQueue|WakerSet|slots/);
    });

    it('util.inspect() of an error nested in an object uses the short form too', async () => {
      const printed = inspect({ error: await closedSendError() });
      expect(printed.split('\n').length).toBeLessThanOrEqual(14);
      expect(printed).toContain('[cause] ChannelClosedError');
    });

    it('follows the whole cause chain, one line per cause, and a cause that is not an Error', () => {
      const inner = new ChannelClosedError(channel, { cause: 'disk full' });
      const outer = new ChannelError('Error in the underlying channel', new Bidirectional('c', 's'), { cause: inner });
      const printed = inspect(new ReceiverStoppedError(receiver, { cause: outer }));
      expect(printed).toContain('  receiver: AnycastReceiver:jobs\n');
      expect(printed).toContain(
        [
          '  [cause] ChannelError: Error in the underlying channel',
          '  [cause] ChannelClosedError: Channel Anycast:jobs was closed',
          "  [cause] 'disk full'",
        ].join('\n'),
      );
    });

    it('stops following a cause chain that loops', () => {
      const first = new ChannelsError('first');
      const second = new ChannelsError('second', { cause: first });
      Object.defineProperty(first, 'cause', { value: second });
      expect(
        inspect(first)
          .split('\n')
          .filter((line) => line.includes('[cause]')),
      ).toHaveLength(8);
    });
  });
});
