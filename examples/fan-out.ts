/**
 * Recipe: fan-out with a late joiner, over a `Broadcast`: `npx tsx examples/fan-out.ts`.
 *
 * A price feed sends to every display. With `resendLatest`, a display that joins late starts
 * from the latest price instead of a blank, then gets every price after it. One display reads
 * with `for await` from its own receiver; another is an Observable subscription made with
 * `observe()`, which owns its receiver and detaches it when unsubscribed (as an Angular `async`
 * pipe does when its component is destroyed). Tested in `spec/examples/fan-out.spec.ts`.
 */
import { take } from 'rxjs';
import { Broadcast } from 'rx-channels';

export async function runFanOut(log: (line: string) => void): Promise<void> {
  const prices = new Broadcast<number>('prices', { resendLatest: true });
  const sender = prices.newSender();

  const early = prices.newReceiver({ name: 'early' });
  const earlyDone = (async () => {
    for await (const price of early) {
      log(`early display: ${price}`);
    }
  })();

  await sender.send(100);
  await sender.send(101);

  // Joins late: first the latest price (101), then the next two, then it leaves.
  prices
    .observe({ name: 'late' })
    .pipe(take(3))
    .subscribe((price) => log(`late display: ${price}`));
  log(`receivers: ${prices.receiverCount}`);

  await sender.send(102);
  await sender.send(103);
  log(`receivers after the late display left: ${prices.receiverCount}`);
  await sender.send(104);

  await prices.close(); // the early display drains what it has, then its loop ends
  await earlyDone;
}

if (require.main === module) {
  void runFanOut((line) => console.log(`  ${line}`));
}
