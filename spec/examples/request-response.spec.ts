import { Bidirectional, ChannelsError } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { Client, serve, type Reply, type Request } from '../../examples/request-response';

/** A service whose answers take `delays[question]` ms of virtual time (default 10). */
function setUp(delays: Record<string, number> = {}) {
  const clock = new VirtualClock();
  const channel = new Bidirectional<Request, Reply>('client', 'lengths');
  const service = serve(
    channel.serviceHandle,
    (question) =>
      new Promise((resolve) => {
        clock.scheduler.schedule(() => resolve(question.length), delays[question] ?? 10);
      }),
  );
  return { clock, channel, service, client: new Client(channel.clientHandle, clock.scheduler) };
}

describe('examples/request-response', () => {
  it('answers a request within its deadline', async () => {
    const { clock, channel, service, client } = setUp();
    await expect(clock.runUntil(client.request('hello', 100))).resolves.toBe(5);
    await channel.close();
    await service;
  });

  it('a request past its deadline fails, and its late reply does not pass for the next one', async () => {
    const { clock, channel, service, client } = setUp({ slow: 500 });
    await expect(clock.runUntil(client.request('slow', 100))).rejects.toThrow(ChannelsError);
    await expect(clock.runUntil(client.request('channels', 1000))).resolves.toBe(8);
    expect(clock.scheduler.now()).toBe(510);
    await channel.close();
    await service;
  });

  it('fails when the service side closes', async () => {
    const { clock, channel, client } = setUp();
    const pending = client.request('hello', 1000);
    await channel.close();
    await expect(clock.runUntil(pending)).rejects.toThrow(/went away|closed/);
  });

  it('leaves no timer scheduled after a reply or a timeout', async () => {
    const { clock, channel, service, client } = setUp({ slow: 500 });
    await clock.runUntil(client.request('hello', 100));
    await expect(clock.runUntil(client.request('slow', 100))).rejects.toThrow(ChannelsError);
    await channel.close();
    await clock.runUntil(service);
    expect(clock.scheduler.actions).toHaveLength(0);
  });
});
