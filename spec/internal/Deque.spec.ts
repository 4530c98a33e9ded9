import fc from 'fast-check';
import { Deque } from '../../lib/internal/Deque';

describe('Deque', () => {
  it('is first in, first out', () => {
    const deque = new Deque<number>();
    deque.push(1);
    deque.push(2);
    deque.push(3);
    expect([deque.shift(), deque.shift(), deque.shift()]).toEqual([1, 2, 3]);
    expect(deque.length).toBe(0);
  });

  it('keeps its order when the ring wraps around', () => {
    const deque = new Deque<number>(4);
    for (let round = 0; round < 10; round++) {
      deque.push(round * 2);
      deque.push(round * 2 + 1);
      expect(deque.shift()).toBe(round * 2);
      expect(deque.shift()).toBe(round * 2 + 1);
    }
    deque.push(100);
    deque.push(101);
    deque.push(102);
    expect(deque.toArray()).toEqual([100, 101, 102]);
  });

  it('grows past its initial capacity, also from a wrapped state, keeping the order', () => {
    const deque = new Deque<number>(4);
    deque.push(0);
    deque.push(1);
    deque.push(2);
    deque.shift();
    deque.shift();
    for (let value = 3; value < 40; value++) {
      deque.push(value);
    }
    expect(deque.length).toBe(38);
    expect(deque.toArray()).toEqual(Array.from({ length: 38 }, (_, index) => index + 2));
  });

  it('unshift() puts an element first, wrapping below index 0 and growing when full', () => {
    const deque = new Deque<number>(4);
    deque.push(2);
    deque.unshift(1);
    deque.unshift(0);
    expect(deque.toArray()).toEqual([0, 1, 2]);
    deque.unshift(-1);
    deque.unshift(-2);
    expect(deque.toArray()).toEqual([-2, -1, 0, 1, 2]);
    expect(deque.shift()).toBe(-2);
  });

  it('peekFirst() returns the first element without removing it, undefined when empty', () => {
    const deque = new Deque<string>();
    expect(deque.peekFirst()).toBeUndefined();
    deque.push('a');
    deque.push('b');
    expect(deque.peekFirst()).toBe('a');
    expect(deque.length).toBe(2);
  });

  it('peekFirst() is undefined again once emptied by shift() or clear(), also after wrapping and growing', () => {
    const deque = new Deque<number>(4);
    for (let round = 0; round < 3; round++) {
      for (let value = 0; value < 6 + round; value++) {
        deque.push(value);
      }
      deque.unshift(-1);
      while (deque.length > 0) {
        deque.shift();
      }
      expect(deque.peekFirst()).toBeUndefined();
    }
    deque.push(1);
    deque.clear();
    expect(deque.peekFirst()).toBeUndefined();
  });

  it('holds undefined and null as elements', () => {
    const deque = new Deque<number | null | undefined>();
    deque.push(undefined);
    deque.push(null);
    expect(deque.length).toBe(2);
    expect(deque.shift()).toBeUndefined();
    expect(deque.shift()).toBeNull();
  });

  it('clear() empties it and it stays usable', () => {
    const deque = new Deque<number>(4);
    deque.push(1);
    deque.push(2);
    deque.shift();
    deque.clear();
    expect(deque.length).toBe(0);
    expect(deque.toArray()).toEqual([]);
    deque.push(3);
    expect(deque.shift()).toBe(3);
  });

  it('rounds the initial capacity up to a power of two and works with any of them', () => {
    for (const capacity of [0, 1, 3, 5, 16, 17]) {
      const deque = new Deque<number>(capacity);
      for (let value = 0; value < 20; value++) {
        deque.push(value);
      }
      expect(deque.toArray()).toEqual(Array.from({ length: 20 }, (_, index) => index));
    }
  });

  it('starts with the smallest power-of-two ring (at least 4) that holds the initial capacity', () => {
    const ringSize = (deque: Deque<number>): number => (deque as unknown as { slots: unknown[] }).slots.length;
    const sizes = [0, 1, 4, 5, 16, 17, 100].map((capacity) => ringSize(new Deque<number>(capacity)));
    expect(sizes).toEqual([4, 4, 4, 8, 16, 32, 128]);
  });

  it('holds its initial capacity, pushed or unshifted, without reallocating the ring', () => {
    const deque = new Deque<number>(8);
    const slotsOf = (): unknown[] => (deque as unknown as { slots: unknown[] }).slots;
    const ring = slotsOf();
    for (let value = 0; value < 4; value++) {
      deque.push(value);
      deque.unshift(-value - 1);
    }
    expect(slotsOf()).toBe(ring);
    expect(deque.toArray()).toEqual([-4, -3, -2, -1, 0, 1, 2, 3]);
  });

  it('does not keep a shifted element alive', () => {
    const deque = new Deque<object>(4);
    deque.push({});
    deque.shift();
    const slots = (deque as unknown as { slots: unknown[] }).slots;
    expect(slots.every((slot) => slot === undefined)).toBe(true);
  });

  it('behaves like an array under any sequence of push, unshift and shift', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('unshift' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('shift' as const) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const deque = new Deque<number>(4);
        const model: number[] = [];
        for (const operation of operations) {
          if (operation.kind === 'push') {
            deque.push(operation.value);
            model.push(operation.value);
          } else if (operation.kind === 'unshift') {
            deque.unshift(operation.value);
            model.unshift(operation.value);
          } else if (model.length > 0) {
            expect(deque.shift()).toBe(model.shift());
          }
          expect(deque.length).toBe(model.length);
        }
        expect(deque.toArray()).toEqual(model);
      }),
    );
  });
});
