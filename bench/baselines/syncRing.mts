/**
 * The reference without promises: the same ring buffer, filled to `capacity` by a plain loop and
 * drained by another, so each message is one push and one shift and nothing else.
 */
import { Ring } from './AsyncQueue.mjs';

/** Moves `count` messages (0, 1, 2...) through a ring of `capacity`; returns their sum, in order checked. */
export function syncRingTransfer(count: number, capacity: number): number {
  const ring = new Ring<number>(capacity);
  let next = 0;
  let expected = 0;
  let sum = 0;
  while (expected < count) {
    while (next < count && ring.length < capacity) {
      ring.push(next++);
    }
    while (ring.length > 0) {
      const message = ring.shift();
      if (message !== expected) {
        throw new Error(`wrong result: got ${message}, expected ${expected}`);
      }
      expected++;
      sum += message;
    }
  }
  return sum;
}
