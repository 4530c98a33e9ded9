/**
 * Recipe: testing code built on channels: `npx tsx examples/watchdog.ts`.
 *
 * `nextOrTimeout()` is the code under test: the next message of a receiver, or `'timeout'` when
 * none comes within `ms`. It takes its scheduler as an argument, which is all it needs to be
 * testable three ways (see the specs):
 * - marbles (`spec/examples/watchdog.spec.ts`): receivers emit synchronously, so a channel fed by
 *   `cold()` and a `Timer` on the `TestScheduler` give exact frames;
 * - `VirtualClock` (`rx-channels/testing`, same spec): `await`-style code runs an hour of virtual
 *   time in milliseconds;
 * - zone.js `fakeAsync` (`spec/examples/watchdog.zone.spec.ts`, as Angular tests use it): the
 *   library has no native `async` functions, so `tick()` and `flushMicrotasks()` drive every wait.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { Anycast, select, selectedFrom, Timer, type Receiver } from 'rx-channels';

export function nextOrTimeout<T>(
  receiver: Receiver<T>,
  ms: number,
  scheduler: SchedulerLike = asyncScheduler,
): Promise<T | 'timeout' | 'stopped'> {
  const deadline = Timer.once(ms, { scheduler });
  const loop = select(receiver, deadline);
  // A promise chain, as in the library: zone.js sees every step of it.
  return loop
    .next()
    .then((step): T | 'timeout' | 'stopped' => {
      if (step.done === true) {
        return 'timeout';
      }
      const selected = step.value;
      if (!selectedFrom(selected, receiver)) {
        return 'timeout'; // the deadline fired first
      }
      if (selected.wasStopped) {
        return 'stopped';
      }
      if (selected.exception !== undefined) {
        throw selected.exception as Error; // the receiver's error, as consume() threw it
      }
      return selected.message;
    })
    .finally(() => {
      deadline.stop();
      void loop.return?.();
    });
}

async function main(): Promise<void> {
  const channel = new Anycast<string>();
  const receiver = channel.newReceiver();
  setTimeout(() => void channel.newSender().send('pong'), 20);
  console.log(`  ${await nextOrTimeout(receiver, 100)}`);
  console.log(`  ${await nextOrTimeout(receiver, 50)}`);
}

if (require.main === module) {
  void main();
}
