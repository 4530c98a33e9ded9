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
import { reasonOf, thrownBy } from './helpers/async';

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
});
