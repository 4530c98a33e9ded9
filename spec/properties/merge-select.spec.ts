/**
 * Merge, MergeNamed, select() and Select under random interleavings (STYLE.md rule 14): every
 * source is fed by a producer that waits a random number of microtask ticks before each
 * message. Whatever the interleaving, every message arrives exactly once with each source's
 * order kept; when the loop ends (also on `break` at a random point) no waker is left parked on
 * any source, and the messages not yet taken are still in their sources.
 */
import fc from 'fast-check';
import { Anycast, Merge, MergeNamed, select, Select, selectedFrom, type Receiver } from 'rx-channels';
import { flushMicrotasks } from '../helpers/async';
import { captureWarnings } from '../helpers/logger';
import { ProbeReceiver } from '../helpers/probe';
import { propertyParameters, propertyTimeout } from '../helpers/properties';
import { drain, ListReceiver } from '../helpers/receivers';

const RUNS = 150;

/** One source: its messages, the ticks its producer waits before each, and how it is built. */
interface SourcePlan {
  readonly kind: 'anycast' | 'foreign';
  readonly maxsize: number;
  readonly ticks: readonly number[];
}

interface Plan {
  readonly sources: readonly SourcePlan[];
  /** Leave the loop after this many messages, or run it to the end. */
  readonly breakAfter: number | undefined;
}

const sourcePlan: fc.Arbitrary<SourcePlan> = fc.record({
  kind: fc.constantFrom('anycast' as const, 'foreign' as const),
  // 0 is a rendezvous channel (its sends wait for a taker), Infinity an unbounded one.
  maxsize: fc.constantFrom(0, 1, 2, 3, Infinity),
  ticks: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 6 }),
});

const plan: fc.Arbitrary<Plan> = fc.record({
  sources: fc.array(sourcePlan, { minLength: 1, maxLength: 4 }),
  breakAfter: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
});

/** The messages of source `index`: unique across sources, in send order. */
function messagesOf(plan: Plan, index: number): number[] {
  return (plan.sources[index]?.ticks ?? []).map((_, position) => index * 100 + position);
}

async function ticks(count: number): Promise<void> {
  for (let tick = 0; tick < count; tick++) {
    await Promise.resolve();
  }
}

/** A running source: what the utility reads, how many wakers wait on it, and its producer. */
interface LiveSource {
  readonly read: Receiver<number>;
  /** Wakers parked on a built-in source, or `ready()` calls pending on a foreign one. */
  readonly waiting: () => number;
  readonly produced: Promise<void>;
}

function start(plan: Plan, index: number): LiveSource {
  const source = plan.sources[index] as SourcePlan;
  const messages = messagesOf(plan, index);
  if (source.kind === 'foreign') {
    const list = new ListReceiver<number>();
    const produced = (async () => {
      for (const [position, message] of messages.entries()) {
        await ticks(source.ticks[position] ?? 0);
        list.push(message);
      }
      list.end();
    })();
    return { read: list, waiting: () => list.pendingReadyCalls, produced };
  }
  const channel = new Anycast<number>({ name: `s${index}`, maxsize: source.maxsize });
  const sender = channel.newSender();
  const probe = new ProbeReceiver(channel.newReceiver());
  const produced = (async () => {
    for (const [position, message] of messages.entries()) {
      await ticks(source.ticks[position] ?? 0);
      await sender.send(message);
    }
    await channel.close();
  })();
  return { read: probe, waiting: () => probe.parked, produced };
}

/**
 * After the loop: nothing parked on any source, then each source's taken messages followed by
 * what is still in it are exactly its messages, in order.
 */
async function checkAfterLoop(plan: Plan, live: readonly LiveSource[], taken: readonly number[]): Promise<void> {
  // At once, before the producers run on: they would wake (and so hide) a waker left behind.
  expect(live.map((source) => source.waiting())).toEqual(live.map(() => 0));
  await flushMicrotasks();
  if (plan.breakAfter === undefined) {
    expect(taken.length).toBe(plan.sources.reduce((total, source) => total + source.ticks.length, 0));
  }
  for (const [index, source] of live.entries()) {
    const rest = await drain(source.read);
    await source.produced;
    const fromThisSource = taken.filter((message) => Math.floor(message / 100) === index);
    expect([...fromThisSource, ...rest]).toEqual(messagesOf(plan, index));
  }
}

function shouldLeave(plan: Plan, taken: readonly number[]): boolean {
  return plan.breakAfter !== undefined && taken.length >= plan.breakAfter;
}

describe('properties: Merge and select under random interleavings', () => {
  let capture: ReturnType<typeof captureWarnings>;

  beforeEach(() => {
    capture = captureWarnings();
  });

  afterEach(() => {
    capture.restore();
  });

  it(
    'select(): every message once, in order per source; leaving the loop releases every source',
    async () => {
      await fc.assert(
        fc.asyncProperty(plan, async (plan) => {
          const live = plan.sources.map((_, index) => start(plan, index));
          const taken: number[] = [];
          const stopped = new Set<number>();
          if (!shouldLeave(plan, taken)) {
            for await (const selected of select(...live.map((source) => source.read))) {
              const index = live.findIndex((source) => selectedFrom(selected, source.read));
              if (selected.wasStopped) {
                expect(stopped.has(index)).toBe(false);
                stopped.add(index);
              } else if (selected.exception === undefined) {
                taken.push(selected.message);
              }
              if (shouldLeave(plan, taken)) {
                break;
              }
            }
          }
          if (plan.breakAfter === undefined) {
            expect(stopped.size).toBe(live.length);
          }
          await checkAfterLoop(plan, live, taken);
        }),
        propertyParameters(RUNS),
      );
    },
    propertyTimeout(RUNS),
  );

  it(
    'Merge and MergeNamed: every message once, in order per source; break leaves the rest in the sources',
    async () => {
      await fc.assert(
        fc.asyncProperty(plan, fc.boolean(), async (plan, named) => {
          const live = plan.sources.map((_, index) => start(plan, index));
          const probes = live.map((source) => source.read);
          const merged = named
            ? new MergeNamed(Object.fromEntries(probes.map((probe, index) => [`s${index}`, probe]))).map(
                ([, message]) => message,
              )
            : new Merge(...probes);
          const taken: number[] = [];
          if (!shouldLeave(plan, taken)) {
            for await (const message of merged) {
              taken.push(message);
              if (shouldLeave(plan, taken)) {
                break;
              }
            }
          }
          await checkAfterLoop(plan, live, taken);
        }),
        propertyParameters(RUNS),
      );
    },
    propertyTimeout(RUNS),
  );

  it(
    'Select read in full every round: every message once, nothing dropped; stop() releases every source',
    async () => {
      await fc.assert(
        fc.asyncProperty(plan, async (plan) => {
          const live = plan.sources.map((_, index) => start(plan, index));
          const names = live.map((_, index) => `s${index}`);
          const selector = new Select(Object.fromEntries(live.map((source, index) => [names[index], source.read])));
          const taken: number[] = [];
          reading: while (!shouldLeave(plan, taken) && (await selector.ready())) {
            for (const name of names) {
              if (shouldLeave(plan, taken)) {
                break reading;
              }
              const selected = selector.get(name);
              if (selected !== undefined && !selected.wasStopped && selected.exception === undefined) {
                taken.push(selected.message as number);
              }
            }
          }
          await selector.stop();
          expect(capture.warnings).toEqual([]);
          await checkAfterLoop(
            { ...plan, breakAfter: plan.breakAfter === undefined ? undefined : taken.length },
            live,
            taken,
          );
        }),
        propertyParameters(RUNS),
      );
    },
    propertyTimeout(RUNS),
  );
});
