/**
 * A child process of the rx-channels/nats fault specs (run with `node --import tsx`): a sender or
 * a receiver of one NatsAnycast. It logs with synchronous appends (`sent <s> <n>` once a send
 * resolved, `got <s> <n>` right after consume() returned, before its acknowledgement leaves), so
 * that a SIGKILL loses no line written and no message acknowledged.
 *
 *   natsChild.mts sender <url> <name> <senderId> <count> <log>
 *   natsChild.mts receiver <url> <name> <prefetch> <log>
 *   natsChild.mts die-after-consume <url> <name> <prefetch> <log>   (logs one `got`, then SIGKILLs itself in the same synchronous block)
 *   natsChild.mts broadcast <url> <name> <maxsize> <log>   (a NatsBroadcast receiver; logs `got <n>`, then `dropped <d>`)
 */
import { appendFileSync } from 'node:fs';
import { connect } from 'nats';
import { NatsAnycast, NatsBroadcast } from 'rx-channels/nats';

const [role, url, name, arg, ...rest] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const connection = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });

if (role === 'broadcast') {
  const [log] = rest as [string];
  const prices = await NatsBroadcast.open<number>(connection, { name });
  const receiver = prices.newReceiver({ maxsize: Number(arg) });
  await new Promise((resolve) => setTimeout(resolve, 200)); // its consumer exists by now
  process.send?.('ready');
  for await (const n of receiver) {
    appendFileSync(log, `got ${n}\n`);
  }
  appendFileSync(log, `dropped ${receiver.dropped}\n`);
  await connection.drain();
  process.exit(0);
}

const jobs = await NatsAnycast.open<{ s: string; n: number }>(connection, { name, maxsize: 50, ackWaitMs: 2000 });

if (role === 'sender') {
  const [count, log] = rest as [string, string];
  const sender = jobs.newSender();
  for (let n = 0; n < Number(count); n++) {
    await sender.send({ s: arg, n });
    appendFileSync(log, `sent ${arg} ${n}\n`);
  }
} else {
  const [log] = rest as [string];
  const receiver = jobs.newReceiver({ prefetch: Number(arg) });
  process.send?.('ready');
  // ready() + consume(), not `for await`: consume() acknowledges the message, and the NATS client
  // sends the acknowledgement from a microtask (its outgoing buffer here stays far below the size
  // at which it writes at once). Written in the same synchronous block as
  // consume(), the log line is on disk before the acknowledgement leaves, so a SIGKILL cannot
  // land between the two. A `for await` body runs one microtask later, after it left: a receiver
  // killed there has acknowledged a message it never logged (the contract acknowledges when
  // consume() returns; the README says so).
  while (await receiver.ready()) {
    const message = receiver.consume();
    appendFileSync(log, `got ${message.s} ${message.n}\n`);
    if (role === 'die-after-consume') {
      // Still the synchronous block of consume(): the acknowledgement has not left the process.
      process.kill(process.pid, 'SIGKILL');
    }
  }
}
await connection.drain();
process.exit(0);
