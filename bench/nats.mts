/**
 * `npm run bench:nats`: rx-channels/nats (the BUILT dist/nats.mjs) against the raw `nats` client
 * on the same nats-server, in one run: a publish/consume/ack loop with the same settings.
 * Starts its own `nats-server -js` (spec/helpers/natsServer.ts) and stops it by pid. Prints one
 * table per workload: median messages per second of `BENCH_NATS_SAMPLES` samples (default 5),
 * rows taking turns sample by sample, and the ratio to the raw client's row.
 *
 * - Anycast: one sender awaiting each `send()` and one receiver taking with `receive()`
 *   (prefetch 64), concurrently; raw: `await js.publish()` and the client's own `consume()`
 *   (the ceiling), and a `fetch({ max_messages: 64 })` loop acking each message.
 * - Anycast, receiving only: the messages are stored first (not timed), then taken.
 * - Broadcast: one sender awaiting each `send()`, one receiver; raw: `await js.publish()` and an
 *   ordered consumer's `consume()` callback.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AckPolicy, DiscardPolicy, RetentionPolicy, StorageType, connect, type NatsConnection } from 'nats';
import { NatsServer } from '../spec/helpers/natsServer.js';

type NatsEntry = typeof import('rx-channels/nats');
const dist = fileURLToPath(new URL('../dist/nats.mjs', import.meta.url));
const { NatsAnycast, NatsBroadcast } = (await import(pathToFileURL(dist).href)) as NatsEntry;

const COUNT = Number(process.env['BENCH_NATS_COUNT'] ?? 5000);
const SAMPLES = Number(process.env['BENCH_NATS_SAMPLES'] ?? 5);
const PREFETCH = 64;
let run = 0;

/** A row runs once per sample; it may return the milliseconds to count (else the whole run is timed). */
type Row = {
  readonly name: string;
  readonly baseline?: boolean;
  readonly once: (nc: NatsConnection) => Promise<number | void>;
};

async function rawAnycast(nc: NatsConnection, mode: 'fetch' | 'consume'): Promise<void> {
  const name = `raw_${++run}`;
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  await jsm.streams.add({
    name,
    subjects: [`raw.${name}`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_msgs: 1000,
  });
  await jsm.consumers.add(name, { durable_name: 'rxc', ack_policy: AckPolicy.Explicit });
  const consumer = await js.consumers.get(name, 'rxc');
  const payload = (n: number) => new TextEncoder().encode(JSON.stringify(n));
  const sending = (async () => {
    for (let n = 0; n < COUNT; n++) await js.publish(`raw.${name}`, payload(n), { msgID: `m${n}` });
  })();
  let got = 0;
  if (mode === 'fetch') {
    while (got < COUNT) {
      const messages = await consumer.fetch({ max_messages: PREFETCH, expires: 1000 });
      for await (const m of messages) {
        JSON.parse(new TextDecoder().decode(m.data));
        m.ack();
        got++;
      }
    }
  } else {
    const messages = await consumer.consume({ max_messages: PREFETCH });
    for await (const m of messages) {
      JSON.parse(new TextDecoder().decode(m.data));
      m.ack();
      if (++got === COUNT) break;
    }
  }
  await sending;
  await jsm.streams.delete(name);
}

async function libAnycast(nc: NatsConnection): Promise<void> {
  const name = `lib_${++run}`;
  const jobs = await NatsAnycast.open<number>(nc, { name, maxsize: 1000 });
  const sender = jobs.newSender();
  const sending = (async () => {
    for (let n = 0; n < COUNT; n++) await sender.send(n);
  })();
  const receiver = jobs.newReceiver({ prefetch: PREFETCH });
  for (let got = 0; got < COUNT; got++) await receiver.receive();
  await sending;
  receiver.close();
  await (await nc.jetstreamManager()).streams.delete(`RXC_${name}`);
}

/** Stores COUNT messages (not timed: published without waiting for each ack), then times the taking. */
async function receiveOnly(nc: NatsConnection, who: 'raw' | 'lib'): Promise<number> {
  const name = `only_${++run}`;
  const jobs = await NatsAnycast.open<number>(nc, { name, maxsize: COUNT });
  const js = nc.jetstream();
  const encoder = new TextEncoder();
  await Promise.all(
    Array.from({ length: COUNT }, (_, n) => js.publish(`rxc.${name}`, Uint8Array.of(1, ...encoder.encode(String(n))))),
  );
  const started = performance.now();
  if (who === 'raw') {
    const consumer = await js.consumers.get(`RXC_${name}`, 'rxc');
    const messages = await consumer.consume({ max_messages: PREFETCH });
    let got = 0;
    for await (const m of messages) {
      JSON.parse(new TextDecoder().decode(m.data.subarray(1)));
      m.ack();
      if (++got === COUNT) break;
    }
  } else {
    const receiver = jobs.newReceiver({ prefetch: PREFETCH });
    for (let got = 0; got < COUNT; got++) await receiver.receive();
    receiver.close();
  }
  const elapsed = performance.now() - started;
  await (await nc.jetstreamManager()).streams.delete(`RXC_${name}`);
  return elapsed;
}

async function rawBroadcast(nc: NatsConnection): Promise<void> {
  const name = `rawb_${++run}`;
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  await jsm.streams.add({
    name,
    subjects: [`raw.${name}`],
    storage: StorageType.File,
    max_msgs: 1000,
    discard: DiscardPolicy.Old,
  });
  const consumer = await js.consumers.get(name);
  let got = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const messages = await consumer.consume({
    callback: (m) => {
      JSON.parse(new TextDecoder().decode(m.data));
      if (++got === COUNT) done();
    },
  });
  for (let n = 0; n < COUNT; n++)
    await js.publish(`raw.${name}`, new TextEncoder().encode(JSON.stringify(n)), { msgID: `m${n}` });
  await all;
  messages.stop();
  await jsm.streams.delete(name);
}

async function libBroadcast(nc: NatsConnection): Promise<void> {
  const name = `libb_${++run}`;
  const prices = await NatsBroadcast.open<number>(nc, { name });
  const receiver = prices.newReceiver({ maxsize: COUNT });
  const sender = prices.newSender();
  const receiving = (async () => {
    for (let got = 0; got < COUNT; got++) await receiver.receive();
  })();
  for (let n = 0; n < COUNT; n++) await sender.send(n);
  await receiving;
  receiver.close();
  await (await nc.jetstreamManager()).streams.delete(`RXC_${name}`);
}

const tables: { title: string; rows: Row[] }[] = [
  {
    title: `Anycast: ${COUNT} messages, 1 sender (awaiting each send) and 1 receiver (prefetch ${PREFETCH}), acked each`,
    rows: [
      {
        name: `raw nats: js.publish + consume(${PREFETCH}) + ack`,
        baseline: true,
        once: (nc) => rawAnycast(nc, 'consume'),
      },
      { name: `raw nats: js.publish + fetch(${PREFETCH}) loop + ack`, once: (nc) => rawAnycast(nc, 'fetch') },
      { name: 'rx-channels/nats NatsAnycast: send() + receive()', once: libAnycast },
    ],
  },
  {
    title: `Anycast, receiving only: ${COUNT} stored messages taken by 1 receiver (prefetch ${PREFETCH}), acked each`,
    rows: [
      { name: `raw nats: consume(${PREFETCH}) + ack`, baseline: true, once: (nc) => receiveOnly(nc, 'raw') },
      { name: 'rx-channels/nats NatsAnycast: receive()', once: (nc) => receiveOnly(nc, 'lib') },
    ],
  },
  {
    title: `Broadcast: ${COUNT} messages, 1 sender (awaiting each send), 1 receiver`,
    rows: [
      { name: 'raw nats: js.publish + ordered consume()', baseline: true, once: rawBroadcast },
      { name: 'rx-channels/nats NatsBroadcast: send() + receive()', once: libBroadcast },
    ],
  },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const server = await NatsServer.start();
const nc = await connect({ servers: server.url });
try {
  for (const table of tables) {
    const rates = table.rows.map(() => [] as number[]);
    for (const row of table.rows) await row.once(nc); // warm-up
    for (let sample = 0; sample < SAMPLES; sample++) {
      for (const [i, row] of table.rows.entries()) {
        const started = performance.now();
        const timed = await row.once(nc);
        rates[i]!.push(COUNT / ((typeof timed === 'number' ? timed : performance.now() - started) / 1000));
      }
    }
    const base = median(rates[table.rows.findIndex((row) => row.baseline === true)]!);
    console.log(`\n### ${table.title}\n\n| | msgs/s (median of ${SAMPLES}) | ratio |\n| --- | ---: | ---: |`);
    for (const [i, row] of table.rows.entries()) {
      const rate = median(rates[i]!);
      const name = row.baseline === true ? `**${row.name}**` : row.name;
      console.log(`| ${name} | ${Math.round(rate)} | ${(rate / base).toFixed(2)}× |`);
    }
  }
} finally {
  await nc.close();
  await server.dispose();
}
