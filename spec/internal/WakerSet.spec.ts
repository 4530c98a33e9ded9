import type { Waker } from '../../lib/internal/protocol';
import { WakerSet } from '../../lib/internal/WakerSet';

function recordingWaker(log: string[], name: string, onWake?: () => void): Waker {
  return {
    wake: () => {
      log.push(name);
      onWake?.();
    },
  };
}

describe('WakerSet', () => {
  it('is empty at first and after its wakers are removed', () => {
    const set = new WakerSet();
    expect(set.isEmpty).toBe(true);
    const a = recordingWaker([], 'a');
    const b = recordingWaker([], 'b');
    set.add(a);
    set.add(b);
    expect(set.isEmpty).toBe(false);
    set.remove(a);
    expect(set.isEmpty).toBe(false);
    set.remove(b);
    expect(set.isEmpty).toBe(true);
  });

  it('wakeAll() calls every waker once, in the order they were added, and forgets them', () => {
    const log: string[] = [];
    const set = new WakerSet();
    set.add(recordingWaker(log, 'a'));
    set.add(recordingWaker(log, 'b'));
    set.add(recordingWaker(log, 'c'));
    set.wakeAll();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(set.isEmpty).toBe(true);
    set.wakeAll();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('wakeAll() on an empty set does nothing', () => {
    const set = new WakerSet();
    expect(() => set.wakeAll()).not.toThrow();
    expect(set.isEmpty).toBe(true);
  });

  it('a removed waker is not woken, wherever it was in the set', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const a = recordingWaker(log, 'a');
    const b = recordingWaker(log, 'b');
    const c = recordingWaker(log, 'c');
    set.add(a);
    set.add(b);
    set.add(c);
    set.remove(b);
    set.remove(a);
    set.wakeAll();
    expect(log).toEqual(['c']);
  });

  it('removing a waker that is not in the set does nothing', () => {
    const log: string[] = [];
    const set = new WakerSet();
    set.add(recordingWaker(log, 'a'));
    set.remove(recordingWaker(log, 'x'));
    set.wakeAll();
    expect(log).toEqual(['a']);
  });

  it('removing a waker that is not in the set leaves every other waker parked, with several parked', () => {
    const log: string[] = [];
    const set = new WakerSet();
    set.add(recordingWaker(log, 'a'));
    set.add(recordingWaker(log, 'b'));
    set.add(recordingWaker(log, 'c'));
    set.remove(recordingWaker(log, 'x'));
    set.wakeAll();
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('a waker that parks again during wakeAll() is kept for the next round, not called now', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const again: Waker = recordingWaker(log, 'again', () => set.add(again));
    set.add(again);
    set.add(recordingWaker(log, 'once'));
    set.wakeAll();
    expect(log).toEqual(['again', 'once']);
    expect(set.isEmpty).toBe(false);
    set.wakeAll();
    expect(log).toEqual(['again', 'once', 'again']);
  });
});

describe('WakerSet during a round', () => {
  it("a waker that parks for the first time during a round waits behind the round's wakers that park again", () => {
    const log: string[] = [];
    const set = new WakerSet();
    const newcomer = recordingWaker(log, 'newcomer');
    // `first` brings a newcomer in (a receive() made from a map() function); `second` parks again.
    const first = recordingWaker(log, 'first', () => set.add(newcomer));
    const second: Waker = {
      wake: () => {
        log.push('second');
        set.add(second);
      },
    };
    set.add(first);
    set.add(second);
    set.wakeAll();
    expect(log).toEqual(['first', 'second']);
    expect(set.isEmpty).toBe(false);
    set.wakeAll();
    expect(log).toEqual(['first', 'second', 'second', 'newcomer']);
  });

  it('a waker removed during a round, before its turn, is not called', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const c = recordingWaker(log, 'c');
    set.add(recordingWaker(log, 'a', () => set.remove(c)));
    set.add(recordingWaker(log, 'b'));
    set.add(c);
    set.wakeAll();
    expect(log).toEqual(['a', 'b']);
  });

  it('the registering waker is kept parked by a round, and the others are called', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const held = recordingWaker(log, 'held');
    set.add(recordingWaker(log, 'other'));
    set.add(held);
    set.hold(held);
    set.wakeAll();
    expect(log).toEqual(['other']);
    expect(set.isEmpty).toBe(false);
    set.release();
    set.wakeAll();
    expect(log).toEqual(['other', 'held']);
  });

  it('the registering waker alone is kept too (the one-waker path)', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const held = recordingWaker(log, 'held');
    set.add(held);
    set.hold(held);
    set.wakeAll();
    expect(log).toEqual([]);
    expect(set.isEmpty).toBe(false);
  });

  it('nested holds keep both wakers until each is released', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const outer = recordingWaker(log, 'outer');
    const inner = recordingWaker(log, 'inner');
    set.add(outer);
    set.hold(outer);
    set.add(inner);
    set.hold(inner);
    set.wakeAll();
    set.release();
    set.wakeAll();
    expect(log).toEqual(['inner']);
    set.release();
    set.wakeAll();
    expect(log).toEqual(['inner', 'outer']);
  });

  it('a waker that re-parks and is removed in the same round is neither called now nor later', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const b = recordingWaker(log, 'b');
    set.add(
      recordingWaker(log, 'a', () => {
        set.add(b);
        set.remove(b);
      }),
    );
    set.add(b);
    set.wakeAll();
    set.wakeAll();
    expect(log).toEqual(['a']);
  });

  it('a nested round from inside a waker calls only what was parked since, and the outer round goes on', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const late = recordingWaker(log, 'late');
    set.add(
      recordingWaker(log, 'a', () => {
        set.add(late);
        set.wakeAll();
      }),
    );
    set.add(recordingWaker(log, 'b'));
    set.wakeAll();
    expect(log).toEqual(['a', 'late', 'b']);
    expect(set.isEmpty).toBe(true);
  });

  it('remove() moves the next parked waker into the single slot', () => {
    const log: string[] = [];
    const set = new WakerSet();
    const a = recordingWaker(log, 'a');
    set.add(a);
    set.add(recordingWaker(log, 'b'));
    set.add(recordingWaker(log, 'c'));
    set.remove(a);
    set.wakeAll();
    expect(log).toEqual(['b', 'c']);
  });
});
