// The `nats ...` checks of the browser test: `rx-channels/nats` in the page, on a connection of the
// `nats.ws` client (NATS over WebSocket) to the real `nats-server -js` that run.mjs starts; its
// WebSocket URL comes in the page's query string (`?nats=ws://127.0.0.1:<port>`).
import { connect, type NatsConnection } from 'nats.ws';
import { NatsAnycast, NatsBroadcast } from 'rx-channels/nats';

/** The most a NATS check may take before it fails (instead of hanging the run). */
const NATS_CHECK_MS = 10_000;

function expectEqual(actual: unknown, expected: unknown): string {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) {
    throw new Error(`expected ${e}, got ${a}`);
  }
  return a;
}

/** The server's WebSocket URL, from the page's query string. */
function natsUrl(): string {
  const url = new URLSearchParams(location.search).get('nats');
  if (url === null) {
    throw new Error('no ?nats=ws://... in the page URL (run.mjs passes it)');
  }
  return url;
}

/**
 * Runs `body` on a fresh WebSocket connection, bounded by NATS_CHECK_MS; closes the connection
 * after (also on failure or timeout).
 */
async function withConnection(body: (connection: NatsConnection) => Promise<string>): Promise<string> {
  const connection = await connect({ servers: natsUrl(), timeout: NATS_CHECK_MS });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${NATS_CHECK_MS} ms`)), NATS_CHECK_MS);
  });
  try {
    return await Promise.race([body(connection), timeout]);
  } finally {
    clearTimeout(timer);
    await connection.close();
  }
}

/**
 * A work queue on JetStream from the browser: 20 jobs through a stream of 4 (the sends wait for
 * room), taken with `for await`: each exactly once, in order; after `close()` the receiver stops.
 */
export function natsAnycast(): Promise<string> {
  return withConnection(async (connection) => {
    const jobs = await NatsAnycast.open<number>(connection, { name: 'browser_jobs', maxsize: 4 });
    const sender = jobs.newSender();
    const receiver = jobs.newReceiver();
    const sent = Array.from({ length: 20 }, (_, i) => i + 1);
    const sending = (async () => {
      for (const n of sent) {
        await sender.send(n);
      }
      await jobs.close();
    })();
    const received: number[] = [];
    for await (const n of receiver) {
      received.push(n);
    }
    await sending;
    expectEqual({ received, closed: jobs.isClosed }, { received: sent, closed: true });
    return `${sent.length} jobs through maxsize 4, once each, in order; the receiver stopped after close()`;
  });
}

/** A Broadcast on JetStream from the browser: two receivers each get all 10 messages in order, then stop. */
export function natsBroadcast(): Promise<string> {
  return withConnection(async (connection) => {
    const prices = await NatsBroadcast.open<number>(connection, { name: 'browser_prices' });
    const receivers = [prices.newReceiver({ maxsize: 16 }), prices.newReceiver({ maxsize: 16 })];
    const sender = prices.newSender();
    const sent = Array.from({ length: 10 }, (_, i) => i + 1);
    const receiving = receivers.map(async (receiver) => {
      const got: number[] = [];
      for await (const price of receiver) {
        got.push(price);
      }
      return { got, dropped: receiver.dropped };
    });
    for (const price of sent) {
      await sender.send(price);
    }
    await prices.close();
    expectEqual(
      await Promise.all(receiving),
      receivers.map(() => ({ got: sent, dropped: 0 })),
    );
    return `${receivers.length} receivers got all ${sent.length} messages in order; both stopped after close()`;
  });
}
