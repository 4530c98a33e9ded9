import { expectTypeOf } from 'expect-type';
import fc from 'fast-check';
import type { OneshotSender } from 'rx-channels';
import {
  ChannelClosedError,
  oneshot,
  ReceiverStoppedError,
  select,
  Sender,
  SenderClosedError,
  type Receiver,
} from 'rx-channels';
import { Timer } from 'rx-channels/util';
import { firstValueFrom, toArray } from 'rxjs';
import { abortListenerCount, flushMicrotasks, reasonOf, thrownBy, track } from '../helpers/async';
import { propertyParameters } from '../helpers/properties';
import { drain } from '../helpers/receivers';
import { canCollect, collectUntil } from '../helpers/gc';

describe('oneshot()', () => {
  it('delivers one message, then stops with ReceiverStoppedError (cause ChannelClosedError)', async () => {
    const [sender, receiver] = oneshot<string>();
    await sender.send('reply');
    expect(await receiver.receive()).toBe('reply');
    const error = await reasonOf(receiver.receive());
    expect(error).toBeInstanceOf(ReceiverStoppedError);
    expect((error as Error).cause).toBeInstanceOf(ChannelClosedError);
  });

  it('closes the sender with its first send; a second send is SenderClosedError and places nothing', async () => {
    const [sender, receiver] = oneshot<number>({ name: 'slot' });
    expect(sender.isClosed).toBe(false);
    await sender.send(1);
    expect(sender.isClosed).toBe(true);
    const error = await reasonOf(sender.send(2));
    expect(error).toBeInstanceOf(SenderClosedError);
    expect((error as SenderClosedError).sender).toBe(sender);
    expect((error as Error).message).toBe('Sender OneshotSender:slot was closed');
    expect(thrownBy(() => sender.trySend(3))).toBeInstanceOf(SenderClosedError);
    expect(await drain(receiver)).toEqual([1]);
  });

  it('trySend() is the same one send', async () => {
    const [sender, receiver] = oneshot<number>();
    expect(sender.trySend(5)).toBe(true);
    expect(sender.isClosed).toBe(true);
    expect(await drain(receiver)).toEqual([5]);
  });

  it('a sender closed unsent stops the receiver, also one already waiting', async () => {
    const [sender, receiver] = oneshot<number>();
    const waiting = track(receiver.ready());
    await flushMicrotasks();
    expect(waiting.current().state).toBe('pending');
    sender.close();
    sender.close();
    await flushMicrotasks();
    expect(waiting.current()).toEqual({ state: 'fulfilled', value: false });
    expect(await reasonOf(sender.send(1))).toBeInstanceOf(SenderClosedError);
  });

  it('hands the message to a receiver already waiting', async () => {
    const [sender, receiver] = oneshot<string>();
    const received = receiver.receive();
    await flushMicrotasks();
    await sender.send('now');
    expect(await received).toBe('now');
  });

  it('an aborted receive() takes nothing: the message stays for the next one', async () => {
    const [sender, receiver] = oneshot<string>();
    const controller = new AbortController();
    const aborted = receiver.receive({ signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await sender.send('kept');
    expect(await receiver.receive()).toBe('kept');
  });

  it('an already-aborted send rejects with the reason and leaves the sender open', async () => {
    const [sender] = oneshot<string>();
    const reason = new Error('gave up');
    expect(await reasonOf(sender.send('x', { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(sender.isClosed).toBe(false);
  });

  it('works as an Observable: one value, then complete', async () => {
    const [sender, receiver] = oneshot<number>();
    const all = firstValueFrom(receiver.pipe(toArray()));
    await sender.send(42);
    expect(await all).toEqual([42]);
  });

  it('works in select() as a reply slot with a timeout', async () => {
    jest.useFakeTimers();
    try {
      const [reply, replies] = oneshot<string>();
      const timeout = Timer.once(1000);
      const outcome = (async () => {
        for await (const selected of select(replies, timeout)) {
          if (!replies.triggered(selected)) return 'timed out';
          return selected.exception === undefined ? `answer: ${selected.message}` : 'no reply';
        }
        return 'ended';
      })();
      await jest.advanceTimersByTimeAsync(10);
      await reply.send('ok');
      expect(await outcome).toBe('answer: ok');
      timeout.close();

      const [, silent] = oneshot<string>();
      const late = Timer.once(1000);
      const timedOut = (async () => {
        for await (const selected of select(silent, late)) {
          return silent.triggered(selected) ? 'answer' : 'timed out';
        }
        return 'ended';
      })();
      await jest.advanceTimersByTimeAsync(1000);
      expect(await timedOut).toBe('timed out');
      late.close();
      silent.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('in select(), a reply slot closed unanswered shows as its stop', async () => {
    const [reply, replies] = oneshot<string>();
    reply.close();
    for await (const selected of select(replies)) {
      expect(replies.triggered(selected)).toBe(true);
      expect(selected.wasStopped).toBe(true);
      expect(selected.exception).toBeInstanceOf(ReceiverStoppedError);
      break;
    }
  });

  describe('attacks on "exactly one message"', () => {
    it('a send from inside the map() callback the first send runs (a waiting receive) is SenderClosedError', async () => {
      const [sender, receiver] = oneshot<number>();
      const second: Promise<void>[] = [];
      const first = receiver
        .map((n) => {
          // Runs in the first send's call stack: the waiting receive() consumes there and then.
          second.push(sender.send(n + 1));
          return n;
        })
        .receive();
      await sender.send(1);
      expect(await first).toBe(1);
      expect(second).toHaveLength(1);
      expect(await reasonOf(second[0] as Promise<void>)).toBeInstanceOf(SenderClosedError);
      expect(await drain(receiver)).toEqual([]);
    });

    it('a trySend() from inside a subscriber of the first message throws SenderClosedError', () => {
      const [sender, receiver] = oneshot<number>();
      const seen: number[] = [];
      const errors: unknown[] = [];
      receiver.subscribe((n) => {
        seen.push(n);
        errors.push(thrownBy(() => sender.trySend(n + 1)));
      });
      expect(sender.trySend(1)).toBe(true);
      expect(seen).toEqual([1]);
      expect(errors[0]).toBeInstanceOf(SenderClosedError);
      expect(sender.isClosed).toBe(true);
    });

    it("close() from inside the first send's delivery still delivers that one message", async () => {
      const [sender, receiver] = oneshot<number>();
      const first = receiver
        .map((n) => {
          sender.close();
          return n;
        })
        .receive();
      await sender.send(1);
      expect(await first).toBe(1);
      expect(sender.isClosed).toBe(true);
      expect(await drain(receiver)).toEqual([]);
    });
  });

  (canCollect ? it : it.skip)(
    'a sender garbage-collected unsent stops the receiver (tokio’s dropped sender)',
    async () => {
      const receiver = (() => oneshot<number>()[1])();
      const ready = track(receiver.ready());
      expect(await collectUntil(() => ready.current().state !== 'pending')).toBe(true);
      expect(ready.current()).toEqual({ state: 'fulfilled', value: false });
    },
  );

  (canCollect ? it : it.skip)('a sender kept alive keeps the receiver waiting', async () => {
    const [sender, receiver] = oneshot<number>();
    const ready = track(receiver.ready());
    expect(await collectUntil(() => ready.current().state !== 'pending', 3)).toBe(false);
    await sender.send(1);
    expect(await receiver.receive()).toBe(1);
  });

  it('refuses bad options with errors naming them', () => {
    expect(() => oneshot(5 as never)).toThrow(TypeError);
    expect(() => oneshot({ name: 3 as never })).toThrow('`name`');
  });

  it('names its ends after the channel', () => {
    const [sender, receiver] = oneshot<number>({ name: 'reply-7' });
    expect(String(sender)).toBe('OneshotSender:reply-7');
    expect(String(receiver)).toContain('reply-7');
  });

  it('has the types of a Sender and a Receiver', () => {
    const [sender, receiver] = oneshot<number>();
    expectTypeOf(sender).toEqualTypeOf<OneshotSender<number>>();
    expectTypeOf(sender).toMatchTypeOf<Sender<number>>();
    expectTypeOf(receiver).toEqualTypeOf<Receiver<number>>();
    expect(sender).toBeInstanceOf(Sender);
  });
});

describe('oneshot() (fast-check): waits aborted, the message sent or the sender closed, at random points', () => {
  type Step = 'wait' | 'abort' | 'send' | 'close' | 'tick';
  it('the one message is received exactly once when sent, else the receiver stops; no listener is left', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Step>('wait', 'wait', 'abort', 'send', 'close', 'tick'), { maxLength: 10 }),
        async (steps) => {
          const [sender, receiver] = oneshot<string>();
          const controllers: AbortController[] = [];
          const waits: Promise<{ got?: string; error?: unknown }>[] = [];
          let sent = false;
          for (const step of steps) {
            if (step === 'wait') {
              const controller = new AbortController();
              controllers.push(controller);
              waits.push(
                receiver.receive({ signal: controller.signal }).then(
                  (got) => ({ got }),
                  (error: unknown) => ({ error }),
                ),
              );
            } else if (step === 'abort') {
              controllers.find((controller) => !controller.signal.aborted)?.abort(new Error('aborted'));
            } else if (step === 'send') {
              const canSend = !sender.isClosed;
              const outcome = await sender.send('reply').then(
                () => true,
                (error: unknown) => {
                  expect(error).toBeInstanceOf(SenderClosedError);
                  return false;
                },
              );
              expect(outcome).toBe(canSend);
              sent ||= outcome;
            } else if (step === 'close') {
              sender.close();
            } else {
              await Promise.resolve();
            }
          }
          sender.close();
          const results = await Promise.all(waits);
          const rest = await drain(receiver);
          const received = [...results.flatMap((r) => (r.got === undefined ? [] : [r.got])), ...rest];
          expect(received).toEqual(sent ? ['reply'] : []);
          for (const r of results) {
            if (r.got === undefined) {
              const aborted = r.error instanceof Error && r.error.message === 'aborted';
              if (!aborted) expect(r.error).toBeInstanceOf(ReceiverStoppedError);
            }
          }
          for (const controller of controllers) expect(abortListenerCount(controller.signal)).toBe(0);
        },
      ),
      propertyParameters(200),
    );
  });
});
