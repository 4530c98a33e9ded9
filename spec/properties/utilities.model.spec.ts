/**
 * Merge, MergeNamed, `select()` and the seed's Select under random promise interleavings
 * (fc.scheduler): sources fed by concurrent senders, a consumer that reads in random styles and
 * leaves early or is stopped at a random point. Afterwards every source is drained through the
 * same receiver, and each source's messages must add up to exactly what was sent, in order:
 * leaving or stopping loses nothing a source still holds. The only loss allowed is the Select's
 * documented drop of unread messages, and each one must be named by a warning.
 */
import fc from 'fast-check';
import { take } from 'rxjs';
import { Anycast, Broadcast, ReceiverStoppedError, type Receiver } from 'rx-channels';
import { Merge, MergeNamed, Select, select, selectedFrom } from 'rx-channels/util';
import { captureWarnings } from '../helpers/logger';
import { propertyParameters, propertyTimeout } from '../helpers/properties';

type Message = readonly [source: number, seq: number];

interface SourceSpec {
  readonly kind: 'anycast' | 'broadcast';
  readonly maxsize: number;
  readonly count: number;
}

/** Where the consumer stops: after `limit` messages, or when the stopper task runs. */
interface StopPlan {
  readonly limit: number;
  readonly stopFromOutside: boolean;
}

const sourceSpec: fc.Arbitrary<SourceSpec> = fc.record({
  kind: fc.constantFrom<SourceSpec['kind']>('anycast', 'broadcast'),
  maxsize: fc.integer({ min: 1, max: 3 }),
  count: fc.nat(6),
});

const stopPlan: fc.Arbitrary<StopPlan> = fc.record({ limit: fc.nat(12), stopFromOutside: fc.boolean() });

/** Makes the sources and starts their senders, which close their channel when done. */
function startSources(
  s: fc.Scheduler,
  specs: readonly SourceSpec[],
): { receivers: Receiver<Message>[]; sending: Promise<void>[] } {
  const receivers: Receiver<Message>[] = [];
  const sending = specs.map(async (spec, index) => {
    const channel =
      spec.kind === 'anycast' ? new Anycast<Message>({ maxsize: spec.maxsize }) : new Broadcast<Message>(`b${index}`);
    receivers.push(channel instanceof Anycast ? channel.newReceiver() : channel.newReceiver({ maxsize: 100 }));
    const sender = channel.newSender();
    for (let seq = 0; seq < spec.count; seq++) {
      await s.schedule(Promise.resolve(), `source ${index} sends ${seq}`);
      await sender.send([index, seq]);
    }
    await channel.close();
  });
  return { receivers, sending };
}

/** Every message left in each source, through the same receivers the consumer used. */
async function drain(receivers: readonly Receiver<Message>[]): Promise<Message[]> {
  const lists = await Promise.all(
    receivers.map(async (receiver) => {
      const messages: Message[] = [];
      for await (const message of receiver) {
        messages.push(message);
      }
      return messages;
    }),
  );
  return lists.flat();
}

/**
 * Per source, what the consumer got and then what was drained, in that order, must be the sent
 * sequence 0..count-1, less the items a Select warned it dropped (`warnedDrops`). A warned drop
 * may also have been the source's stop rather than a message, so one warned drop may be spare.
 */
function expectNothingLost(
  specs: readonly SourceSpec[],
  consumed: readonly Message[],
  drained: readonly Message[],
  warnedDrops: readonly number[] = [],
): void {
  specs.forEach((spec, index) => {
    const seqs = [...consumed, ...drained].filter(([source]) => source === index).map(([, seq]) => seq);
    expect(seqs.every((seq, at) => at === 0 || seq > (seqs[at - 1] as number))).toBe(true);
    expect(seqs.every((seq) => seq >= 0 && seq < spec.count)).toBe(true);
    const drops = warnedDrops[index] ?? 0;
    const lost = spec.count - seqs.length;
    expect(lost === drops || lost === drops - 1).toBe(true);
  });
}

/** Runs the consumer against the sources, stops it as planned, drains, and checks. */
async function runScenario(
  s: fc.Scheduler,
  specs: readonly SourceSpec[],
  consume: (receivers: Receiver<Message>[], consumed: Message[]) => Promise<void>,
): Promise<{ consumed: Message[]; drained: Message[] }> {
  const { receivers, sending } = startSources(s, specs);
  const consumed: Message[] = [];
  const drained = consume(receivers, consumed).then(() => drain(receivers));
  const [messages] = await s.waitFor(Promise.all([drained, ...sending]));
  return { consumed, drained: messages };
}

/** Calls `stop` from a scheduled task, so that it lands at a random point of the consumer. */
function scheduleStop(s: fc.Scheduler, plan: StopPlan, stop: () => unknown): void {
  if (plan.stopFromOutside) {
    void s.schedule(Promise.resolve(), 'stop from outside').then(stop);
  }
}

type ReadStyle = 'receive' | 'readyThenConsume';
const readStyles = fc.array(fc.constantFrom<ReadStyle>('receive', 'readyThenConsume'), { minLength: 1, maxLength: 4 });

/** Reads from a Merge in the given styles until the limit, or until it stops. */
async function readMerge(
  s: fc.Scheduler,
  merge: Receiver<Message>,
  plan: StopPlan,
  styles: readonly ReadStyle[],
  consumed: Message[],
): Promise<void> {
  for (let step = 0; consumed.length < plan.limit; step++) {
    await s.schedule(Promise.resolve(), 'consumer turn');
    if (styles[step % styles.length] === 'readyThenConsume') {
      if (!(await merge.ready())) {
        return;
      }
      await s.schedule(Promise.resolve(), 'between ready and consume');
      try {
        consumed.push(merge.consume());
      } catch (error) {
        // Stopped between ready() and consume(): the announced message stayed in its source.
        expect(error).toBeInstanceOf(ReceiverStoppedError);
        return;
      }
    } else {
      try {
        consumed.push(await merge.receive());
      } catch (error) {
        expect(error).toBeInstanceOf(ReceiverStoppedError);
        return;
      }
    }
  }
}

const sources = fc.array(sourceSpec, { minLength: 1, maxLength: 4 });
const runs = 200;

describe('utilities (interleavings)', () => {
  let capture: ReturnType<typeof captureWarnings>;

  beforeEach(() => {
    capture = captureWarnings();
  });

  afterEach(() => {
    capture.restore();
  });

  it(
    'Merge: reading in any style and stopping at any point loses nothing a source holds',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), sources, stopPlan, readStyles, async (s, specs, plan, styles) => {
          const { consumed, drained } = await runScenario(s, specs, async (receivers, into) => {
            const merge = new Merge(...receivers);
            scheduleStop(s, plan, () => merge.stop());
            await readMerge(s, merge, plan, styles, into);
            await merge.stop();
          });
          expectNothingLost(specs, consumed, drained);
        }),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );

  it(
    'Merge: leaving a for-await loop or an Observable subscription early loses nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), sources, stopPlan, fc.boolean(), async (s, specs, plan, useObservable) => {
          const { consumed, drained } = await runScenario(s, specs, async (receivers, into) => {
            const merge = new Merge(...receivers);
            scheduleStop(s, plan, () => merge.stop());
            if (useObservable) {
              await new Promise<void>((resolve) => {
                merge.pipe(take(plan.limit)).subscribe({ next: (message) => into.push(message), complete: resolve });
              });
            } else {
              for await (const message of merge) {
                // The iterator took the message before the body runs: it is the consumer's now.
                into.push(message);
                if (into.length >= plan.limit) {
                  break;
                }
                await s.schedule(Promise.resolve(), 'loop body');
              }
            }
            await merge.stop();
          });
          expectNothingLost(specs, consumed, drained);
        }),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );

  it(
    'MergeNamed: every message tagged with its source name, and nothing lost on stop',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), sources, stopPlan, readStyles, async (s, specs, plan, styles) => {
          const { consumed, drained } = await runScenario(s, specs, async (receivers, into) => {
            const named = new MergeNamed(
              Object.fromEntries(receivers.map((receiver, index) => [`s${index}`, receiver])),
            );
            scheduleStop(s, plan, () => named.stop());
            const tagged: [string, Message][] = [];
            await readMerge(
              s,
              named.map(([name, message]) => (tagged.push([name, message]), message)),
              plan,
              styles,
              into,
            );
            await named.stop();
            for (const [name, [source]] of tagged) {
              expect(name).toBe(`s${source}`);
            }
          });
          expectNothingLost(specs, consumed, drained);
        }),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );

  it(
    'select(): leaving the loop (break or return()) at any point loses nothing; each stop is yielded once',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), sources, stopPlan, async (s, specs, plan) => {
          const { consumed, drained } = await runScenario(s, specs, async (receivers, into) => {
            const loop = select(...receivers);
            scheduleStop(s, plan, () => loop.return?.());
            const stops = new Set<number>();
            for await (const selected of loop) {
              const index = receivers.findIndex((receiver) => selectedFrom(selected, receiver));
              if (selected.wasStopped) {
                expect(stops.has(index)).toBe(false);
                stops.add(index);
              } else if (selected.exception === undefined) {
                into.push(selected.message);
              }
              if (into.length >= plan.limit) {
                break;
              }
              await s.schedule(Promise.resolve(), 'loop body');
            }
          });
          expectNothingLost(specs, consumed, drained);
        }),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );

  it(
    'Select: reading some names per round loses only what its warnings name, one message per name and warning',
    async () => {
      const readMasks = fc.array(fc.nat(15), { minLength: 1, maxLength: 4 });
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), sources, stopPlan, readMasks, async (s, specs, plan, masks) => {
          capture.warnings.length = 0;
          const { consumed, drained } = await runScenario(s, specs, async (receivers, into) => {
            const names = receivers.map((_, index) => `s${index}`);
            const selector = new Select(
              Object.fromEntries(receivers.map((receiver, index) => [names[index] as string, receiver])),
            );
            scheduleStop(s, plan, () => selector.stop());
            for (let round = 0; into.length < plan.limit && (await selector.ready()); round++) {
              const mask = masks[round % masks.length] as number;
              // A mask of 0 reads nothing this round: the next ready() drops the round's items.
              for (const [index, name] of names.entries()) {
                const item = (mask & (1 << index)) === 0 ? undefined : selector.get(name);
                if (item?.wasStopped === false) {
                  into.push(item.inner);
                }
              }
              await s.schedule(Promise.resolve(), 'round body');
            }
            await selector.stop();
          });
          expectNothingLost(specs, consumed, drained, droppedPerSource(capture.warnings, specs.length));
        }),
        propertyParameters(runs),
      );
    },
    propertyTimeout(runs),
  );
});

/** How many messages the Select's warnings say it dropped, per source (`s<index>`). */
function droppedPerSource(warnings: readonly string[], count: number): number[] {
  const dropped = new Array<number>(count).fill(0);
  for (const warning of warnings) {
    const names = /receiver\(s\): (.*), because/.exec(warning)?.[1]?.split(', ') ?? [];
    for (const name of names) {
      const index = Number(name.slice(1));
      dropped[index] = (dropped[index] ?? 0) + 1;
    }
  }
  return dropped;
}
