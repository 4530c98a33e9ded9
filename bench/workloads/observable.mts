/**
 * W5 Observable bridge, both ways. W5a: a Subject feeding `fromObservable()`, read with
 * `for await` (the producer yields to the event loop every 25 values, so a buffer of 100 never
 * overflows; overflow 'error' would fail the run). W5b: a channel read through its Observable
 * face with a plain subscriber, against a bare Subject.
 */
import { pushable } from 'it-pushable';
import type { Receiver } from 'rx-channels';
import { from, Subject } from 'rxjs';
import { subjectIterator } from '../baselines/subjectIterator.mjs';
import { scaled, type BenchConfig } from '../config.mjs';
import type { Row, Workload } from '../harness.mjs';
import { rx, rxUtil } from '../libs.mjs';
import { InOrder } from '../verify.mjs';

const YIELD_EVERY = 25;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Emits 0 … count-1 into `subject` while `source` is read with `for await`; checks order and count. */
async function bridge(count: number, subject: Subject<number>, source: AsyncIterable<number>): Promise<unknown> {
  const order = new InOrder();
  const reading = (async () => {
    for await (const value of source) {
      order.see(value);
    }
  })();
  for (let value = 0; value < count; value++) {
    subject.next(value);
    if (value % YIELD_EVERY === YIELD_EVERY - 1) {
      await yieldToEventLoop();
    }
  }
  subject.complete();
  await reading;
  order.finish(count);
  // What the row built, kept by the harness until the table is done.
  return [subject, source];
}

function intoIterableRows(count: number): Row[] {
  return [
    {
      name: 'baseline: hand-written Subject → async iterator',
      baseline: true,
      run: () => {
        const subject = new Subject<number>();
        return bridge(count, subject, subjectIterator(subject));
      },
    },
    {
      name: "rx-channels fromObservable (maxsize 100, overflow 'error')",
      run: () => {
        const subject = new Subject<number>();
        return bridge(count, subject, rxUtil.fromObservable(subject, { maxsize: 100 }));
      },
    },
    {
      name: 'it-pushable fed by subscribe()',
      run: () => {
        const subject = new Subject<number>();
        const source = pushable<number>({ objectMode: true });
        subject.subscribe({ next: (value) => source.push(value), complete: () => source.end() });
        return bridge(count, subject, source);
      },
    },
  ];
}

/** Sends 0 … count-1 into an Anycast channel whose receiver is read by `subscribe`; checks order and count. */
function throughChannel(count: number, subscribe: (receiver: Receiver<number>, order: InOrder) => void): unknown {
  const channel = new rx.Anycast<number>({ maxsize: 100 });
  const sender = channel.newSender();
  const order = new InOrder();
  const receiver = channel.newReceiver();
  subscribe(receiver, order);
  for (let message = 0; message < count; message++) {
    // Not awaited: with a subscriber waiting, each send is handed over before it returns; a send
    // that had to wait would leave the count short and fail the check below.
    void sender.send(message);
  }
  order.finish(count);
  return [sender, receiver];
}

function outOfChannelRows(count: number): Row[] {
  return [
    {
      name: 'baseline: bare Subject, plain subscriber',
      baseline: true,
      run: () => {
        const order = new InOrder();
        const subject = new Subject<number>();
        subject.subscribe((value) => order.see(value));
        for (let value = 0; value < count; value++) {
          subject.next(value);
        }
        order.finish(count);
        return subject;
      },
    },
    {
      name: 'rx-channels receiver.asObservable()',
      run: () =>
        throughChannel(count, (receiver, order) => receiver.asObservable().subscribe((value) => order.see(value))),
    },
    {
      name: 'rx-channels from(receiver)',
      run: () => throughChannel(count, (receiver, order) => from(receiver).subscribe((value) => order.see(value))),
    },
    {
      name: 'rx-channels receiver.subscribe() (the receiver is an Observable)',
      run: () => throughChannel(count, (receiver, order) => receiver.subscribe((value) => order.see(value))),
    },
  ];
}

export function observableWorkloads(config: BenchConfig): Workload[] {
  const count = scaled(config, 500_000);
  return [
    {
      id: 'W5a',
      title: 'Observable → `for await`: a Subject through `fromObservable()`',
      description: `${count.toLocaleString('en')} values per run from a Subject (yielding to the event loop every ${YIELD_EVERY}), read with \`for await\`, checked in order; ops = values.`,
      operations: count,
      rows: intoIterableRows(count),
    },
    {
      id: 'W5b',
      title: 'Channel → Observable: an Anycast receiver with a plain subscriber',
      description: `${count.toLocaleString('en')} messages per run sent into an Anycast (maxsize 100) whose receiver has one subscriber, checked in order; ops = messages.`,
      operations: count,
      rows: outOfChannelRows(count),
    },
  ];
}
