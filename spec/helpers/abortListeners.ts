/*
 * The abort-listener cases every channel shares: waits on one long-lived signal must not pile up
 * listeners on it, whether they settle by close(), by a message, or in a long loop.
 */
import type { Receiver, Sender } from 'rx-channels';
import { abortListenerCount } from './async';

/** The part of a channel these cases use. */
export interface ChannelUnderTest {
  newSender(): Sender<number>;
  newReceiver(): Receiver<number>;
  close(): Promise<void>;
}

/** Defines, in the current `describe`, the abort-listener cases for channels made by `make`. */
export function itLeavesNoAbortListeners(make: () => ChannelUnderTest): void {
  it('close() settles the waits on a long-lived signal and leaves none of their abort listeners', async () => {
    const channel = make();
    const controller = new AbortController();
    const options = { signal: controller.signal };
    const waits = [
      channel.newReceiver().ready(options),
      channel.newReceiver().ready(options),
      channel
        .newReceiver()
        .receive(options)
        .catch(() => false),
    ];
    expect(abortListenerCount(controller.signal)).toBe(3);
    await channel.close();
    await expect(Promise.all(waits)).resolves.toEqual([false, false, false]);
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('many receive() calls on one long-lived signal leave no abort listener behind', async () => {
    const channel = make();
    const receiver = channel.newReceiver();
    const sender = channel.newSender();
    const controller = new AbortController();
    for (let n = 0; n < 20; n++) {
      const received = receiver.receive({ signal: controller.signal });
      await sender.send(n);
      await expect(received).resolves.toBe(n);
    }
    expect(abortListenerCount(controller.signal)).toBe(0);
  });

  it('a receive() that resolved removes its abort listener', async () => {
    const channel = make();
    const receiver = channel.newReceiver();
    const controller = new AbortController();
    const received = receiver.receive({ signal: controller.signal });
    await channel.newSender().send(1);
    await expect(received).resolves.toBe(1);
    expect(abortListenerCount(controller.signal)).toBe(0);
  });
}
