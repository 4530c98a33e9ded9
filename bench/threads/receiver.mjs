// The receiving thread of bench/workloads/worker.mts (W8, W9). Plain .mjs: it runs the BUILT
// package (dist/worker.mjs), as a worker of an app would. The bench posts it one command per run,
// `{ kind, port, count, credit, maxsize, announce }`, with a fresh MessagePort; it receives `count` numbers
// through that port and answers on the same port `{ done: count, sum }` (traffic of its own, which
// the rx-channels protocol ignores).
import { parentPort } from 'node:worker_threads';
import { connectChannels } from '../../dist/worker.mjs';

/** rx-channels: a remote receiver of the served channel `ch`, `for await` until `count`. */
async function remote({ port, count, credit, maxsize, announce }) {
  const channels = connectChannels(port);
  const receiver = channels.ch.newReceiver(maxsize === undefined ? { credit } : { credit, maxsize });
  if (announce) {
    // After the receiver's `open` on the same port: once the bench sees this, the owner has made it.
    port.postMessage({ ready: true });
  }
  let received = 0;
  let sum = 0;
  for await (const message of receiver) {
    sum += message;
    if (++received === count) {
      break;
    }
  }
  port.postMessage({ done: received, sum });
  await channels.close();
  port.close();
}

/** Raw ping-pong: ask for `credit` messages, get them back in one batch, ask again once taken. */
function pingPong({ port, count, credit }) {
  let received = 0;
  let sum = 0;
  port.on('message', (batch) => {
    for (const message of batch) {
      sum += message;
    }
    received += batch.length;
    if (received < count) {
      port.postMessage({ want: Math.min(credit, count - received) });
    } else {
      port.postMessage({ done: received, sum });
      port.close();
    }
  });
  port.postMessage({ want: Math.min(credit, count) });
}

/** Raw one-way stream: one `postMessage` per message, no back-pressure. */
function stream({ port, count }) {
  let received = 0;
  let sum = 0;
  port.on('message', (message) => {
    sum += message;
    if (++received === count) {
      port.postMessage({ done: received, sum });
      port.close();
    }
  });
}

const kinds = { remote, pingPong, stream };
parentPort.on('message', (command) => {
  Promise.resolve(kinds[command.kind](command)).catch((error) => {
    command.port.postMessage({ error: String(error?.stack ?? error) });
  });
});
