// The page of the browser test (spec-browser/run.mjs bundles it with esbuild against the built
// dist/index.mjs). Each check runs the root entry for real in the page and shows one line,
// `<name>: pass` or `<name>: FAIL ...`, in #results; #status says when all are done.
import { lastValueFrom, take, toArray } from 'rxjs';
import { Anycast, Broadcast, select, selectedFrom, Timer } from 'rx-channels';

type Check = readonly [name: string, run: () => Promise<string>];

function expectEqual(actual: unknown, expected: unknown): string {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) {
    throw new Error(`expected ${e}, got ${a}`);
  }
  return a;
}

async function anycastBackPressure(): Promise<string> {
  const channel = new Anycast<number>({ name: 'jobs', maxsize: 2 });
  const sender = channel.newSender();
  const receiver = channel.newReceiver();
  // Five sends into a buffer of two: the last three wait until the loop below makes room.
  const sending = Promise.all([1, 2, 3, 4, 5].map((n) => sender.send(n))).then(() => channel.close());
  const received: number[] = [];
  for await (const message of receiver) {
    received.push(message);
  }
  await sending;
  return expectEqual(received, [1, 2, 3, 4, 5]);
}

async function broadcastFanOut(): Promise<string> {
  const channel = new Broadcast<string>('prices');
  const first = channel.newReceiver();
  const viaRxjs = lastValueFrom(channel.newReceiver().pipe(take(2), toArray()));
  const sender = channel.newSender();
  await sender.send('a');
  await sender.send('b');
  const got = [await first.receive(), await first.receive(), ...(await viaRxjs)];
  await channel.close();
  return expectEqual(got, ['a', 'b', 'a', 'b']);
}

async function timerTicks(): Promise<string> {
  const timer = new Timer(10);
  const ticks: Date[] = [];
  for await (const tick of timer) {
    ticks.push(tick);
    if (ticks.length === 3) {
      timer.stop();
    }
  }
  const ordered = ticks.every((tick, i) => tick instanceof Date && (i === 0 || tick >= ticks[i - 1]!));
  return expectEqual({ ticks: ticks.length, ordered }, { ticks: 3, ordered: true });
}

async function selectOverChannels(): Promise<string> {
  const numbers = new Anycast<number>({ name: 'numbers' });
  const words = new Broadcast<string>('words');
  const [numberReceiver, wordReceiver] = [numbers.newReceiver(), words.newReceiver()];
  await numbers.newSender().send(1);
  await words.newSender().send('one');
  await Promise.all([numbers.close(), words.close()]);
  const seen: string[] = [];
  for await (const selected of select(numberReceiver, wordReceiver)) {
    if (selectedFrom(selected, numberReceiver)) {
      if (selected.wasStopped) seen.push('numbers stopped');
      else if (selected.exception === undefined) seen.push(`number ${selected.message + 1}`);
    } else if (selectedFrom(selected, wordReceiver)) {
      if (selected.wasStopped) seen.push('words stopped');
      else if (selected.exception === undefined) seen.push(`word ${selected.message.toUpperCase()}`);
    }
  }
  return expectEqual(seen.sort(), ['number 2', 'numbers stopped', 'word ONE', 'words stopped']);
}

async function runCheck([name, run]: Check, list: HTMLElement): Promise<boolean> {
  const item = list.appendChild(document.createElement('li'));
  try {
    item.textContent = `${name}: pass (${await run()})`;
    return true;
  } catch (error) {
    item.textContent = `${name}: FAIL ${error instanceof Error ? error.message : String(error)}`;
    return false;
  }
}

async function main(): Promise<void> {
  const checks: Check[] = [
    ['anycast', anycastBackPressure],
    ['broadcast', broadcastFanOut],
    ['timer', timerTicks],
    ['select', selectOverChannels],
  ];
  const list = document.getElementById('results')!;
  let passed = 0;
  for (const check of checks) {
    passed += (await runCheck(check, list)) ? 1 : 0;
  }
  const status = document.getElementById('status')!;
  status.textContent = `${passed}/${checks.length} checks passed`;
  status.dataset['done'] = 'true';
}

void main();
