import { Anycast } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { batchWithFlush } from '../../examples/batching';

function setUp(maxBatch: number, flushMs: number) {
  const clock = new VirtualClock();
  const channel = new Anycast<number>({ maxsize: 100 });
  const batches: { at: number; batch: number[] }[] = [];
  const done = batchWithFlush(
    channel.newReceiver(),
    (batch) => {
      batches.push({ at: clock.scheduler.now(), batch });
      return Promise.resolve();
    },
    { maxBatch, flushMs, scheduler: clock.scheduler },
  );
  return { clock, channel, sender: channel.newSender(), batches, done };
}

describe('examples/batching', () => {
  it('a full batch goes at once; a partial one after flushMs from its first message', async () => {
    const { clock, channel, sender, batches, done } = setUp(3, 100);
    for (const n of [1, 2, 3, 4]) {
      await sender.send(n);
    }
    await clock.advanceBy(40);
    await sender.send(5);
    await clock.advanceBy(59);
    expect(batches).toEqual([{ at: 0, batch: [1, 2, 3] }]);
    await clock.advanceBy(1);
    expect(batches).toEqual([
      { at: 0, batch: [1, 2, 3] },
      { at: 100, batch: [4, 5] },
    ]);
    await channel.close();
    await clock.runUntil(done);
    expect(clock.scheduler.actions).toHaveLength(0);
  });

  it('closing the channel flushes the last partial batch at once and ends the loop', async () => {
    const { clock, channel, sender, batches, done } = setUp(10, 1000);
    await sender.send(1);
    await sender.send(2);
    await clock.advanceBy(10);
    await channel.close();
    await clock.runUntil(done);
    expect(batches).toEqual([{ at: 10, batch: [1, 2] }]);
  });

  it('every message is flushed exactly once, in order', async () => {
    const { clock, channel, sender, batches, done } = setUp(4, 30);
    for (let n = 0; n < 50; n++) {
      await sender.send(n);
      if (n % 7 === 0) {
        await clock.advanceBy(13);
      }
    }
    await channel.close();
    await clock.runUntil(done);
    expect(batches.flatMap(({ batch }) => batch)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(batches.every(({ batch }) => batch.length >= 1 && batch.length <= 4)).toBe(true);
  });
});
