/**
 * select() over two channels of the same message type: the `if (selectedFrom(...)) … else if`
 * chain tells them apart, checking `wasStopped` then `exception` narrows the item to a message
 * (`selected.message` is a `number`; unchecked, reading it is a type error), each stop is reported once,
 * and the loop ends when both channels are closed. Run with `npx tsx examples/select.ts`; it
 * exits by itself.
 */
import { Anycast, select, selectedFrom } from 'rx-channels';

async function produce(channel: Anycast<number>, amounts: readonly number[]): Promise<void> {
  const sender = channel.newSender();
  for (const amount of amounts) {
    await sender.send(amount);
  }
  await channel.close();
}

async function main(): Promise<void> {
  const orders = new Anycast<number>({ name: 'orders' });
  const refunds = new Anycast<number>({ name: 'refunds' });
  const orderReceiver = orders.newReceiver();
  const refundReceiver = refunds.newReceiver();
  const producers = [produce(orders, [30, 12, 8]), produce(refunds, [5])];
  let balance = 0;
  for await (const selected of select(orderReceiver, refundReceiver)) {
    if (selectedFrom(selected, orderReceiver)) {
      if (selected.wasStopped) {
        console.log('orders closed');
        continue;
      }
      if (selected.exception !== undefined) {
        console.error('orders failed', selected.exception);
        continue;
      }
      balance += selected.message;
      console.log(`order  +${selected.message} -> ${balance}`);
    } else if (selectedFrom(selected, refundReceiver)) {
      if (selected.wasStopped) {
        console.log('refunds closed');
        continue;
      }
      if (selected.exception !== undefined) {
        console.error('refunds failed', selected.exception);
        continue;
      }
      balance -= selected.message;
      console.log(`refund -${selected.message} -> ${balance}`);
    }
  }
  await Promise.all(producers);
  console.log(`final balance: ${balance}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
