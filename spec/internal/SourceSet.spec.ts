import { checkReceivers, SourceSet } from '../../lib/internal/SourceSet';
import { READY, STOPPED } from '../../lib/internal/readiness';
import { Anycast, type Receiver } from 'rx-channels';

async function filled(name: string, messages: readonly number[]): Promise<Receiver<number>> {
  const channel = new Anycast<number>({ name });
  for (const message of messages) {
    await channel.newSender().send(message);
  }
  return channel.newReceiver();
}

describe('checkReceivers()', () => {
  it('returns the receivers when every value is one', async () => {
    const receiver = await filled('a', []);
    expect(checkReceivers([['receivers[0]', receiver]], '`x`')).toEqual([receiver]);
  });

  it('throws a TypeError for none, and one naming a value that is not a receiver', () => {
    expect(() => checkReceivers([], '`x`')).toThrow('Expected `x` to be given at least one receiver');
    expect(() => checkReceivers([['receivers.b', { ready: () => true }]], '`x`')).toThrow(
      'Expected `receivers.b` to be a Receiver, got object',
    );
  });
});

describe('SourceSet', () => {
  it('scans from just after the source consumed last (round-robin)', async () => {
    const sources = new SourceSet([await filled('a', [1, 2]), await filled('b', [10]), await filled('c', [100])]);
    const taken: number[] = [];
    for (let index = sources.scan(); index >= 0; index = sources.scan()) {
      taken.push(sources.consume(index));
    }
    expect(taken).toEqual([1, 10, 100, 2]);
  });

  it('skips finished sources and knows when all are finished', async () => {
    const channel = new Anycast<number>();
    const receiver = channel.newReceiver();
    await channel.close();
    const sources = new SourceSet([receiver, await filled('b', [1])]);
    expect(sources.readyIndices()).toEqual([0, 1]);
    expect(sources.stateAt(0)).toBe(STOPPED);
    expect(sources.stateAt(1)).toBe(READY);
    sources.finish(0);
    sources.finish(0);
    expect(sources.isFinished(0)).toBe(true);
    expect(sources.scan()).toBe(1);
    expect(sources.allFinished).toBe(false);
    sources.finish(1);
    expect(sources.allFinished).toBe(true);
    expect(sources.scan()).toBe(-1);
  });
});
