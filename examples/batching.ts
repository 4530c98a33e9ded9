/**
 * Recipe: batching with a flush timer: `npx tsx examples/batching.ts`.
 *
 * Messages are written in batches of up to `maxBatch`; a batch that is not full is flushed
 * `flushMs` after its first message, so a quiet period never holds messages back for long.
 * `receiveMany()` takes the first message and whatever else is already there in one call; a
 * one-shot `Timer.once()` (on an injectable scheduler, so tests run in virtual time) bounds the
 * wait for the rest, in a `select()` loop. When the channel closes, the last batch is flushed and
 * the loop ends. Tested in `spec/examples/batching.spec.ts`.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { Anycast, ChannelsError, select, selectedFrom, Timer, type Receiver } from 'rx-channels';

export interface BatchOptions {
  readonly maxBatch: number;
  readonly flushMs: number;
  readonly scheduler?: SchedulerLike;
}

export async function batchWithFlush<T>(
  receiver: Receiver<T>,
  flush: (batch: T[]) => Promise<void>,
  { maxBatch, flushMs, scheduler = asyncScheduler }: BatchOptions,
): Promise<void> {
  for (;;) {
    const batch = await receiver.receiveMany(maxBatch); // waits for the first message
    if (batch.length === 0) {
      return; // the receiver has stopped and every message was flushed
    }
    if (batch.length < maxBatch) {
      using deadline = Timer.once(flushMs, { scheduler });
      for await (const selected of select(receiver, deadline)) {
        if (selectedFrom(selected, deadline) || selected.wasStopped) {
          break;
        }
        if (selected.exception !== undefined) {
          throw new ChannelsError('the receiver failed', { cause: selected.exception });
        }
        if (selectedFrom(selected, receiver)) {
          batch.push(selected.message);
        }
        if (batch.length === maxBatch) {
          break;
        }
      }
    }
    await flush(batch);
  }
}

async function main(): Promise<void> {
  const events = new Anycast<number>({ name: 'events', maxsize: 100 });
  const written = batchWithFlush(
    events.newReceiver(),
    (batch) => {
      console.log(`  wrote [${batch.join(', ')}]`);
      return Promise.resolve();
    },
    { maxBatch: 4, flushMs: 50 },
  );
  const sender = events.newSender();
  for (let i = 1; i <= 6; i++) {
    await sender.send(i); // a burst: one full batch, then a partial one flushed by the timer
  }
  await new Promise((resolve) => setTimeout(resolve, 80));
  await sender.send(7);
  await events.close(); // the last batch is flushed at once, then the loop ends
  await written;
}

if (require.main === module) {
  void main();
}
