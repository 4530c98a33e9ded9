/**
 * W6 select: one consumer over 4 Anycast channels (4 senders, n/4 messages each, each closing its
 * channel when done), with `select()` + `selectedFrom()` and with `merge()`; each channel's
 * messages are checked in order and every message counted. The baseline row is W1's setup (one
 * Anycast, one sender, `await receive()`) with the same number of messages and the same maxsize.
 */
import type { Receiver, Sender } from 'rx-channels';
import { scaled, type BenchConfig } from '../config.mjs';
import type { Row, Workload } from '../harness.mjs';
import { rx, rxUtil } from '../libs.mjs';
import { InOrder } from '../verify.mjs';

const CHANNELS = 4;
const MAXSIZE = 10;

interface Fan {
  readonly receivers: Receiver<number>[];
  readonly checks: InOrder[];
  readonly sending: Promise<void>;
  readonly share: number;
}

/** Starts 4 senders, each sending 0 … share-1 to its own channel and closing it. */
function startFan(count: number): Fan {
  const share = count / CHANNELS;
  const channels = Array.from({ length: CHANNELS }, () => new rx.Anycast<number>({ maxsize: MAXSIZE }));
  const receivers = channels.map((channel) => channel.newReceiver());
  const sendAll = async (sender: Sender<number>, close: () => Promise<void>) => {
    for (let message = 0; message < share; message++) {
      await sender.send(message);
    }
    await close();
  };
  const sending = Promise.all(channels.map((channel) => sendAll(channel.newSender(), () => channel.close()))).then(
    () => undefined,
  );
  return { receivers, checks: receivers.map(() => new InOrder()), sending, share };
}

/** Checks the fan and returns it (the harness keeps it until the table is done). */
async function finish(fan: Fan): Promise<Fan> {
  await fan.sending;
  for (const order of fan.checks) {
    order.finish(fan.share);
  }
  return fan;
}

async function selectRun(count: number): Promise<Fan> {
  const fan = startFan(count);
  const { receivers, checks } = fan;
  for await (const selected of rxUtil.select(...receivers)) {
    for (let index = 0; index < CHANNELS; index++) {
      if (rxUtil.selectedFrom(selected, receivers[index] as Receiver<number>)) {
        if (!selected.wasStopped && selected.exception === undefined) {
          checks[index]?.see(selected.message);
        }
        break;
      }
    }
  }
  return finish(fan);
}

async function mergeRun(count: number): Promise<Fan> {
  const fan = startFan(count);
  // Every channel sends 0 … share-1; the merged stream keeps each channel's order, so a value v
  // is the next one of some channel whose count is v. Track how many of each value were seen.
  const seenOfValue = new Int32Array(fan.share);
  for await (const message of rxUtil.merge(...fan.receivers)) {
    if (message > 0 && (seenOfValue[message] as number) >= (seenOfValue[message - 1] as number)) {
      throw new Error(`wrong result: ${message} arrived before as many ${message - 1}s`);
    }
    seenOfValue[message] = (seenOfValue[message] as number) + 1;
  }
  await fan.sending;
  if (seenOfValue.some((seen) => seen !== CHANNELS)) {
    throw new Error('wrong result: a value was not received once per channel');
  }
  return fan;
}

async function singleChannel(count: number): Promise<unknown> {
  const channel = new rx.Anycast<number>({ maxsize: MAXSIZE });
  const sender = channel.newSender();
  const receiver = channel.newReceiver();
  const order = new InOrder();
  const sending = (async () => {
    for (let message = 0; message < count; message++) {
      await sender.send(message);
    }
  })();
  for (let index = 0; index < count; index++) {
    order.see(await receiver.receive());
  }
  await sending;
  order.finish(count);
  return [sender, receiver];
}

export function selectWorkloads(config: BenchConfig): Workload[] {
  const count = scaled(config, 400_000, 400);
  const rows: Row[] = [
    {
      name: 'baseline: W1 setup, rx-channels Anycast, 1 channel, `await receive()`',
      baseline: true,
      run: () => singleChannel(count),
    },
    { name: 'rx-channels select() + selectedFrom() over 4 channels', run: () => selectRun(count) },
    { name: 'rx-channels merge() over 4 channels, `for await`', run: () => mergeRun(count) },
  ];
  return [
    {
      id: 'W6',
      title: 'select() and Merge over 4 Anycast channels',
      description:
        `${count.toLocaleString('en')} messages per run (4 senders × ${(count / CHANNELS).toLocaleString('en')}, maxsize ${MAXSIZE}), one consumer; each channel's order checked and every message counted; ops = messages. ` +
        'The ratio is to the per-message rate of a single channel (W1).',
      operations: count,
      rows,
    },
  ];
}
