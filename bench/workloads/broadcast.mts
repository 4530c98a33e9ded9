/**
 * W3 Broadcast fan-out: 1 sender, 10 receivers that each get every message. The sender yields to
 * the event loop every 25 messages so that receivers keep up; each receiver checks that its
 * messages increase and that delivered + dropped = sent. ops = deliveries (messages × 10). The
 * baseline and rx-channels receivers each loop on `await receive()`; peers iterate with `for await`.
 * Every row returns what it built, which the harness keeps until the table is done (harness.mts).
 */
import { Repeater, SlidingBuffer, type Push } from '@repeaterjs/repeater';
import { Channel } from 'async-channel';
import { Effect, Fiber, PubSub } from 'effect';
import { pushable, type Pushable } from 'it-pushable';
import type { BroadcastReceiver } from 'rx-channels';
import { Subject } from 'rxjs';
import { BroadcastQueue, BroadcastQueueStopped, type BroadcastQueueReceiver } from '../baselines/BroadcastQueue.mjs';
import { scaled, type BenchConfig } from '../config.mjs';
import type { Row, Workload } from '../harness.mjs';
import { rx } from '../libs.mjs';
import { Increasing } from '../verify.mjs';

const RECEIVERS = 10;
const MAXSIZE = 50;
const YIELD_EVERY = 25;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Delivered and dropped totals of the last run of a row, for its notes. */
class Tally {
  delivered = 0;
  dropped = 0;

  record(checks: readonly Increasing[], dropped: readonly number[], count: number): void {
    this.delivered = 0;
    this.dropped = 0;
    checks.forEach((checker, index) => {
      checker.finish(count, dropped[index] ?? 0);
      this.delivered += checker.delivered;
      this.dropped += dropped[index] ?? 0;
    });
  }

  note = (): string =>
    `last run: ${this.delivered.toLocaleString('en')} delivered, ${this.dropped.toLocaleString('en')} dropped`;
}

async function sendAll(count: number, send: (message: number) => Promise<void> | void): Promise<void> {
  for (let message = 0; message < count; message++) {
    await send(message);
    if (message % YIELD_EVERY === YIELD_EVERY - 1) {
      await yieldToEventLoop();
    }
  }
}

function checks(): Increasing[] {
  return Array.from({ length: RECEIVERS }, () => new Increasing());
}

/** Receivers iterate with `for await`, the sender sends everything, closes, and the counts are checked. */
async function fanOut<R extends AsyncIterable<number>>(
  count: number,
  tally: Tally,
  receivers: R[],
  send: (message: number) => Promise<void> | void,
  close: () => void,
  dropped: (receiver: R) => number,
): Promise<R[]> {
  const checkers = checks();
  const receiving = receivers.map(async (receiver, index) => {
    for await (const message of receiver) {
      checkers[index]?.see(message);
    }
  });
  await sendAll(count, send);
  close();
  await Promise.all(receiving);
  tally.record(checkers, receivers.map(dropped), count);
  return receivers;
}

/*
 * The baseline and the rx-channels rows take messages the same way, each receiver in a loop of
 * `await receiver.receive()` until it rejects because the receiver stopped. The loop is written
 * out once per row, not shared, so that V8's type feedback for one row's receive() call does not
 * slow the other's.
 */

function baselineRow(count: number): Row {
  const tally = new Tally();
  const receiveAll = async (receiver: BroadcastQueueReceiver<number>, checker: Increasing): Promise<void> => {
    for (;;) {
      let message: number;
      try {
        message = await receiver.receive();
      } catch (error) {
        if (error instanceof BroadcastQueueStopped) {
          return;
        }
        throw error;
      }
      checker.see(message);
    }
  };
  return {
    name: 'baseline: one ring per receiver, await receive()',
    baseline: true,
    note: tally.note,
    run: async () => {
      const queue = new BroadcastQueue<number>();
      const receivers = Array.from({ length: RECEIVERS }, () => queue.newReceiver(MAXSIZE));
      const checkers = checks();
      const receiving = receivers.map((receiver, index) => receiveAll(receiver, checkers[index] as Increasing));
      for (let message = 0; message < count; message++) {
        await queue.send(message);
        if (message % YIELD_EVERY === YIELD_EVERY - 1) {
          await yieldToEventLoop();
        }
      }
      queue.close();
      await Promise.all(receiving);
      tally.record(
        checkers,
        receivers.map((receiver) => receiver.dropped),
        count,
      );
      return receivers;
    },
  };
}

function rxRow(count: number): Row {
  const tally = new Tally();
  const receiveAll = async (receiver: BroadcastReceiver<number>, checker: Increasing): Promise<void> => {
    for (;;) {
      let message: number;
      try {
        message = await receiver.receive();
      } catch (error) {
        if (error instanceof rx.ReceiverStoppedError) {
          return;
        }
        throw error;
      }
      checker.see(message);
    }
  };
  return {
    name: 'rx-channels Broadcast, await receive()',
    note: tally.note,
    run: async () => {
      const channel = new rx.Broadcast<number>('bench');
      const receivers = Array.from({ length: RECEIVERS }, () =>
        channel.newReceiver({ maxsize: MAXSIZE, warnOnOverflow: false }),
      );
      const checkers = checks();
      const receiving = receivers.map((receiver, index) => receiveAll(receiver, checkers[index] as Increasing));
      const sender = channel.newSender();
      for (let message = 0; message < count; message++) {
        await sender.send(message);
        if (message % YIELD_EVERY === YIELD_EVERY - 1) {
          await yieldToEventLoop();
        }
      }
      await channel.close();
      await Promise.all(receiving);
      tally.record(
        checkers,
        receivers.map((receiver) => receiver.dropped),
        count,
      );
      return receivers;
    },
  };
}

function rxReadyRow(count: number): Row {
  const tally = new Tally();
  return {
    name: 'rx-channels Broadcast, ready() + consume()',
    note: tally.note,
    run: async () => {
      const channel = new rx.Broadcast<number>('bench');
      const receivers = Array.from({ length: RECEIVERS }, () =>
        channel.newReceiver({ maxsize: MAXSIZE, warnOnOverflow: false }),
      );
      const checkers = checks();
      const receiving = receivers.map(async (receiver, index) => {
        while (await receiver.ready()) {
          checkers[index]?.see(receiver.consume());
        }
      });
      const sender = channel.newSender();
      await sendAll(count, (message) => sender.send(message));
      await channel.close();
      await Promise.all(receiving);
      tally.record(
        checkers,
        receivers.map((receiver) => receiver.dropped),
        count,
      );
      return receivers;
    },
  };
}

function subjectRow(count: number): Row {
  const tally = new Tally();
  return {
    name: 'RxJS Subject, 10 subscribers (synchronous, unbounded)',
    note: tally.note,
    run: async () => {
      const subject = new Subject<number>();
      const checkers = checks();
      for (const checker of checkers) {
        subject.subscribe((message) => checker.see(message));
      }
      await sendAll(count, (message) => subject.next(message));
      subject.complete();
      tally.record(
        checkers,
        checkers.map(() => 0),
        count,
      );
      return subject;
    },
  };
}

function asyncChannelRow(count: number): Row {
  const tally = new Tally();
  return {
    name: 'async-channel, one Channel(50) per receiver',
    note: tally.note,
    run: () => {
      const channels = Array.from({ length: RECEIVERS }, () => new Channel<number>(MAXSIZE));
      const send = async (message: number) => {
        await Promise.all(channels.map((channel) => channel.push(message)));
      };
      return fanOut(
        count,
        tally,
        channels,
        send,
        () => channels.forEach((channel) => channel.close()),
        () => 0,
      );
    },
  };
}

function pushableRow(count: number): Row {
  const tally = new Tally();
  const send = (sources: Pushable<number>[]) => async (message: number) => {
    for (const source of sources) {
      if (source.readableLength >= MAXSIZE) {
        await source.onEmpty();
      }
      source.push(message);
    }
  };
  return {
    name: 'it-pushable, one per receiver (readableLength/onEmpty bound)',
    note: tally.note,
    run: () => {
      const sources = Array.from({ length: RECEIVERS }, () => pushable<number>({ objectMode: true }));
      return fanOut(
        count,
        tally,
        sources,
        send(sources),
        () => sources.forEach((source) => source.end()),
        () => 0,
      );
    },
  };
}

function repeaterRow(count: number): Row {
  const tally = new Tally();
  return {
    name: '@repeaterjs/repeater, one per receiver (SlidingBuffer(50))',
    note: tally.note,
    operations: count * RECEIVERS,
    run: async () => {
      const pushes: Push<number>[] = [];
      const stops: (() => void)[] = [];
      const repeaters = Array.from(
        { length: RECEIVERS },
        () =>
          new Repeater<number>(async (push, stop) => {
            pushes.push(push);
            stops.push(() => stop());
            await stop;
          }, new SlidingBuffer(MAXSIZE)),
      );
      const send = async (message: number) => {
        await Promise.all(pushes.map((push) => push(message)));
      };
      // The repeaters run their executors on the first next(), which fanOut makes before sending.
      return fanOut(
        count,
        tally,
        repeaters,
        send,
        () => stops.forEach((stop) => stop()),
        () => 0,
      );
    },
  };
}

async function effectFanOut(count: number, tally: Tally): Promise<unknown> {
  const checkers = checks();
  const program = Effect.gen(function* () {
    const pubsub = yield* PubSub.bounded<number>(MAXSIZE);
    const subscriptions = yield* Effect.forEach(checkers, () => PubSub.subscribe(pubsub));
    const consumers = yield* Effect.forEach(subscriptions, (subscription, index) =>
      Effect.forkChild(
        Effect.gen(function* () {
          for (let received = 0; received < count; received++) {
            checkers[index]?.see(yield* PubSub.take(subscription));
          }
        }),
      ),
    );
    for (let message = 0; message < count; message++) {
      yield* PubSub.publish(pubsub, message);
      if (message % YIELD_EVERY === YIELD_EVERY - 1) {
        yield* Effect.promise(yieldToEventLoop);
      }
    }
    yield* Effect.forEach(consumers, (fiber) => Fiber.join(fiber));
    return { pubsub, subscriptions };
  });
  const built = await Effect.runPromise(Effect.scoped(program));
  tally.record(
    checkers,
    checkers.map(() => 0),
    count,
  );
  return built;
}

function effectRow(count: number): Row {
  const tally = new Tally();
  return { name: 'effect PubSub.bounded(50)', note: tally.note, run: () => effectFanOut(count, tally) };
}

export function broadcastWorkloads(config: BenchConfig): Workload[] {
  const count = scaled(config, 100_000);
  const slow = count / 10;
  const rows: Row[] = [
    baselineRow(count),
    rxRow(count),
    rxReadyRow(count),
    subjectRow(count),
    asyncChannelRow(count),
    effectRow(count),
    pushableRow(count),
    repeaterRow(slow),
  ];
  return [
    {
      id: 'W3',
      title: 'Broadcast fan-out, 1 sender → 10 receivers',
      description:
        `${count.toLocaleString('en')} messages per run, each to 10 receivers (buffer 50); the sender yields to the event loop every ${YIELD_EVERY} messages; ` +
        'every receiver checks that its messages increase and that delivered + dropped = sent; ops = deliveries. ' +
        'The baseline and rx-channels receivers loop on `await receive()` (one ring per receiver, a waiting receive() resolved with the message); ' +
        'Peers without a fan-out primitive get one queue per receiver, fed by the sender. ' +
        `Medians of ${config.samples * 3} samples per row (three times the other tables').`,
      operations: count * RECEIVERS,
      // Three times the run's samples: one W3 sample varies by ±10% on a shared machine, and with 7
      // samples the median ratio moved between 0.78 and 0.94 from run to run (0.85–0.89 with 21).
      samples: config.samples * 3,
      rows,
    },
  ];
}
