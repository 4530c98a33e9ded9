/**
 * W4 `for await`: one sender `await send(i)` then close, one consumer iterating with `for await`;
 * messages checked in order, and the loop must end by itself once the channel is closed.
 */
import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { Channel } from 'async-channel';
import { Effect, Queue, Stream, type Cause } from 'effect';
import { pushable } from 'it-pushable';
import { AsyncQueue } from '../baselines/AsyncQueue.mjs';
import { syncRingTransfer } from '../baselines/syncRing.mjs';
import { scaled, type BenchConfig } from '../config.mjs';
import { check, type Row, type Workload } from '../harness.mjs';
import { rx } from '../libs.mjs';
import { InOrder, sumBelow } from '../verify.mjs';

const MAXSIZE = 100;

/**
 * Sends 0 … count-1 then closes, while `for await` reads `source`; checks order and count. Returns
 * what it was given (the harness keeps it until the table is done).
 */
async function iterate(
  count: number,
  source: AsyncIterable<number>,
  send: (message: number) => Promise<void>,
  close: () => unknown,
): Promise<unknown> {
  const order = new InOrder();
  const sending = (async () => {
    for (let message = 0; message < count; message++) {
      await send(message);
    }
    await close();
  })();
  for await (const message of source) {
    order.see(message);
  }
  await sending;
  order.finish(count);
  return [source, send, close];
}

async function effectIterate(count: number): Promise<unknown> {
  const queue = await Effect.runPromise(Queue.bounded<number, Cause.Done>(MAXSIZE));
  const producing = Effect.runPromise(
    Effect.gen(function* () {
      for (let message = 0; message < count; message++) {
        yield* Queue.offer(queue, message);
      }
      yield* Queue.end(queue);
    }),
  );
  const order = new InOrder();
  for await (const message of Stream.toAsyncIterable(Stream.fromQueue(queue))) {
    order.see(message);
  }
  await producing;
  order.finish(count);
  return queue;
}

async function repeaterIterate(count: number): Promise<unknown> {
  const order = new InOrder();
  const repeater = new Repeater<number>(async (push, stop) => {
    for (let message = 0; message < count; message++) {
      await push(message);
    }
    stop();
  }, new FixedBuffer(MAXSIZE));
  for await (const message of repeater) {
    order.see(message);
  }
  order.finish(count);
  return repeater;
}

function rows(count: number): Row[] {
  return [
    {
      name: 'baseline: bounded async queue',
      baseline: true,
      run: () => {
        const queue = new AsyncQueue<number>(MAXSIZE);
        return iterate(
          count,
          queue,
          (message) => queue.send(message),
          () => queue.close(),
        );
      },
    },
    {
      name: 'reference: synchronous ring, no promises',
      run: () => check('sum', syncRingTransfer(count, MAXSIZE), sumBelow(count)),
    },
    {
      name: 'rx-channels Anycast',
      run: () => {
        const channel = new rx.Anycast<number>({ maxsize: MAXSIZE });
        const sender = channel.newSender();
        return iterate(
          count,
          channel.newReceiver(),
          (message) => sender.send(message),
          () => channel.close(),
        );
      },
    },
    {
      name: 'async-channel Channel',
      run: () => {
        const channel = new Channel<number>(MAXSIZE);
        return iterate(
          count,
          channel,
          (message) => channel.push(message),
          () => channel.close(),
        );
      },
    },
    { name: 'effect Queue.bounded + Stream.toAsyncIterable (2 runPromise)', run: () => effectIterate(count) },
    {
      name: 'it-pushable (readableLength/onEmpty bound)',
      run: () => {
        const source = pushable<number>({ objectMode: true });
        const send = async (message: number) => {
          if (source.readableLength >= MAXSIZE) {
            await source.onEmpty();
          }
          source.push(message);
        };
        return iterate(count, source, send, () => source.end());
      },
    },
    { name: '@repeaterjs/repeater FixedBuffer', operations: count / 10, run: () => repeaterIterate(count / 10) },
  ];
}

export function forAwaitWorkloads(config: BenchConfig): Workload[] {
  const count = scaled(config, 500_000);
  return [
    {
      id: 'W4',
      title: '`for await` over an Anycast receiver, maxsize 100',
      description:
        `One sender \`await send(i)\` then \`close()\`; the consumer reads with \`for await\` until the loop ends; ${count.toLocaleString('en')} messages per run, checked in order; ops = messages. ` +
        'RxJS is not in this table: an Observable is not async-iterable.',
      operations: count,
      rows: rows(count),
    },
  ];
}
