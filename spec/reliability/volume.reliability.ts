/**
 * Volume: a million messages through each channel kind, with exact counts, sums and order. Not a
 * benchmark: nothing here is timed; it checks that nothing is lost or reordered at volume. It runs
 * in `npm run test:reliability` (jest.reliability.config.js), not in `npm test`: about 40 s of CPU.
 */
import { Anycast, Broadcast, type Receiver, type Sender } from 'rx-channels';
import { flushMicrotasks } from '../helpers/async';
import { isSoak } from '../helpers/properties';

const TOTAL = 1_000_000;
/**
 * Broadcast messages sent: a million deliveries in all (100 000 to each of 10 receivers) in
 * `npm run test:reliability`; a million sends (ten million deliveries) in `npm run soak`.
 */
const BROADCAST_SENDS = isSoak() ? TOTAL : TOTAL / 10;
/**
 * A hang guard, not a speed check: the work is bounded by the counts above. A test takes about
 * 10-30 s on a quiet 2-core machine (the soak's Broadcast about 10 times that), and several times
 * longer when the machine is busy; the guard leaves room for that and still fails a hang.
 */
const VOLUME_TIMEOUT_MS = isSoak() ? 3_600_000 : 600_000;

/** What one receiver saw: how many, their sum, and whether each sender's messages came in order. */
interface Tally {
  count: number;
  sum: number;
  inOrder: boolean;
}

/**
 * Receives until the receiver stops. Messages are `seq * senders + sender`, so the sender and its
 * sequence number are recovered without allocating a tuple per message.
 */
async function tally(receiver: Receiver<number>, senders: number): Promise<Tally> {
  const lastSeq = new Array<number>(senders).fill(-1);
  const result: Tally = { count: 0, sum: 0, inOrder: true };
  for await (const message of receiver) {
    const sender = message % senders;
    const seq = (message - sender) / senders;
    if (seq <= (lastSeq[sender] as number)) {
      result.inOrder = false;
    }
    lastSeq[sender] = seq;
    result.count++;
    result.sum += message;
  }
  return result;
}

async function sendAll(
  sender: Sender<number>,
  index: number,
  senders: number,
  count: number,
  yieldEvery: number,
): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    await sender.send(seq * senders + index);
    if (seq % yieldEvery === yieldEvery - 1) {
      // Lets the receivers' promise jobs run, so that they keep up with the buffers.
      await flushMicrotasks();
    }
  }
}

/** The sum of 0 .. total - 1: every message value exactly once. */
function sumOfAll(total: number): number {
  return (total * (total - 1)) / 2;
}

describe('volume', () => {
  it(
    'passes a million messages through Anycast with 4 senders and 4 receivers: each once, per-sender order kept',
    async () => {
      const senders = 4;
      const channel = new Anycast<number>({ name: 'volume', maxsize: 256 });
      const tallies = Array.from({ length: 4 }, () => tally(channel.newReceiver(), senders));
      const sending = Array.from({ length: senders }, (_, index) =>
        sendAll(channel.newSender(), index, senders, TOTAL / senders, 10_000),
      );
      await Promise.all(sending);
      await channel.close();
      const results = await Promise.all(tallies);
      expect(results.reduce((count, result) => count + result.count, 0)).toBe(TOTAL);
      expect(results.reduce((sum, result) => sum + result.sum, 0)).toBe(sumOfAll(TOTAL));
      expect(results.map((result) => result.inOrder)).toEqual([true, true, true, true]);
    },
    VOLUME_TIMEOUT_MS,
  );

  it(
    'passes a million deliveries through a Broadcast to 10 receivers: every receiver gets all, in order, none dropped',
    async () => {
      const channel = new Broadcast<number>('volume');
      const receivers = Array.from({ length: 10 }, () => channel.newReceiver({ maxsize: 1024 }));
      const tallies = receivers.map((receiver) => tally(receiver, 1));
      await sendAll(channel.newSender(), 0, 1, BROADCAST_SENDS, 512);
      await channel.close();
      const results = await Promise.all(tallies);
      for (const result of results) {
        expect(result).toEqual({ count: BROADCAST_SENDS, sum: sumOfAll(BROADCAST_SENDS), inOrder: true });
      }
      expect(receivers.map((receiver) => receiver.dropped)).toEqual(new Array(10).fill(0));
    },
    VOLUME_TIMEOUT_MS,
  );
});
