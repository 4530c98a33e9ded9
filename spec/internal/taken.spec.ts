import { Anycast, Broadcast } from 'rx-channels';
import { pollableOf } from '../../lib/internal/ForeignReceiver';
import { READY } from '../../lib/internal/protocol';
import { takeFrom } from '../../lib/internal/taken';

describe('takeFrom', () => {
  it('takes an Anycast message with a way back to the front of its channel', async () => {
    const channel = new Anycast<number>();
    const sender = channel.newSender();
    await sender.send(1);
    await sender.send(2);
    const source = pollableOf(channel.newReceiver());
    expect(source._poll()).toBe(READY);
    const taken = takeFrom(source);
    expect(taken).toMatchObject({ failed: false, value: 1 });
    taken.giveBack?.();
    const other = channel.newReceiver();
    expect([await other.receive(), await other.receive()]).toEqual([1, 2]);
  });

  it('takes a Broadcast message with no way back', async () => {
    const channel = new Broadcast<number>('taken');
    const receiver = channel.newReceiver();
    await channel.newSender().send(1);
    const source = pollableOf(receiver);
    source._poll();
    expect(takeFrom(source)).toEqual({ failed: false, value: 1, giveBack: undefined });
  });

  it('takes the error consume() throws as a failed item', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    receiver.close();
    const taken = takeFrom(pollableOf(receiver));
    expect(taken.failed).toBe(true);
    expect(taken.value).toBeInstanceOf(Error);
    expect(taken.giveBack).toBeUndefined();
  });

  it('keeps the way back through map()', async () => {
    const channel = new Anycast<number>();
    await channel.newSender().send(1);
    const source = pollableOf(channel.newReceiver().map((n) => n * 10));
    source._poll();
    const taken = takeFrom(source);
    expect(taken.value).toBe(10);
    taken.giveBack?.();
    expect(await channel.newReceiver().receive()).toBe(1);
  });

  it('a map() function that throws is a failed item that can still go back', async () => {
    const channel = new Anycast<number>();
    await channel.newSender().send(1);
    const source = pollableOf(
      channel.newReceiver().map(() => {
        throw new Error('map');
      }),
    );
    source._poll();
    const taken = takeFrom(source);
    expect(taken).toMatchObject({ failed: true, value: new Error('map') });
    taken.giveBack?.();
    expect(await channel.newReceiver().receive()).toBe(1);
  });
});
