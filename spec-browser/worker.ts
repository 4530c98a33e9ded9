// The Web Worker of the browser test's worker checks (spec-browser/run.mjs bundles it with esbuild
// against the built dist/worker.mjs and dist/index.mjs, as page.ts is). It connects to the page
// with connectChannels(self) and does what `?mode=` says:
// - `queue`: takes jobs from the page's Anycast with `for await` and sends each back as a result;
// - `broadcast`: receives the page's Broadcast until it closes and reports what it got;
// - `hold`: waits with a credit of 2 and says how many messages it holds, then idles (the page
//   terminates it).
import type { Anycast, Broadcast } from 'rx-channels';
import { connectChannels, type MessagePortLike, type RemoteChannels } from 'rx-channels/worker';
import type { Job, Report } from './protocol';

type Served = { jobs: Anycast<Job>; prices: Broadcast<number>; results: Anycast<Report> };

const scope = globalThis as unknown as MessagePortLike & { readonly location: { readonly search: string } };
const params = new URLSearchParams(scope.location.search);
const worker = params.get('id') ?? '?';
// The cast works around a typing bug of the worker entry (reported): `connectChannels<Served>()`
// is refused, its constraint `Anycast<never>` takes no `Anycast<Job>` (API.md says `Anycast<any>`).
const remote = connectChannels(scope) as unknown as RemoteChannels<Served>;
const results = remote.results.newSender();

async function queue(): Promise<void> {
  for await (const job of remote.jobs.newReceiver({ credit: Number(params.get('credit') ?? 1) })) {
    await results.send({ kind: 'result', worker, job });
  }
  await results.send({ kind: 'done', worker });
}

async function broadcast(): Promise<void> {
  const prices = remote.prices.newReceiver({ maxsize: 100 });
  // The `open` went before this send on the same port: once it is placed, the owner has the receiver.
  await results.send({ kind: 'ready', worker });
  const got: number[] = [];
  for await (const price of prices) {
    got.push(price);
  }
  await results.send({ kind: 'broadcast', worker, got, dropped: prices.dropped });
}

async function hold(): Promise<void> {
  const jobs = remote.jobs.newReceiver({ credit: 2 });
  await jobs.ready();
  await results.send({ kind: 'holding', worker, size: jobs.size });
  // Holds them without consuming until the page terminates this worker.
}

const modes: Record<string, () => Promise<void>> = { queue, broadcast, hold };
(modes[params.get('mode') ?? ''] ?? (() => Promise.reject(new Error('no such mode'))))()
  .then(() => (params.get('mode') === 'hold' ? undefined : remote.close()))
  .catch((error: unknown) => {
    scope.postMessage({ workerError: String(error) });
  });
