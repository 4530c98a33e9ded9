/**
 * W2 MPMC: 4 senders send disjoint ranges of 0 … n-1, 4 receivers take n/4 messages each; every
 * message must arrive exactly once, and each receiver must see each sender's messages in order.
 */
import { FixedBuffer, Repeater, type Push } from '@repeaterjs/repeater';
import { Channel } from 'async-channel';
import { Effect, Fiber, Queue } from 'effect';
import { AsyncQueue } from '../baselines/AsyncQueue.mjs';
import { syncRingTransfer } from '../baselines/syncRing.mjs';
import { scaled, type BenchConfig } from '../config.mjs';
import { check, type Row, type Workload } from '../harness.mjs';
import { rx } from '../libs.mjs';
import { ExactlyOnce, sumBelow } from '../verify.mjs';

const PARTIES = 4;
const MAXSIZE = 100;

/** What every receiver checks: exactly once overall, and per sender in order. */
class MpmcCheck {
  private readonly once: ExactlyOnce;
  private readonly lastBySender: Int32Array;

  constructor(
    count: number,
    private readonly share: number,
  ) {
    this.once = new ExactlyOnce(count);
    this.lastBySender = new Int32Array(PARTIES * PARTIES).fill(-1);
  }

  see(receiver: number, message: number): void {
    this.once.see(message);
    const slot = receiver * PARTIES + Math.floor(message / this.share);
    if (message <= (this.lastBySender[slot] as number)) {
      throw new Error(`wrong result: receiver ${receiver} got ${message} after ${this.lastBySender[slot]}`);
    }
    this.lastBySender[slot] = message;
  }

  finish(): void {
    this.once.finish();
  }
}

type SendFn = (message: number) => Promise<void>;
type ReceiveFn = () => Promise<number>;

/** Runs the senders and receivers, checks, and returns `built` (kept by the harness until the table is done). */
async function mpmc<B>(built: B, count: number, senders: SendFn[], receivers: ReceiveFn[]): Promise<B> {
  const share = count / PARTIES;
  const checker = new MpmcCheck(count, share);
  const sending = senders.map(async (send, index) => {
    for (let message = index * share; message < (index + 1) * share; message++) {
      await send(message);
    }
  });
  const receiving = receivers.map(async (receive, index) => {
    for (let received = 0; received < share; received++) {
      checker.see(index, await receive());
    }
  });
  await Promise.all([...sending, ...receiving]);
  checker.finish();
  return built;
}

function times<T>(make: (index: number) => T): T[] {
  return Array.from({ length: PARTIES }, (_, index) => make(index));
}

function rxRow(count: number): Row {
  return {
    name: 'rx-channels Anycast',
    run: () => {
      const channel = new rx.Anycast<number>({ maxsize: MAXSIZE });
      const senders = times(() => channel.newSender());
      const receivers = times(() => channel.newReceiver());
      return mpmc(
        { senders, receivers },
        count,
        senders.map((sender) => (message: number) => sender.send(message)),
        receivers.map((receiver) => () => receiver.receive()),
      );
    },
  };
}

async function effectMpmc(count: number): Promise<unknown> {
  const share = count / PARTIES;
  const checker = new MpmcCheck(count, share);
  const program = Effect.gen(function* () {
    const queue = yield* Queue.bounded<number>(MAXSIZE);
    const producer = (index: number) =>
      Effect.gen(function* () {
        for (let message = index * share; message < (index + 1) * share; message++) {
          yield* Queue.offer(queue, message);
        }
      });
    const consumer = (index: number) =>
      Effect.gen(function* () {
        for (let received = 0; received < share; received++) {
          checker.see(index, yield* Queue.take(queue));
        }
      });
    const fibers = yield* Effect.forEach([...times(producer), ...times(consumer)], (effect) =>
      Effect.forkChild(effect),
    );
    yield* Effect.forEach(fibers, (fiber) => Fiber.join(fiber));
    return queue;
  });
  const queue = await Effect.runPromise(program);
  checker.finish();
  return queue;
}

async function repeaterMpmc(count: number): Promise<unknown> {
  const share = count / PARTIES;
  const sendLoop = async (push: Push<number>, index: number) => {
    for (let message = index * share; message < (index + 1) * share; message++) {
      await push(message);
    }
  };
  const repeater = new Repeater<number>(async (push, stop) => {
    await Promise.all(times((index) => sendLoop(push, index)));
    stop();
  }, new FixedBuffer(MAXSIZE));
  const checker = new MpmcCheck(count, share);
  const receiveLoop = async (index: number) => {
    for (let received = 0; received < share; received++) {
      checker.see(index, (await repeater.next()).value as number);
    }
  };
  await Promise.all(times(receiveLoop));
  checker.finish();
  return repeater;
}

export function mpmcWorkloads(config: BenchConfig): Workload[] {
  const count = scaled(config, 400_000, 400);
  const rows: Row[] = [
    {
      name: 'baseline: bounded async queue',
      baseline: true,
      run: () => {
        const queue = new AsyncQueue<number>(MAXSIZE);
        return mpmc(
          queue,
          count,
          times(() => (message: number) => queue.send(message)),
          times(() => () => queue.receive()),
        );
      },
    },
    {
      name: 'reference: synchronous ring, no promises',
      run: () => check('sum', syncRingTransfer(count, MAXSIZE), sumBelow(count)),
    },
    rxRow(count),
    {
      name: 'async-channel Channel',
      run: () => {
        const channel = new Channel<number>(MAXSIZE);
        return mpmc(
          [channel],
          count,
          times(() => (message: number) => channel.push(message)),
          times(() => () => channel.get()),
        );
      },
    },
    { name: 'effect Queue.bounded', run: () => effectMpmc(count) },
    { name: '@repeaterjs/repeater FixedBuffer', operations: count / 10, run: () => repeaterMpmc(count / 10) },
  ];
  return [
    {
      id: 'W2',
      title: 'MPMC Anycast, 4 senders × 4 receivers, maxsize 100',
      description:
        `${count.toLocaleString('en')} messages per run, each received exactly once (checked), each sender's messages in order at every receiver; ops = messages. ` +
        'Not in this table: RxJS `Subject` (no one-of-N delivery) and it-pushable (one consumer only).',
      operations: count,
      rows,
    },
  ];
}
