import { Broadcast, Peekable } from 'rx-channels';

/** A peekable written outside the library. */
class FixedPeekable extends Peekable<number> {
  constructor(private readonly value: number | undefined) {
    super();
  }

  peek(): number | undefined {
    return this.value;
  }
}

describe('Peekable', () => {
  it('is an abstract class a user can extend with peek()', () => {
    expect(new FixedPeekable(3).peek()).toBe(3);
    expect(new FixedPeekable(undefined).peek()).toBeUndefined();
  });

  it('is what Broadcast.newPeekable() and BroadcastReceiver.intoPeekable() return', () => {
    const channel = new Broadcast<number>('x');
    expect(channel.newPeekable()).toBeInstanceOf(Peekable);
    expect(channel.newReceiver().intoPeekable()).toBeInstanceOf(Peekable);
  });

  it('peek() reads the latest message without consuming it', async () => {
    const channel = new Broadcast<number>('x');
    const receiver = channel.newReceiver();
    const peekable = channel.newPeekable();
    await channel.newSender().send(1);
    expect(peekable.peek()).toBe(1);
    expect(receiver.size).toBe(1);
    expect(await receiver.receive()).toBe(1);
  });
});
