/**
 * Resources: receivers dropped without `close()` are collected and stop counting; after stop,
 * close, abort or break no timer, abort listener or subscription remains. The test script runs
 * node with `--expose-gc` (and Jest with `--detectOpenHandles`). These take milliseconds; the heap
 * over thousands of rounds is in `heap.reliability.ts` (`npm run test:reliability`).
 */
import { getEventListeners } from 'node:events';
import { asyncScheduler, finalize, Observable, Subject } from 'rxjs';
import { Anycast, Broadcast } from 'rx-channels';
import { VirtualClock } from 'rx-channels/testing';
import { fromObservable, Merge, Select, select, Timer, toChannel } from 'rx-channels/util';
import { flushMicrotasks, reasonOf } from '../helpers/async';
import { canCollect, collectUntil } from '../helpers/gc';

const timerResources = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

/**
 * The active timeouts once they are at most `limit`, or after 5 s of real time. The count is
 * process-wide, and Jest runs the specs in its own process (`--detectOpenHandles` runs in band),
 * where its reporter keeps a 1 s interval that starts a 100 ms timeout of its own: the count can be
 * one above `limit` for a moment, longer on a busy machine. A timeout left behind by the code under
 * test (60 s here) outlasts the wait and fails the check; the wait is a bound, not a speed check.
 */
async function timeoutsSettledTo(limit: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  await flushMicrotasks();
  while (timerResources() > limit && Date.now() < deadline) {
    await flushMicrotasks();
  }
  return timerResources();
}

/** An Observable that counts its live subscriptions. */
function countingObservable<T>(subject: Subject<T>): { source: Observable<T>; live: () => number } {
  let live = 0;
  const source = new Observable<T>((subscriber) => {
    live++;
    return subject.subscribe(subscriber);
  }).pipe(
    finalize(() => {
      live--;
    }),
  );
  return { source, live: () => live };
}

describe('resources', () => {
  beforeAll(() => {
    // The test script runs node with --expose-gc; without it these tests could prove nothing.
    expect(canCollect).toBe(true);
  });

  describe('dropped receivers are collected', () => {
    it('Broadcast receivers dropped without close() stop counting in receiverCount, with messages still buffered', async () => {
      const channel = new Broadcast<number>('dropped');
      const keep = channel.newReceiver();
      (() => {
        for (let index = 0; index < 50; index++) {
          channel.newReceiver({ maxsize: 3, warnOnOverflow: false });
        }
      })();
      await channel.newSender().send(1);
      expect(channel.receiverCount).toBe(51);
      expect(await collectUntil(() => channel.receiverCount === 1)).toBe(true);
      await channel.newSender().send(2);
      expect([await keep.receive(), await keep.receive()]).toEqual([1, 2]);
    });

    it('a Broadcast receiver whose subscriber unsubscribed is collected', async () => {
      const channel = new Broadcast<number>('unsubscribed');
      (() => {
        channel.newReceiver().subscribe().unsubscribe();
      })();
      expect(await collectUntil(() => channel.receiverCount === 0)).toBe(true);
    });

    it('Anycast receivers, Merges and Selects dropped after use are collected', async () => {
      const channel = new Anycast<number>({ maxsize: 100 });
      // Counted through finalizers: deref() on a WeakRef would keep its target alive for the job.
      let collected = 0;
      const registry = new FinalizationRegistry<string>(() => {
        collected++;
      });
      await (async () => {
        for (let index = 0; index < 20; index++) {
          const receiver = channel.newReceiver();
          const other = channel.newReceiver();
          await channel.newSender().send(index);
          await receiver.receive();
          for (const made of [receiver, other, new Merge(other), new Select({ other })]) {
            registry.register(made, String(made));
          }
        }
      })();
      expect(await collectUntil(() => collected === 80)).toBe(true);
    });
  });

  describe('nothing is left behind', () => {
    it('a long-lived signal collects no abort listener from settled ready(), receive() and send() calls', async () => {
      const { signal } = new AbortController();
      const channel = new Anycast<number>({ maxsize: 1 });
      const sender = channel.newSender();
      const receiver = channel.newReceiver();
      for (let round = 0; round < 50; round++) {
        const ready = receiver.ready({ signal });
        await sender.send(round, { signal });
        const blocked = sender.send(round + 1, { signal });
        expect(await ready).toBe(true);
        receiver.consume();
        await blocked;
        expect(await receiver.receive({ signal })).toBe(round + 1);
      }
      const blocked = [sender.send(-1, { signal }), sender.send(-2, { signal })];
      const closedReceiver = channel.newReceiver();
      const stopped = closedReceiver.ready({ signal });
      closedReceiver.close();
      await channel.close();
      await Promise.allSettled([...blocked, stopped]);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    });

    it('a long-lived signal collects no abort listener from Merge, Select, select() and Timer waits', async () => {
      const { signal } = new AbortController();
      const channel = new Broadcast<number>('signals');
      const sender = channel.newSender();
      const merge = new Merge(channel.newReceiver());
      const selector = new Select({ a: channel.newReceiver() });
      const clock = new VirtualClock();
      const timer = new Timer(5, { scheduler: clock.scheduler });
      for (let round = 0; round < 20; round++) {
        const waits = [merge.receive({ signal }), selector.ready({ signal }), timer.ready({ signal })];
        await sender.send(round);
        await clock.runUntil(Promise.all(waits));
        selector.get('a');
        timer.consume();
      }
      const pending = [merge.ready({ signal }), selector.ready({ signal }), timer.ready({ signal })];
      await merge.stop();
      await selector.stop();
      timer.stop();
      expect(await Promise.all(pending)).toEqual([false, false, false]);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
      await channel.close();
    });

    it('a stopped Timer on the real clock leaves no timeout behind, whether waited on, subscribed, merged or selected', async () => {
      const before = timerResources();
      const waited = new Timer(60_000);
      const pending = waited.ready();
      const subscribed = new Timer(60_000);
      const subscription = subscribed.subscribe();
      const merged = new Timer(60_000, { scheduler: asyncScheduler });
      const merge = new Merge(merged);
      const mergeWait = merge.ready();
      const selected = new Timer(60_000);
      const loop = select(selected);
      const loopWait = loop.next();
      expect(timerResources()).toBeGreaterThan(before);
      waited.stop();
      subscription.unsubscribe();
      await merge.stop();
      await loop.return?.();
      expect([await pending, await mergeWait, (await loopWait).done]).toEqual([false, false, true]);
      // At most as many as before: a timeout left by an earlier test may have fired meanwhile,
      // and the four timeouts made here would show as more.
      expect(await timeoutsSettledTo(before)).toBeLessThanOrEqual(before);
      for (const timer of [subscribed, merged, selected]) {
        timer.stop();
      }
    });

    it('an aborted Timer wait leaves no timeout behind', async () => {
      const before = timerResources();
      const timer = new Timer(60_000);
      const controller = new AbortController();
      const waiting = timer.receive({ signal: controller.signal });
      expect(timerResources()).toBe(before + 1);
      controller.abort();
      expect(await reasonOf(waiting)).toBe(controller.signal.reason);
      expect(await timeoutsSettledTo(before)).toBeLessThanOrEqual(before);
      timer.stop();
    });

    it('fromObservable() unsubscribes from its source on close() and when the source completes', async () => {
      const subject = new Subject<number>();
      const counted = countingObservable(subject);
      const closed = fromObservable(counted.source);
      const completed = fromObservable(counted.source);
      expect(counted.live()).toBe(2);
      closed.close();
      expect(counted.live()).toBe(1);
      subject.next(1);
      subject.complete();
      expect(counted.live()).toBe(0);
      expect(await completed.receive()).toBe(1);
      expect(await completed.ready()).toBe(false);
    });

    it('toChannel() unsubscribes from its source when the channel closes, and the receiver Observable lets go of its receiver', async () => {
      const subject = new Subject<number>();
      const counted = countingObservable(subject);
      const channel = new Anycast<number>({ maxsize: 1 });
      const receiver = channel.newReceiver();
      const fed = counted.source.pipe(toChannel(channel.newSender())).subscribe({ error: () => undefined });
      subject.next(1);
      await channel.close();
      subject.next(2);
      await flushMicrotasks();
      fed.unsubscribe();
      expect(counted.live()).toBe(0);
      expect(await receiver.receive()).toBe(1);
    });

    it('an unsubscribed receiver Observable is no longer waiting: the next message goes to the other receiver', async () => {
      const channel = new Anycast<number>();
      const subscribed = channel.newReceiver();
      const other = channel.newReceiver();
      subscribed.subscribe().unsubscribe();
      await channel.newSender().send(1);
      expect(await other.receive()).toBe(1);
    });

    it('the Broadcast hub Observable completes on close, which finalizes its subscribers', async () => {
      const channel = new Broadcast<number>('hub');
      let finalized = 0;
      channel
        .asObservable()
        .pipe(finalize(() => finalized++))
        .subscribe();
      await channel.close();
      expect(finalized).toBe(1);
    });
  });
});
