/**
 * W1 SPSC: one sender `await send(i)`, one receiver `await receive()`, messages 0 … n-1, checked
 * in order. The peers are used as their documentation shows.
 */
import { FixedBuffer, Repeater } from '@repeaterjs/repeater';
import { Channel } from 'async-channel';
import { Effect, Fiber, Queue } from 'effect';
import { pushable } from 'it-pushable';
import { Subject } from 'rxjs';
import { AsyncQueue } from '../baselines/AsyncQueue.mjs';
import { syncRingTransfer } from '../baselines/syncRing.mjs';
import { scaled, type BenchConfig } from '../config.mjs';
import { check, type Row, type Workload } from '../harness.mjs';
import { rx } from '../libs.mjs';
import { InOrder, sumBelow } from '../verify.mjs';

/**
 * Runs a sending loop and a receiving loop side by side, checks what arrived, and returns `built`
 * (what the row made, kept by the harness until the table is done).
 */
async function transfer<B>(
  built: B,
  count: number,
  send: (message: number) => Promise<void>,
  receive: () => Promise<number>,
): Promise<B> {
  const order = new InOrder();
  const sending = (async () => {
    for (let message = 0; message < count; message++) {
      await send(message);
    }
  })();
  for (let index = 0; index < count; index++) {
    order.see(await receive());
  }
  await sending;
  order.finish(count);
  return built;
}

function rowsFor(count: number, maxsize: number): Row[] {
  return [
    {
      name: 'baseline: bounded async queue',
      baseline: true,
      run: () => {
        const queue = new AsyncQueue<number>(maxsize);
        return transfer(
          queue,
          count,
          (message) => queue.send(message),
          () => queue.receive(),
        );
      },
    },
    {
      name: 'reference: synchronous ring, no promises',
      run: () => check('sum', syncRingTransfer(count, maxsize), sumBelow(count)),
    },
    {
      name: 'rx-channels Anycast',
      run: () => {
        const channel = new rx.Anycast<number>({ maxsize });
        const sender = channel.newSender();
        const receiver = channel.newReceiver();
        return transfer(
          { sender, receiver },
          count,
          (message) => sender.send(message),
          () => receiver.receive(),
        );
      },
    },
    {
      name: 'RxJS Subject, 1 subscriber (synchronous, unbounded)',
      run: () => {
        const order = new InOrder();
        const subject = new Subject<number>();
        subject.subscribe((message) => order.see(message));
        for (let message = 0; message < count; message++) {
          subject.next(message);
        }
        order.finish(count);
        return subject;
      },
    },
    {
      name: 'async-channel Channel',
      run: () => {
        const channel = new Channel<number>(maxsize);
        return transfer(
          [channel],
          count,
          (message) => channel.push(message),
          () => channel.get(),
        );
      },
    },
    { name: 'effect Queue.bounded', run: () => effectTransfer(count, maxsize) },
    { name: 'it-pushable (readableLength/onEmpty bound)', run: () => pushableTransfer(count, maxsize) },
    {
      name: '@repeaterjs/repeater FixedBuffer',
      operations: count / 10,
      run: () => repeaterTransfer(count / 10, maxsize),
    },
  ];
}

async function effectTransfer(count: number, maxsize: number): Promise<unknown> {
  const order = new InOrder();
  const program = Effect.gen(function* () {
    const queue = yield* Queue.bounded<number>(maxsize);
    const producer = yield* Effect.forkChild(
      Effect.gen(function* () {
        for (let message = 0; message < count; message++) {
          yield* Queue.offer(queue, message);
        }
      }),
    );
    for (let index = 0; index < count; index++) {
      order.see(yield* Queue.take(queue));
    }
    yield* Fiber.join(producer);
    return queue;
  });
  const queue = await Effect.runPromise(program);
  order.finish(count);
  return queue;
}

async function pushableTransfer(count: number, maxsize: number): Promise<unknown> {
  const source = pushable<number>({ objectMode: true });
  return transfer(
    source,
    count,
    async (message) => {
      if (source.readableLength >= maxsize) {
        await source.onEmpty();
      }
      source.push(message);
    },
    async () => (await source.next()).value as number,
  );
}

async function repeaterTransfer(count: number, maxsize: number): Promise<unknown> {
  const order = new InOrder();
  const repeater = new Repeater<number>(async (push, stop) => {
    for (let message = 0; message < count; message++) {
      await push(message);
    }
    stop();
  }, new FixedBuffer(maxsize));
  for (let index = 0; index < count; index++) {
    order.see((await repeater.next()).value as number);
  }
  order.finish(count);
  return repeater;
}

export function spscWorkloads(config: BenchConfig): Workload[] {
  const count = scaled(config, 500_000);
  return [10, 1000].map((maxsize) => ({
    id: `W1 maxsize ${maxsize}`,
    title: `SPSC Anycast, maxsize ${maxsize}`,
    description: `One sender \`await send(i)\`, one receiver \`await receive()\`; ${count.toLocaleString('en')} messages per run, checked in order; ops = messages.`,
    operations: count,
    rows: rowsFor(count, maxsize),
  }));
}
