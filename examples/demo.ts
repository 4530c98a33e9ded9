/**
 * The demo behind `npm run demo`: an Anycast work queue shared by two workers, a Broadcast
 * fanned out to two receivers, a Bidirectional request/response, and a select() loop over a
 * channel and two timers. It exits by itself.
 */
import { Anycast, Bidirectional, Broadcast, select, selectedFrom, Timer } from 'rx-channels';

async function workQueue(): Promise<void> {
  const jobs = new Anycast<number>({ name: 'jobs', maxsize: 2 });
  const sender = jobs.newSender();
  const worker = async (name: string): Promise<void> => {
    for await (const job of jobs.newReceiver()) {
      console.log(`  ${name} took job ${job}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const workers = [worker('worker A'), worker('worker B')];
  for (let job = 1; job <= 6; job++) {
    await sender.send(job);
  }
  await jobs.close();
  await Promise.all(workers);
}

async function fanOut(): Promise<void> {
  const prices = new Broadcast<number>('prices');
  const chart = prices.newReceiver({ name: 'chart' });
  const alerts = prices.newReceiver({ name: 'alerts' });
  const sender = prices.newSender();
  for (const price of [101, 102, 99]) {
    await sender.send(price);
  }
  await prices.close();
  const drawn: number[] = [];
  for await (const price of chart) {
    drawn.push(price);
  }
  console.log(`  chart drew ${drawn.join(', ')}`);
  alerts.pipe().subscribe((price) => {
    if (price < 100) {
      console.log(`  alert: price fell to ${price}`);
    }
  });
}

async function requestResponse(): Promise<void> {
  const channel = new Bidirectional<string, number>('client', 'word-length');
  const service = (async () => {
    for await (const word of channel.serviceHandle) {
      await channel.serviceHandle.send(word.length);
    }
  })();
  for (const word of ['channel', 'rx']) {
    await channel.clientHandle.send(word);
    console.log(`  "${word}" has ${await channel.clientHandle.receive()} letters`);
  }
  await channel.close();
  await service;
}

async function heartbeatWithDeadline(): Promise<void> {
  const readings = new Anycast<number>({ name: 'readings' });
  const heartbeat = Timer.periodic(20);
  const deadline = Timer.once(110);
  const sender = readings.newSender();
  const receiver = readings.newReceiver();
  let beats = 0;
  for await (const selected of select(receiver, heartbeat, deadline)) {
    if (selectedFrom(selected, heartbeat)) {
      beats++;
      await sender.send(beats * 10);
    } else if (selectedFrom(selected, deadline)) {
      console.log(`  deadline reached after ${beats} heartbeats`);
      break;
    } else if (selectedFrom(selected, receiver) && !selected.wasStopped && selected.exception === undefined) {
      console.log(`  reading ${selected.message}`);
    }
  }
  heartbeat.stop();
  deadline.stop();
}

async function main(): Promise<void> {
  console.log('Anycast: each job goes to exactly one worker');
  await workQueue();
  console.log('Broadcast: every receiver sees every price');
  await fanOut();
  console.log('Bidirectional: a client asks, a service answers');
  await requestResponse();
  console.log('select(): a heartbeat timer, a deadline and a channel in one loop');
  await heartbeatWithDeadline();
  console.log('done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
