import { Anycast, Timer } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { nextOrTimeout } from '../../examples/watchdog';

describe('examples/watchdog: testing with marbles', () => {
  it('a channel fed by cold() and a one-shot Timer give exact frames', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const channel = new Anycast<string>();
      cold('a-b|').subscribe(channel.newSender().asObserver({ closeOnComplete: true }));
      expectObservable(channel.newReceiver()).toBe('a-b|');
      expectObservable(Timer.once(5, { scheduler }).pipe(take(1))).toBe('-----(t|)', { t: new Date(5) });
    });
  });
});

describe('examples/watchdog: testing await-style code with VirtualClock', () => {
  it('gives the message that comes before the deadline', async () => {
    const clock = new VirtualClock();
    const channel = new Anycast<string>();
    clock.scheduler.schedule(() => void channel.newSender().send('pong'), 300);
    await expect(clock.runUntil(nextOrTimeout(channel.newReceiver(), 1000, clock.scheduler))).resolves.toBe('pong');
    expect(clock.scheduler.now()).toBe(300);
    expect(clock.scheduler.actions).toHaveLength(0);
  });

  it("gives 'timeout' at the deadline, an hour of virtual time in milliseconds", async () => {
    const clock = new VirtualClock();
    const channel = new Anycast<string>();
    const receiver = channel.newReceiver();
    await expect(clock.runUntil(nextOrTimeout(receiver, 3_600_000, clock.scheduler))).resolves.toBe('timeout');
    expect(clock.scheduler.now()).toBe(3_600_000);
    // Nothing was taken: a message sent now is there for the next call.
    await channel.newSender().send('late');
    await expect(clock.runUntil(nextOrTimeout(receiver, 10, clock.scheduler))).resolves.toBe('late');
  });

  it("gives 'stopped' when the channel closes", async () => {
    const clock = new VirtualClock();
    const channel = new Anycast<string>();
    const receiver = channel.newReceiver();
    await channel.close();
    await expect(clock.runUntil(nextOrTimeout(receiver, 10, clock.scheduler))).resolves.toBe('stopped');
  });
});
