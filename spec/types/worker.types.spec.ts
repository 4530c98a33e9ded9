/**
 * The types of `rx-channels/worker`: a Node MessagePort, Worker and parentPort are ports;
 * channels of any message type are served (a channel class is invariant in its message type);
 * the remote handles carry the message types; what is not a channel is refused.
 */
import { expectTypeOf } from 'expect-type';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Anycast, Broadcast } from 'rx-channels';
import {
  connectChannels,
  serveChannels,
  type RemoteReceiver,
  type RemoteSender,
  type ServedChannels,
} from 'rx-channels/worker';

describe('rx-channels/worker types', () => {
  it('serves and connects channels of their own message types', () => {
    const typesOnly = (): void => {
      const { port1, port2 } = new MessageChannel();
      const channels = { jobs: new Anycast<string>(), prices: new Broadcast<number>('prices') };
      serveChannels(port1, channels);
      serveChannels(new Worker(''), channels, { heartbeatMs: 1000 });
      const checked: ServedChannels<typeof channels> = channels;
      void checked;
      const remote = connectChannels<typeof channels>(port2);
      expectTypeOf(remote.jobs.newSender()).toEqualTypeOf<RemoteSender<string>>();
      expectTypeOf(remote.prices.newReceiver({ maxsize: 3 })).toEqualTypeOf<RemoteReceiver<number>>();
      expectTypeOf(remote.close()).toEqualTypeOf<Promise<void>>();
      // @ts-expect-error not a channel
      serveChannels(port1, { jobs: 5 });
      // @ts-expect-error not a port
      serveChannels({}, channels);
      // @ts-expect-error not a served name
      void remote.nope;
    };
    expect(typeof typesOnly).toBe('function');
  });
});
